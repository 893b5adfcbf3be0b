using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donors;
using FlutHilfe.Domain.Receipts.Covering;
using FlutHilfe.Domain.Receipts.Issuing;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Receipts;

/// <summary>
/// A Sammelbestätigung the treasurer asks for over the payments of one donor's donations within a period that no valid
/// receipt states yet (optionally only <see cref="PaymentIds"/>).
/// </summary>
public sealed record IssueCollectiveReceipt(IReadOnlyList<Guid> DonationIds, DateOnly From, DateOnly To, IReadOnlyList<Guid>? PaymentIds, DateTimeOffset IssuedAt);

/// <summary>The payments a collective receipt states and the donor it is made out to.</summary>
public sealed record CollectiveReceipt(IReadOnlyList<ReceiptablePayment> Payments, DonorProfile Donor);

public static partial class ReceiptDecider
{
    /// <summary>
    /// One donor: every donation needs a donor with a postal address, and the same name and address on each (donors get a
    /// new id per pledge, so the printed name and address decide). <paramref name="donors"/> holds the profile of each
    /// donation's donor that is still known.
    /// </summary>
    public static CollectiveReceipt Decide(IssueCollectiveReceipt command, IReadOnlyDictionary<Guid, Donation> found, IReadOnlyDictionary<Guid, DonorProfile> donors,
        Appeal? appeal)
    {
        if (command.DonationIds.Count == 0) throw DomainException.Invalid("donationIds", "A collective receipt needs at least one donation.");
        var donations = command.DonationIds
            .Select(id => found.TryGetValue(id, out var d) ? d : throw DomainException.Invalid("donationIds", $"No donation {id}."))
            .ToList();
        var profiles = donations.Select(d => d.DonorId is { } id && donors.TryGetValue(id, out var p) && p.HasPostalAddress
                ? p
                : throw DomainException.Invalid("donationIds", $"Donation {d.Id} has no donor with a postal address."))
            .ToList();
        if (profiles.Select(p => (Norm(p.Name), Norm(p.Street), Norm(p.PostalCode), Norm(p.City))).Distinct().Count() != 1)
            throw DomainException.Invalid("donationIds", "The donations belong to different donors (name or address differ).");
        var payments = ReceiptDecision.CollectivePayments(donations, appeal ?? throw DomainException.NotFound("No appeal."), command.From, command.To, command.PaymentIds?.ToHashSet());
        return new CollectiveReceipt(payments, profiles[^1]);
    }

    private static string Norm(string? s) => string.Join(' ', (s ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToUpperInvariant();
}
