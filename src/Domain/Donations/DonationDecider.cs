using FlutHilfe.Domain.Donations.Pledging;
using FlutHilfe.Domain.Donations.Receiving;
using FlutHilfe.Domain.Donations.Reminding;
using FlutHilfe.Domain.EarmarkDecisions;
using FlutHilfe.Domain.Receipts.Cancelling;
using FlutHilfe.Domain.Receipts.Covering;
using FlutHilfe.Domain.Receipts.Issuing;
using FlutHilfe.Domain.Receipts.Offering;

namespace FlutHilfe.Domain.Donations;

/// <summary>
/// Every decision on a donation's stream: <c>Decide(command, state)</c>, pure, with ids and time inside the command. A
/// repeated command decides nothing; an illegal one is refused with a <see cref="Shared.DomainException"/>. One part per
/// feature folder (Pledging, Receiving; receipts decide on donations in Receipts/); the state is folded by
/// <see cref="Evolve"/>.
/// </summary>
public static partial class DonationDecider
{
    /// <summary>The one fold of a donation's stream: Marten's snapshot, the command handlers and the specs use it.</summary>
    public static Donation? Evolve(Donation? donation, object @event) => (donation, @event) switch
    {
        (_, DonationPledged e) => Started(e),
        (_, DonationBookedFromPayment e) => BookedFromPayment(e),
        ({ } d, DonationPaymentReceived e) => d with { Payments = [.. d.Payments, new DonationPayment(e.PaymentId, e.Amount, e.BookingDate, e.Allocation)] },
        ({ } d, DonationPaymentWithdrawn e) => d with { Payments = d.Payments.Where(p => p.PaymentId != e.PaymentId).ToList() },
        ({ } d, DonationPaymentReturned e) => d with
        {
            ReturnedByBank = d.ReturnedByBank + e.Amount,
            Returns = [.. d.Returns, new DonationPayment(e.ReturnPaymentId, e.Amount, e.BookingDate, e.Allocation)],
            ReturnAttributions = [.. d.ReturnAttributions, .. ReceiptCoverage.AttributeReturn(d, e.ReturnPaymentId, e.Amount)],
        },
        ({ } d, ReceiptAssigned e) => d with
        {
            ReceiptNumber = e.Number,
            ReceiptHistory = [.. d.ReceiptHistory, e.Number],
            PaymentReceipts = [.. d.PaymentReceipts, .. ReceiptCoverage.CoveredBy(d, e)],
        },
        ({ } d, ReceiptWithdrawn e) => WithReceiptWithdrawn(d, e.Number),
        ({ } d, ReceiptRequested e) => d with { ReceiptWanted = true, DonorId = e.DonorId },
        ({ } d, UnpaidPledgeReminded e) => d with { RemindedAt = e.RemindedAt },
        ({ } d, PledgeExpired e) => d with { ExpiredAt = e.ExpiredAt, Expired = true },
        ({ } d, ExpiredPledgePaid) => d with { Expired = false },
        // A refund is no gift (issue 15): from the donor's answer on, what is refunded is taken off the payments it came from
        // (latest first, as a bank return), so a receipt stating them is voided and what stays is receipted again.
        ({ } d, EarmarkQuestionAnswered { Choice: EarmarkChoice.Refund } e) => d with
        {
            EarmarkQuestions = EarmarkDecider.EvolveQuestions(d.EarmarkQuestions, e),
            Refunds = RefundDecider.Evolve(d.Refunds, d.Id, e),
            ReturnAttributions = [.. d.ReturnAttributions, .. ReceiptCoverage.AttributeReturn(d, RefundDecider.IdFor(d.Id, e.DecisionId), e.Amount)],
        },
        ({ } d, ReceiptOfferReminded e) => d with { ReceiptOfferRemindedAt = e.RemindedAt },
        ({ } d, ReceiptOfferLapsed e) => d with { ReceiptOfferLapsedAt = e.LapsedAt },
        ({ } d, EarmarkQuestionAsked or EarmarkQuestionReminded or EarmarkQuestionAnswered) => d with { EarmarkQuestions = EarmarkDecider.EvolveQuestions(d.EarmarkQuestions, @event) },
        ({ } d, RefundSentToBank or RefundPaid or RefundReturned or RefundRejected) => d with { Refunds = RefundDecider.Evolve(d.Refunds, d.Id, @event) },
        _ => donation,
    };

    private static Donation Started(DonationPledged e) => new()
    {
        Id = e.DonationId,
        AppealId = e.AppealId,
        Reference = e.Reference.Value,
        Pledged = e.Amount,
        PledgedCents = e.Amount.Cents,
        Earmarks = e.Earmarks,
        DonorId = e.DonorId,
        ReceiptWanted = e.ReceiptWanted,
        DonorTokenHash = e.DonorTokenHash,
        PledgedAt = e.PledgedAt,
    };

    private static Donation BookedFromPayment(DonationBookedFromPayment e) => new()
    {
        Id = e.DonationId,
        AppealId = e.AppealId,
        Reference = e.Reference.Value,
        Pledged = e.Amount,
        PledgedCents = e.Amount.Cents,
        Earmarks = e.Earmarks,
        PledgedAt = e.BookedAt,
        WasPledged = false,
    };

    private static Donation WithReceiptWithdrawn(Donation d, string number)
    {
        var receipts = d.PaymentReceipts.Select(r => r.Number == number ? r with { Valid = false } : r).ToList();
        var latestValid = receipts.LastOrDefault(r => r.Valid)?.Number;
        // Data folded before receipts covered payments has no coverage: the one receipt number was the whole story.
        var current = receipts.Count == 0 ? (d.ReceiptNumber == number ? null : d.ReceiptNumber) : latestValid;
        return d with { PaymentReceipts = receipts, ReceiptNumber = current };
    }
}

/// <summary>The events one decision appends to one donation's stream (decisions that touch several streams return these).</summary>
public sealed record DonationChange(Guid DonationId, IReadOnlyList<object> Events);
