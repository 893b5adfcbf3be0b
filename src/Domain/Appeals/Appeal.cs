using FlutHilfe.Domain.Appeals.Closing;
using FlutHilfe.Domain.Appeals.Extending;
using FlutHilfe.Domain.Appeals.Opening;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Appeals;

/// <summary>
/// State of one appeal, folded from its stream. Immutable: every event yields a new instance.
/// Also the public read model (a Marten inline snapshot): it holds no personal data.
/// </summary>
public sealed record Appeal
{
    public Guid Id { get; init; }
    public string Slug { get; init; } = "";
    public string Title { get; init; } = "";
    public string Description { get; init; } = "";
    public Issuer Issuer { get; init; } = null!;
    public BankAccount Account { get; init; } = null!;
    public bool IsDisasterSpecialAccount { get; init; }
    public SimplifiedProofWindow? SimplifiedProof { get; init; }
    public IReadOnlyList<Purpose> Purposes { get; init; } = [];
    public IReadOnlyList<Municipality> Municipalities { get; init; } = [];
    public string ReceiptSignatory { get; init; } = "";
    public DateOnly ProofOfUseDeadline { get; init; }
    public Money PledgeLimit { get; init; }
    /// <summary>When the disaster struck: spending before it is not eligible. Null (appeals opened before this was data): no lower bound.</summary>
    public DateOnly? DisasterDate { get; init; }
    /// <summary>Used directly or passed on (printed on receipts). Appeals opened before this was data use the money directly.</summary>
    public GiftUse GiftUse { get; init; } = GiftUse.UsedDirectly;
    public DateTimeOffset OpenedAt { get; init; }
    public bool IsClosed { get; init; }
    public DateTimeOffset? ClosedAt { get; init; }

    public static Appeal Create(AppealOpened e) => new()
    {
        Id = AppealStream.IdFor(e.AppealId),
        Slug = e.AppealId,
        Title = e.Title,
        Description = e.Description,
        Issuer = e.Issuer,
        Account = e.Account,
        IsDisasterSpecialAccount = e.IsDisasterSpecialAccount,
        SimplifiedProof = e.SimplifiedProof,
        Purposes = e.Purposes,
        Municipalities = e.Municipalities,
        ReceiptSignatory = e.ReceiptSignatory,
        ProofOfUseDeadline = e.ProofOfUseDeadline,
        PledgeLimit = e.PledgeLimit,
        OpenedAt = e.OpenedAt,
        DisasterDate = e.DisasterDate,
        GiftUse = e.GiftUse ?? GiftUse.UsedDirectly,
    };

    public Appeal Apply(MunicipalityAdded e) => this with { Municipalities = [.. Municipalities, e.Municipality] };

    public Appeal Apply(PurposeAdded e) => this with { Purposes = [.. Purposes, e.Purpose] };

    public Appeal Apply(AppealClosed e) => this with { IsClosed = true, ClosedAt = e.ClosedAt };

    public Municipality? FindMunicipality(string id) => Municipalities.FirstOrDefault(m => m.Id == id);

    public Purpose? FindPurpose(string id) => Purposes.FirstOrDefault(p => p.Id == id);

    /// <summary>Whether the donation was made under the simplified-proof rule for disasters.</summary>
    public bool IsInSimplifiedProofWindow(DateOnly paidOn)
        => IsDisasterSpecialAccount && SimplifiedProof is { } w && paidOn >= w.From && paidOn <= w.To;
}

public static class AppealStream
{
    public static Guid IdFor(string appealSlug) => DeterministicId.For("appeal", appealSlug);
}
