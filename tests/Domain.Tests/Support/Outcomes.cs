using FlutHilfe.Domain.Payments;
using FlutHilfe.Domain.Receipts;

namespace FlutHilfe.Domain.Tests.Support;

/// <summary>
/// Decisions that change several streams at once, flattened for <see cref="Decision.Then"/>: the addressed stream's events
/// first, then each donation's. Every event names its stream (payment, receipt number or donation), so nothing is lost.
/// </summary>
public static class Outcomes
{
    public static IReadOnlyList<object> Events(this MatchOutcome outcome) => [.. outcome.PaymentEvents, .. outcome.DonationEvents];

    public static IReadOnlyList<object> Events(this ReceiptChanges changes)
        => [.. changes.Receipts.Select(r => r.Event), .. changes.Donations.SelectMany(d => d.Events)];
}
