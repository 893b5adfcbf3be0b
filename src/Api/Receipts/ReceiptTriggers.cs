using FlutHilfe.Api.Receipts.Cancelling;
using FlutHilfe.Api.Receipts.Issuing;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Receiving;
using FlutHilfe.Domain.EarmarkDecisions;
using FlutHilfe.Domain.Receipts.Covering;

namespace FlutHilfe.Api.Receipts;

/// <summary>What money arriving at or leaving a donation sets off for its receipts (sent through the outbox).</summary>
public static class ReceiptTriggers
{
    public const string BankReturnReason = "Rückbuchung der Zuwendung durch die Bank";
    public const string WithdrawnReason = "Zahlung wurde einer anderen Spende zugeordnet";
    public const string RefundReason = "Rückerstattung an den Spender: die Zweckbindung war nicht erfüllbar";

    /// <summary>
    /// A return or an undone match makes the receipts that stated the payment wrong: cancel each and receipt what stayed
    /// at once. New money: look whether a receipt is due (or when).
    /// </summary>
    public static IEnumerable<object> After(Donation donation, IReadOnlyList<object> events)
    {
        var returned = events.OfType<DonationPaymentReturned>().Any();
        // A refund the donor chose is no gift (issue 15): the receipt stating the refunded money is cancelled at the answer.
        var refunded = events.OfType<EarmarkQuestionAnswered>().Any(e => e.Choice == EarmarkChoice.Refund);
        if (returned || refunded || events.OfType<DonationPaymentWithdrawn>().Any())
        {
            foreach (var number in ReceiptCoverage.Voided(donation))
            {
                yield return new CancelVoidedReceipt(number, returned ? BankReturnReason : refunded ? RefundReason : WithdrawnReason, NotifyTreasurer: true, Reissue: true);
            }
        }
        if (events.OfType<DonationPaymentReceived>().Any() && donation.ReceiptWanted && ReceiptCoverage.Open(donation).Count > 0)
        {
            yield return new IssueDueReceipts(donation.Id);
        }
    }

    /// <summary>
    /// The messages of one transaction that paid many donations, with their looks at receipts gathered: the donations of
    /// every <see cref="IssueDueReceipts"/> (without a replaced number) go out as <see cref="IssueDueReceiptsOf"/> of up to
    /// <see cref="IssueDueReceiptsOf.DonationsMax"/> each, one envelope and one transaction per batch instead of one per
    /// donation. A single one stays as it is. Other messages keep their order, in front.
    /// </summary>
    public static IReadOnlyList<object> Coalesce(IEnumerable<object> messages)
    {
        var result = new List<object>();
        var due = new List<Guid>();
        foreach (var message in messages)
        {
            if (message is IssueDueReceipts { ReplacesNumber: null } look) due.Add(look.DonationId);
            else result.Add(message);
        }
        due = due.Distinct().ToList();
        if (due.Count == 1) result.Add(new IssueDueReceipts(due[0]));
        else result.AddRange(due.Chunk(IssueDueReceiptsOf.DonationsMax).Select(ids => new IssueDueReceiptsOf(ids)));
        return result;
    }
}
