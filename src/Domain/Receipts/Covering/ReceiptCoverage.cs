using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Receipts.Issuing;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Receipts.Covering;

/// <summary>
/// A payment on a receipt: <paramref name="Amount"/> is what the receipt states for it (what stayed with us when it was
/// issued). <paramref name="Valid"/> turns false when the receipt is cancelled.
/// </summary>
public sealed record PaymentReceipt(Guid PaymentId, string Number, Money Amount, bool Valid);

/// <summary>How much of which payment a bank return took back.</summary>
public sealed record ReturnAttribution(Guid ReturnPaymentId, Guid PaymentId, Money Amount);

/// <summary>A payment (a Zuwendung) that a receipt can state: its booking date and the amount that stayed with us.</summary>
public sealed record ReceiptablePayment(Guid DonationId, Guid PaymentId, DateOnly Date, Money Amount)
{
    public ReceiptLine ToLine() => new(DonationId, Date, Amount, PaymentId);
}

/// <summary>
/// Receipts cover payments, not donations: a Zuwendung in the tax sense is money that reached us (§ 10b EStG), so a
/// pledge paid as 30 € + 20 € is two Zuwendungen. These functions answer, from a donation's folded state, which payment
/// is on which valid receipt, how much of it a receipt may state, and which receipts a return or an undone match makes
/// wrong. Every euro received ends up on exactly one valid receipt: a payment is on at most one valid receipt, and a
/// receipt whose payment changed is cancelled and its remaining payments receipted again.
/// </summary>
public static class ReceiptCoverage
{
    /// <summary>
    /// Which payment a bank return took money from: the most recent payment whose remaining amount equals the returned
    /// amount (a return usually sends one transfer back whole); otherwise the most recent payments first until the
    /// amount is covered. Decided once, when the return is folded, so later payments never move an earlier return.
    /// </summary>
    public static IReadOnlyList<ReturnAttribution> AttributeReturn(Donation donation, Guid returnPaymentId, Money amount)
    {
        var remaining = donation.Payments
            .Select((p, index) => (Payment: p, Index: index, Left: p.Amount - Returned(donation, p.PaymentId)))
            .Where(x => x.Left.IsPositive)
            .OrderByDescending(x => x.Payment.BookingDate).ThenByDescending(x => x.Index)
            .ToList();
        var exact = remaining.FirstOrDefault(x => x.Left == amount);
        if (exact.Payment is not null) return [new ReturnAttribution(returnPaymentId, exact.Payment.PaymentId, amount)];

        var result = new List<ReturnAttribution>();
        var left = amount;
        foreach (var x in remaining)
        {
            if (!left.IsPositive) break;
            var take = x.Left < left ? x.Left : left;
            result.Add(new ReturnAttribution(returnPaymentId, x.Payment.PaymentId, take));
            left -= take;
        }
        // More returned than received is an external fact we record; it has no payment to come from.
        return result;
    }

    /// <summary>What the bank took back of this payment.</summary>
    public static Money Returned(Donation donation, Guid paymentId)
        => donation.ReturnAttributions.Where(a => a.PaymentId == paymentId).Aggregate(Money.Zero, (s, a) => s + a.Amount);

    /// <summary>What a receipt may state for this payment: the amount received less what the bank took back.</summary>
    public static Money Receiptable(Donation donation, DonationPayment payment) => payment.Amount - Returned(donation, payment.PaymentId);

    /// <summary>The valid receipt this payment is on, if any.</summary>
    public static string? ValidReceiptFor(Donation donation, Guid paymentId)
    {
        // A donation folded before receipts covered payments knows only its one receipt number, which covered everything.
        if (donation.PaymentReceipts.Count == 0) return donation.ReceiptNumber;
        return donation.PaymentReceipts.LastOrDefault(r => r.PaymentId == paymentId && r.Valid)?.Number;
    }

    /// <summary>Payments with money left that no valid receipt covers yet, oldest first.</summary>
    public static IReadOnlyList<ReceiptablePayment> Open(Donation donation)
        => donation.Payments
            .Where(p => ValidReceiptFor(donation, p.PaymentId) is null)
            .Select(p => new ReceiptablePayment(donation.Id, p.PaymentId, p.BookingDate, Receiptable(donation, p)))
            .Where(p => p.Amount.IsPositive)
            .OrderBy(p => p.Date)
            .ToList();

    /// <summary>What a <see cref="ReceiptAssigned"/> covers, with the amounts stated (folded in <see cref="Donation"/>).</summary>
    public static IReadOnlyList<PaymentReceipt> CoveredBy(Donation donation, ReceiptAssigned e)
    {
        // Events written before receipts covered payments carry no ids: such a receipt stated every payment the donation had.
        var ids = e.PaymentIds ?? donation.Payments.Where(p => ValidReceiptFor(donation, p.PaymentId) is null).Select(p => p.PaymentId).ToList();
        return ids.Select(id => donation.Payments.FirstOrDefault(p => p.PaymentId == id) is { } payment
                ? new PaymentReceipt(id, e.Number, Receiptable(donation, payment), true)
                : new PaymentReceipt(id, e.Number, Money.Zero, true))
            .ToList();
    }

    /// <summary>
    /// Valid receipts that no longer state the truth: a payment on them was withdrawn (a wrong match undone) or the bank
    /// took (part of) it back. Each must be cancelled and its remaining payments receipted again.
    /// </summary>
    public static IReadOnlyList<string> Voided(Donation donation)
    {
        if (donation.PaymentReceipts.Count == 0)
        {
            // Folded before receipts covered payments: the one receipt stated the whole donation, so any change voids it.
            return donation.ReceiptNumber is { } number && (donation.ReturnedByBank.IsPositive || donation.Payments.Count == 0) ? [number] : [];
        }
        return donation.PaymentReceipts
            .Where(r => r.Valid)
            .Where(r => donation.Payments.FirstOrDefault(p => p.PaymentId == r.PaymentId) is not { } payment || Receiptable(donation, payment) != r.Amount)
            .Select(r => r.Number)
            .Distinct()
            .ToList();
    }

    /// <summary>The most recent cancelled receipt that covered one of these payments (a new receipt for them refers to it).</summary>
    public static string? LastCancelledFor(Donation donation, IEnumerable<Guid> paymentIds)
    {
        var ids = paymentIds.ToHashSet();
        return donation.PaymentReceipts.LastOrDefault(r => !r.Valid && ids.Contains(r.PaymentId))?.Number;
    }
}
