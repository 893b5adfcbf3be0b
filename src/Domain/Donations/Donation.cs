using FlutHilfe.Domain.Donations.Pledging;
using FlutHilfe.Domain.Donations.Receiving;
using FlutHilfe.Domain.EarmarkDecisions;
using FlutHilfe.Domain.Funds;
using FlutHilfe.Domain.Receipts.Cancelling;
using FlutHilfe.Domain.Receipts.Covering;
using FlutHilfe.Domain.Receipts.Issuing;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Donations;

public enum DonationStatus
{
    Pledged,
    PartlyPaid,
    Paid,
    Returned,
    /// <summary>Nothing arrived by the expiry day: no longer counted as pledged (money that still arrives books as usual).</summary>
    Expired,
}

/// <summary>One part of a gift and the fund it goes to.</summary>
public sealed record Earmark(string? MunicipalityId, string? PurposeId, Money Amount)
{
    public Fund Fund => new(MunicipalityId, PurposeId);
}

/// <summary>A payment booked on a donation, with its split over the donation's funds.</summary>
public sealed record DonationPayment(Guid PaymentId, Money Amount, DateOnly BookingDate, IReadOnlyList<Earmark> Allocation);

/// <summary>
/// State of one donation, folded from its own stream by <see cref="DonationDecider.Evolve"/> (the hot path touches no other stream).
/// Also stored as an inline snapshot so payments can be matched by reference.
/// </summary>
public sealed record Donation
{
    public Guid Id { get; init; }
    public string AppealId { get; init; } = "";
    /// <summary>ISO 11649 creditor reference, electronic form; unique per donation.</summary>
    public string Reference { get; init; } = "";
    public Money Pledged { get; init; }
    /// <summary>Duplicate of <see cref="Pledged"/> as a plain number, for queries.</summary>
    public long PledgedCents { get; init; }
    public IReadOnlyList<Earmark> Earmarks { get; init; } = [];
    public Guid? DonorId { get; init; }
    public bool ReceiptWanted { get; init; }
    public string DonorTokenHash { get; init; } = "";
    public DateTimeOffset PledgedAt { get; init; }
    public bool WasPledged { get; init; } = true;
    /// <summary>Payments currently booked on this donation (a withdrawn match removes its payment).</summary>
    public IReadOnlyList<DonationPayment> Payments { get; init; } = [];
    /// <summary>Money the bank took back (returns and reversals).</summary>
    public Money ReturnedByBank { get; init; }
    public IReadOnlyList<DonationPayment> Returns { get; init; } = [];
    /// <summary>The most recent valid receipt covering a payment of this donation, if any (a donation paid in parts may be on several).</summary>
    public string? ReceiptNumber { get; init; }
    /// <summary>Every receipt number this donation was ever on (cancelled ones included).</summary>
    public IReadOnlyList<string> ReceiptHistory { get; init; } = [];
    /// <summary>Which receipt covers which payment: receipts cover payments, not donations (see <see cref="ReceiptCoverage"/>).</summary>
    public IReadOnlyList<PaymentReceipt> PaymentReceipts { get; init; } = [];
    /// <summary>Which payment each bank return took money from, decided when the return was folded.</summary>
    public IReadOnlyList<ReturnAttribution> ReturnAttributions { get; init; } = [];
    /// <summary>When the donor of the unpaid pledge was reminded (once per pledge; see Donations/Reminding).</summary>
    public DateTimeOffset? RemindedAt { get; init; }
    /// <summary>When the unpaid pledge expired (kept after money still arrived for it).</summary>
    public DateTimeOffset? ExpiredAt { get; init; }
    /// <summary>Expired and no money arrived since: left out of every figure of "pledged".</summary>
    public bool Expired { get; init; }
    /// <summary>Questions to the donor about money whose earmark can no longer be met (see EarmarkDecisions).</summary>
    public IReadOnlyList<EarmarkQuestion> EarmarkQuestions { get; init; } = [];
    /// <summary>Refunds the donor chose, and how far their payment got (see EarmarkDecisions/Refunding).</summary>
    public IReadOnlyList<RefundOrder> Refunds { get; init; } = [];
    /// <summary>Plain value for queries: the donation has a refund (the payment files and the statement import look for these).</summary>
    public bool HasRefunds => Refunds.Count > 0;

