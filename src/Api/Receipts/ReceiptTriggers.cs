using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Receiving;

namespace FlutHilfe.Api.Receipts;

/// <summary>What money arriving at or leaving a donation sets off for its receipt (sent through the outbox).</summary>
public static class ReceiptTriggers
{
    public const string BankReturnReason = "Rückbuchung der Zuwendung durch die Bank";

    public static IEnumerable<object> After(Donation donation, IReadOnlyList<object> events)
    {
        if (events.OfType<DonationPaymentReturned>().Any() && donation.ReceiptNumber is { } number)
        {
            yield return new CancelReceipt(number, BankReturnReason, NotifyTreasurer: true);
        }
        else if (events.OfType<DonationPaymentReceived>().Any() && donation.ReceiptWanted && donation.ReceiptNumber is null)
        {
            yield return new IssueReceipt(donation.Id);
        }
    }
}
