using FlutHilfe.Domain.Donations.Receiving;
using FlutHilfe.Domain.Donations.Reminding;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Donations;

/// <summary>
/// Book <see cref="Amount"/> of a payment on the donation, its earmark split scaled to the real amount. When one
/// transfer paid several donations, <see cref="TransferAmount"/> is the whole transfer. A payment booked once decides nothing.
/// </summary>
public sealed record ReceivePayment(Guid DonationId, Guid PaymentId, Money Amount, DateOnly BookingDate, DateOnly? ValueDate, DateTimeOffset RecordedAt,
    Money? TransferAmount = null);

/// <summary>A wrong match undone: the payment no longer counts for the donation (nothing when it is not booked there).</summary>
public sealed record WithdrawPayment(Guid DonationId, Guid PaymentId, string Reason, DateTimeOffset RecordedAt);

/// <summary>A bank return of <see cref="Amount"/> taken back from the donation. An external fact: recorded even if it overdraws a fund.</summary>
public sealed record ReturnPayment(Guid DonationId, Guid ReturnPaymentId, Money Amount, DateOnly BookingDate, string? ReasonCode, DateTimeOffset RecordedAt);

public static partial class DonationDecider
{
    public static IReadOnlyList<object> Decide(ReceivePayment command, Donation donation)
    {
        if (donation.HasPayment(command.PaymentId)) return [];
        Invariant.That(command.Amount.IsPositive, "A received payment is positive.");
        var allocation = Scale(donation.Earmarks, command.Amount);
        // Money for an expired pledge is never lost: it books as usual, and the pledge counts as pledged again first.
        IReadOnlyList<object> revived = donation.Expired
            ? [new ExpiredPledgePaid(donation.Id, donation.AppealId, donation.Pledged, command.PaymentId, command.RecordedAt)]
            : [];
        return [.. revived, new DonationPaymentReceived(donation.Id, donation.AppealId, command.PaymentId, command.Amount, command.BookingDate, command.ValueDate, allocation,
            command.RecordedAt, command.TransferAmount)];
    }

    public static IReadOnlyList<object> Decide(WithdrawPayment command, Donation donation)
    {
        var payment = donation.Payments.FirstOrDefault(p => p.PaymentId == command.PaymentId);
        return payment is null
            ? []
            : [new DonationPaymentWithdrawn(donation.Id, donation.AppealId, command.PaymentId, payment.Amount, payment.Allocation, command.Reason, command.RecordedAt)];
    }

    /// <summary>
    /// Split over what the funds currently hold of this donation (or over the earmarks if nothing is held any more), so
    /// that returns never invent money in a fund the donation did not reach.
    /// </summary>
    public static IReadOnlyList<object> Decide(ReturnPayment command, Donation donation)
    {
        if (donation.HasReturn(command.ReturnPaymentId)) return [];
        Invariant.That(command.Amount.IsPositive, "A returned amount is positive.");
        var held = donation.NetAllocation.Where(a => a.Amount.IsPositive).ToList();
        var allocation = Scale(held.Count > 0 ? held : donation.Earmarks, command.Amount);
        return [new DonationPaymentReturned(donation.Id, donation.AppealId, command.ReturnPaymentId, command.Amount, command.BookingDate, command.ReasonCode,
            allocation, command.RecordedAt)];
    }

    /// <summary>Scales an earmark split to <paramref name="amount"/> by largest remainder: the parts add up to the whole.</summary>
    public static IReadOnlyList<Earmark> Scale(IReadOnlyList<Earmark> earmarks, Money amount)
    {
        var parts = LargestRemainder.Allocate(amount, earmarks.Select(e => e.Amount.Cents).ToList());
        var scaled = earmarks.Select((e, i) => e with { Amount = parts[i] }).Where(e => e.Amount != Money.Zero).ToList();
        Invariant.That(scaled.Aggregate(Money.Zero, (s, e) => s + e.Amount) == amount, "A split adds up to the whole.");
        return scaled;
    }
}
