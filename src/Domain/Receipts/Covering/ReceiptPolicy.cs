using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Receipts.Covering;

/// <summary>The payments one receipt will state, and the cancelled receipt it replaces (if any).</summary>
public sealed record ReceiptBatch(IReadOnlyList<ReceiptablePayment> Payments, string? ReplacesNumber)
{
    public Money Total => Payments.Aggregate(Money.Zero, (s, p) => s + p.Amount);
}

/// <summary>
/// When the receipts of a donation are due: <see cref="Now"/> lists the receipts to issue now (empty when nothing is
/// due); <see cref="WaitUntil"/> is the day to look again (null when there is nothing to wait for).
/// </summary>
public sealed record ReceiptDue(IReadOnlyList<ReceiptBatch> Now, DateOnly? WaitUntil, string Why)
{
    public static ReceiptDue Nothing(string why) => new([], null, why);
}

/// <summary>
/// The rule for donations whose donor wants a receipt (a pure decision over the donation's state and today's date):
/// <list type="bullet">
/// <item>The payments not yet on a valid receipt are receipted together once the pledge is fully paid (received less
/// returned ≥ pledged), or once <c>graceDays</c> have passed since the first of them was booked, whichever comes first.
/// Until then the receipt waits, so that a pledge paid in parts gets one receipt rather than one per part.</item>
/// <item>One payment gives a single Zuwendungsbestätigung; several give a Sammelbestätigung whose annex lists each payment.</item>
/// <item>A receipt never spans two calendar years: the donor deducts per year (§ 11 Abs. 2 EStG), so payments of
/// different years go on separate receipts.</item>
/// <item>Payments arriving after a receipt go on a further receipt by the same rule (an overpayment of a fully paid
/// pledge is due at once). Amounts are what was received, whatever was pledged.</item>
/// </list>
/// </summary>
public static class ReceiptPolicy
{
    public const int GraceDaysDefault = 14;
    public const int GraceDaysMax = 366;

    public static ReceiptDue Due(Donation donation, DateOnly today, int graceDays)
    {
        Invariant.That(graceDays is >= 0 and <= GraceDaysMax, "The grace period lies between 0 and 366 days.");
        if (!donation.ReceiptWanted) return ReceiptDue.Nothing("The donor did not ask for a receipt.");
        var open = ReceiptCoverage.Open(donation);
        if (open.Count == 0)
        {
            return ReceiptDue.Nothing(donation.Payments.Count == 0 ? "No money has arrived for this donation (yet)." : "Every payment of this donation is on a valid receipt.");
        }

        var fullyPaid = donation.Net >= donation.Pledged;
        var dueOn = open.Min(p => p.Date).AddDays(graceDays);
        if (!fullyPaid && today < dueOn)
        {
            return new ReceiptDue([], dueOn, $"The pledge is not fully paid: the receipt waits until {dueOn:yyyy-MM-dd} for further payments.");
        }
        return new ReceiptDue(Batches(donation, open), null, fullyPaid ? "The pledge is fully paid." : "The grace period for further payments has passed.");
    }

    /// <summary>One receipt per calendar year over the given payments, each referring to the cancelled receipt it replaces.</summary>
    public static IReadOnlyList<ReceiptBatch> Batches(Donation donation, IReadOnlyList<ReceiptablePayment> payments)
        => payments.GroupBy(p => p.Date.Year).OrderBy(g => g.Key)
            .Select(g =>
            {
                var lines = g.OrderBy(p => p.Date).ToList();
                return new ReceiptBatch(lines, ReceiptCoverage.LastCancelledFor(donation, lines.Select(p => p.PaymentId)));
            })
            .ToList();
}
