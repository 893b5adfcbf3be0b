using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Pledging;
using FlutHilfe.Domain.Donations.Receiving;
using FlutHilfe.Domain.Payments;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Tests.Support;

/// <summary>Pledges, payments and folds for the payment specs.</summary>
public static class PaymentSamples
{
    public const string AppealId = "freude-schenken-2021";
    public static readonly DateOnly Day = new(2021, 11, 22);

    private static int _references = 100;

    public static CreditorReference NewReference() => CreditorReference.Create((Interlocked.Increment(ref _references) * 7919).ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static DonationPledged Pledge(long cents, CreditorReference? reference = null, DateTimeOffset? at = null, Guid? donorId = null, params Earmark[] earmarks)
        => (DonationPledged)PledgingDecision.Decide(
            new PledgeDonation(AppealId, new Money(cents), earmarks, false, false),
            Samples.Appeal(), Guid.CreateVersion7(), reference ?? NewReference(), donorId, "h", at ?? Samples.Now).Single();

    /// <summary>The donation fold as <see cref="Spec{TState}"/> needs it (creation events start the state).</summary>
    public static Donation? Evolve(Donation? state, object e) => e switch
    {
        DonationPledged p => Donation.Create(p),
        DonationBookedFromPayment b => Donation.Create(b),
        _ => DonationEvolution.Apply(state!, e),
    };

    public static Donation Fold(params object[] events) => events.Aggregate((Donation?)null, Evolve)!;

    public static Payment Bank(long cents, PaymentKind kind = PaymentKind.Credit, string? structured = null, string? inText = null,
        string? endToEnd = null, IReadOnlyList<string>? named = null, DateOnly? day = null, string? returnReason = null)
        => Payment.Create(new BankTransactionRecorded(Guid.CreateVersion7(), AppealId, Guid.NewGuid().ToString("N"), "S1", "DE89370400440532013000",
            kind, false, new Money(cents), day ?? Day, day ?? Day, null, endToEnd, structured, inText, returnReason, null, 1, Samples.Now, named));

    public static Payment After(this Payment payment, MatchOutcome outcome) => outcome.PaymentEvents.Aggregate(payment, PaymentEvolution.Apply);

    public static Donation After(this Donation donation, MatchOutcome outcome)
        => outcome.Donations.Where(c => c.DonationId == donation.Id).SelectMany(c => c.Events).Aggregate(donation, DonationEvolution.Apply);

    public static IReadOnlyDictionary<string, Donation> ByReference(params Donation[] donations) => donations.ToDictionary(d => d.Reference);
}
