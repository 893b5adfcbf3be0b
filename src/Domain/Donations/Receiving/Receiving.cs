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
    Money? TransferAmount = null);

/// <summary>A wrong match undone: the payment no longer counts for this donation.</summary>
public sealed record DonationPaymentWithdrawn(
    Guid DonationId,
    string AppealId,
    Guid PaymentId,
    Money Amount,
    IReadOnlyList<Earmark> Allocation,
    string Reason,
    DateTimeOffset RecordedAt);

/// <summary>The bank took money back (a return or reversal). An external fact: recorded even if it overdraws a fund.</summary>
public sealed record DonationPaymentReturned(
    Guid DonationId,
    string AppealId,
    Guid ReturnPaymentId,
    Money Amount,
    DateOnly BookingDate,
    string? ReasonCode,
    IReadOnlyList<Earmark> Allocation,
    DateTimeOffset RecordedAt);

/// <summary>A payment without a pledge, booked by the treasurer as a donation of its own.</summary>
public sealed record DonationBookedFromPayment(
    Guid DonationId,
    string AppealId,
    Money Amount,
    IReadOnlyList<Earmark> Earmarks,
    CreditorReference Reference,
    Guid PaymentId,
    DateTimeOffset BookedAt);

public static class ReceivingDecision
{
    /// <summary>Books <paramref name="amount"/> on the donation, scaling the earmark split to the real amount.</summary>
    public static IReadOnlyList<object> Receive(Donation donation, Guid paymentId, Money amount, DateOnly bookingDate, DateOnly? valueDate, DateTimeOffset now,
        Money? transferAmount = null)
    {
        if (donation.HasPayment(paymentId)) return [];
        Invariant.That(amount.IsPositive, "A received payment is positive.");
        var allocation = Scale(donation.Earmarks, amount);
        return [new DonationPaymentReceived(donation.Id, donation.AppealId, paymentId, amount, bookingDate, valueDate, allocation, now, transferAmount)];
    }

    public static IReadOnlyList<object> Withdraw(Donation donation, Guid paymentId, string reason, DateTimeOffset now)
    {
        var payment = donation.Payments.FirstOrDefault(p => p.PaymentId == paymentId);
        return payment is null
            ? []
            : [new DonationPaymentWithdrawn(donation.Id, donation.AppealId, paymentId, payment.Amount, payment.Allocation, reason, now)];
    }

    /// <summary>
    /// A bank return: split over what the funds currently hold of this donation (or over the earmarks if
    /// nothing is held any more), so that returns never invent money in a fund the donation did not reach.
    /// </summary>
    public static IReadOnlyList<object> Return(Donation donation, Guid returnPaymentId, Money amount, DateOnly bookingDate, string? reasonCode, DateTimeOffset now)
    {
        if (donation.HasReturn(returnPaymentId)) return [];
        Invariant.That(amount.IsPositive, "A returned amount is positive.");
        var held = donation.NetAllocation.Where(a => a.Amount.IsPositive).ToList();
        var allocation = Scale(held.Count > 0 ? held : donation.Earmarks, amount);
        return [new DonationPaymentReturned(donation.Id, donation.AppealId, returnPaymentId, amount, bookingDate, reasonCode, allocation, now)];
    }

    public static IReadOnlyList<Earmark> Scale(IReadOnlyList<Earmark> earmarks, Money amount)
    {
        var parts = LargestRemainder.Allocate(amount, earmarks.Select(e => e.Amount.Cents).ToList());
        var scaled = earmarks.Select((e, i) => e with { Amount = parts[i] }).Where(e => e.Amount != Money.Zero).ToList();
        Invariant.That(scaled.Aggregate(Money.Zero, (s, e) => s + e.Amount) == amount, "A split adds up to the whole.");
        return scaled;
    }
}
