using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Appeals.Opening;

/// <summary>The appeal as opened: its public id, wording, account, purposes, municipalities and rules.</summary>
public sealed record AppealOpened(
    string AppealId,
    string Title,
    string Description,
    Issuer Issuer,
    BankAccount Account,
    bool IsDisasterSpecialAccount,
    SimplifiedProofWindow? SimplifiedProof,
    IReadOnlyList<Purpose> Purposes,
    IReadOnlyList<Municipality> Municipalities,
    string ReceiptSignatory,
    DateOnly ProofOfUseDeadline,
    Money PledgeLimit,
    DateTimeOffset OpenedAt,
    DateOnly? DisasterDate = null,
    GiftUse? GiftUse = null) : IEventOf<Appeal>, IAppealEvent;