    /// <summary>When the donor was reminded that a receipt can be requested (see Receipts/Offering).</summary>
    public DateTimeOffset? ReceiptOfferRemindedAt { get; init; }
    /// <summary>When the receipt offer lapsed without an answer (no receipt; still requestable).</summary>
    public DateTimeOffset? ReceiptOfferLapsedAt { get; init; }

    // Plain values for the deadline sweep's receipt offers: the booking days of the first and last open payment above the
    // simplified-proof limit (the sweep compares them with the appeal's disaster window; the handler decides exactly).
    public DateOnly? FirstLargeOpenPaymentOn => LargeOpenPayments().Select(p => (DateOnly?)p.Date).Min();
    public DateOnly? LastLargeOpenPaymentOn => LargeOpenPayments().Select(p => (DateOnly?)p.Date).Max();

    private IEnumerable<ReceiptablePayment> LargeOpenPayments()
        => WasPledged && !ReceiptWanted && ReceiptOfferLapsedAt is null ? ReceiptCoverage.Open(this).Where(p => p.Amount > Receipts.SimplifiedProof.Limit) : [];

    // Plain values for the deadline sweep: the earliest deadline of an open question, the earliest reminder day not yet reminded.
    public DateOnly? OpenEarmarkAnswerBy => EarmarkQuestions.Where(q => q.IsOpen).Select(q => (DateOnly?)q.AnswerBy).Min();
    public DateOnly? EarmarkRemindOn => EarmarkQuestions.Where(q => q.IsOpen && q.RemindedAt is null).Select(q => (DateOnly?)q.RemindOn).Min();

    public Money Received => Payments.Aggregate(Money.Zero, (sum, p) => sum + p.Amount);
    public Money Net => Received - ReturnedByBank;
    public DateOnly? PaidOn => Payments.Count == 0 ? null : Payments.Min(p => p.BookingDate);
    /// <summary>What the pledge still waits for (never negative).</summary>
    public Money Outstanding => Net < Pledged ? Pledged - Net : Money.Zero;
    /// <summary>What arrived beyond the pledge (never negative); shown apart, never hidden in "paid".</summary>
    public Money Overpaid => Net > Pledged ? Net - Pledged : Money.Zero;

    // Plain numbers for queries (the treasury's balance list and the reconciliation proposals filter on them).
    public long ReceivedCents => Received.Cents;
    public long NetCents => Net.Cents;
    public long OutstandingCents => Outstanding.Cents;
    public long OverpaidCents => Overpaid.Cents;

    /// <summary>
    /// Pledged while nothing arrived; partly paid while what is left of the money (received minus returned) is short
    /// of the pledge; paid once it reaches the pledge (an overpayment is shown apart); returned when money arrived
    /// and all of it went back.
    /// </summary>
    public DonationStatus Status => Received.IsPositive switch
    {
        false => Expired ? DonationStatus.Expired : DonationStatus.Pledged,
        true when !Net.IsPositive => DonationStatus.Returned,
        true when Net < Pledged => DonationStatus.PartlyPaid,
        _ => DonationStatus.Paid,
    };

    /// <summary>What each fund holds of this donation right now (received minus returned).</summary>
    public IReadOnlyList<Earmark> NetAllocation => Payments.SelectMany(p => p.Allocation)
        .Concat(Returns.SelectMany(r => r.Allocation).Select(a => a with { Amount = -a.Amount }))
        .GroupBy(a => a.Fund)
        .Select(g => new Earmark(g.Key.MunicipalityId, g.Key.PurposeId, g.Aggregate(Money.Zero, (s, a) => s + a.Amount)))
        .ToList();

    public bool HasPayment(Guid paymentId) => Payments.Any(p => p.PaymentId == paymentId);
    public bool HasReturn(Guid returnPaymentId) => Returns.Any(p => p.PaymentId == returnPaymentId);
}
