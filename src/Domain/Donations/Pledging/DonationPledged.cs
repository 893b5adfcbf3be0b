using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Donations.Pledging;

/// <summary>
/// The pledge as a fact. Carries a donor id, never the person: name, address and e-mail live in the
/// personal-data store under <see cref="DonorId"/> (DESIGN §9).
/// </summary>
public sealed record DonationPledged(
    Guid DonationId,
    string AppealId,
    Money Amount,
    IReadOnlyList<Earmark> Earmarks,
    CreditorReference Reference,
    Guid? DonorId,
    bool ReceiptWanted,
    string DonorTokenHash,
    DateTimeOffset PledgedAt) : IEventOf<Donation>, IAppealEvent;
