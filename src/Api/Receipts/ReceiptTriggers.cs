using FlutHilfe.Api.Receipts.Cancelling;
using FlutHilfe.Api.Receipts.Issuing;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Receiving;
using FlutHilfe.Domain.Receipts.Covering;

namespace FlutHilfe.Api.Receipts;

/// <summary>What money arriving at or leaving a donation sets off for its receipts (sent through the outbox).</summary>
public static class ReceiptTriggers
{
    public const string BankReturnReason = "Rückbuchung der Zuwendung durch die Bank";
    public const string WithdrawnReason = "Zahlung wurde einer anderen Spende zugeordnet";

    /// <summary>
    /// A return or an undone match makes the receipts that stated the payment wrong: cancel each and receipt what stayed
    /// at once. New money: look whether a receipt is due (or when).
    /// </summary>
    public static IEnumerable<object> After(Donation donation, IReadOnlyList<object> events)
    {
        var returned = events.OfType<DonationPaymentReturned>().Any();
        if (returned || events.OfType<DonationPaymentWithdrawn>().Any())
        {
            foreach (var number in ReceiptCoverage.Voided(donation))
            {
                yield return new CancelVoidedReceipt(number, returned ? BankReturnReason : WithdrawnReason, NotifyTreasurer: true, Reissue: true);
            }
        }
        if (events.OfType<DonationPaymentReceived>().Any() && donation.ReceiptWanted && ReceiptCoverage.Open(donation).Count > 0)
        {
            yield return new IssueDueReceipts(donation.Id);
        }
    }
}
