using FlutHilfe.Domain.Funds;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Donations.Receiving;

/// <summary>
/// Money arrived for a donation. <see cref="Allocation"/> splits the real amount over the donation's
/// earmarks by largest remainder (the parts add up to <see cref="Amount"/>). When one transfer paid several
/// donations, <see cref="Amount"/> is this donation's part and <see cref="TransferAmount"/> the whole transfer.
/// </summary>
public sealed record DonationPaymentReceived(
    Guid DonationId,
    string AppealId,
    Guid PaymentId,
    Money Amount,
    DateOnly BookingDate,
    DateOnly? ValueDate,
    IReadOnlyList<Earmark> Allocation,
    DateTimeOffset RecordedAt,
    Money? TransferAmount = null) : IEventOf<Donation>, IFundEvent
{
    public IEnumerable<Fund> Funds() => Allocation.Select(a => a.Fund);
}

/// <summary>A wrong match undone: the payment no longer counts for this donation.</summary>
public sealed record DonationPaymentWithdrawn(
    Guid DonationId,
    string AppealId,
    Guid PaymentId,
    Money Amount,
    IReadOnlyList<Earmark> Allocation,
    string Reason,
    DateTimeOffset RecordedAt) : IEventOf<Donation>, IFundEvent
{
    public IEnumerable<Fund> Funds() => Allocation.Select(a => a.Fund);
}

/// <summary>The bank took money back (a return or reversal). An external fact: recorded even if it overdraws a fund.</summary>
public sealed record DonationPaymentReturned(
    Guid DonationId,
    string AppealId,
    Guid ReturnPaymentId,
    Money Amount,
    DateOnly BookingDate,
    string? ReasonCode,
    IReadOnlyList<Earmark> Allocation,
    DateTimeOffset RecordedAt) : IEventOf<Donation>, IFundEvent
{
    public IEnumerable<Fund> Funds() => Allocation.Select(a => a.Fund);
}

/// <summary>A payment without a pledge, booked by the treasurer as a donation of its own.</summary>
public sealed record DonationBookedFromPayment(
    Guid DonationId,
    string AppealId,
    Money Amount,
    IReadOnlyList<Earmark> Earmarks,
    CreditorReference Reference,
    Guid PaymentId,
    DateTimeOffset BookedAt) : IEventOf<Donation>, IAppealEvent;
