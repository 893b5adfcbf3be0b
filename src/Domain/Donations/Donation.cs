using FlutHilfe.Domain.Donations.Pledging;
using FlutHilfe.Domain.Funds;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Donations;

public enum DonationStatus
{
    Pledged,
    PartlyPaid,
    Paid,
    Returned,
}

/// <summary>One part of a gift and the fund it goes to.</summary>
public sealed record Earmark(string? MunicipalityId, string? PurposeId, Money Amount)
{
    public Fund Fund => new(MunicipalityId, PurposeId);
}

/// <summary>
/// State of one donation, folded from its own stream (the hot path touches no other stream).
/// Also stored as an inline snapshot so payments can be matched by reference.
/// </summary>
public sealed record Donation
{
    public Guid Id { get; init; }
    public string AppealId { get; init; } = "";
    /// <summary>ISO 11649 creditor reference, electronic form; unique per pledge.</summary>
    public string Reference { get; init; } = "";
    public Money Pledged { get; init; }
    public IReadOnlyList<Earmark> Earmarks { get; init; } = [];
    public Guid? DonorId { get; init; }
    public bool ReceiptWanted { get; init; }
    public string DonorTokenHash { get; init; } = "";
    public DateTimeOffset PledgedAt { get; init; }
    public DonationStatus Status { get; init; }

    public static Donation Create(DonationPledged e) => new()
    {
        Id = e.DonationId,
        AppealId = e.AppealId,
        Reference = e.Reference.Value,
        Pledged = e.Amount,
        Earmarks = e.Earmarks,
        DonorId = e.DonorId,
        ReceiptWanted = e.ReceiptWanted,
        DonorTokenHash = e.DonorTokenHash,
        PledgedAt = e.PledgedAt,
        Status = DonationStatus.Pledged,
    };
}
