using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Pledging;
using FlutHilfe.Domain.Donors;
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
        => (DonationPledged)DonationDecider.Decide(
            new PledgeDonation(Guid.CreateVersion7(), AppealId, new Money(cents), earmarks, false, Donor(donorId), reference ?? NewReference(), "h", at ?? Samples.Now),
            Samples.Appeal()).Single();

    /// <summary>An anonymous donor profile under a known id (only the id reaches the event).</summary>
    public static DonorProfile? Donor(Guid? donorId) => donorId is { } id ? new DonorProfile(id, null, null, null, null, "DE", null, Samples.Now) : null;

    /// <summary>A donation folded from its events (by <see cref="Spec"/>, with the donation's own Evolve).</summary>
    public static Donation Fold(params object[] events) => Spec.Donation().Given(events).State!;

    public static Payment Bank(long cents, PaymentKind kind = PaymentKind.Credit, string? structured = null, string? inText = null,
        string? endToEnd = null, IReadOnlyList<string>? named = null, DateOnly? day = null, string? returnReason = null)
        => Spec.Payment().Given(new BankTransactionRecorded(Guid.CreateVersion7(), AppealId, Guid.NewGuid().ToString("N"), "S1", "DE89370400440532013000",
            kind, false, new Money(cents), day ?? Day, day ?? Day, null, endToEnd, structured, inText, returnReason, null, 1, Samples.Now, named)).State!;

    public static Payment After(this Payment payment, MatchOutcome outcome) => payment.After(outcome.PaymentEvents, PaymentDecider.Evolve)!;

    public static Donation After(this Donation donation, MatchOutcome outcome) => donation.After(outcome.EventsFor(donation.Id), DonationDecider.Evolve)!;

    public static IReadOnlyDictionary<string, Donation> ByReference(params Donation[] donations) => donations.ToDictionary(d => d.Reference);

    // The payment decisions as the specs call them: the command built from the payment, the donations and the time.

    public static MatchOutcome Match(Payment payment, Donation? donation, MatchMethod method, string? by, DateTimeOffset at, Guid? returnOf = null)
        => PaymentDecider.Decide(new MatchPayment(payment.Id, donation?.Id ?? Guid.Empty, method, by, at, returnOf), payment, donation);

    public static MatchOutcome Split(Payment payment, IReadOnlyList<(Donation Donation, Money Amount)> parts, MatchMethod method, string? by, DateTimeOffset at,
        Guid? returnOf = null)
        => PaymentDecider.Decide(new SplitPayment(payment.Id, parts.Select(p => new PaymentPart(p.Donation.Id, p.Amount)).ToList(), method, by, at, returnOf), payment,
            parts.Select(p => p.Donation).DistinctBy(d => d.Id).ToDictionary(d => d.Id));

    public static MatchOutcome Unmatch(Payment payment, IReadOnlyDictionary<Guid, Donation> donations, string reason, string? by, DateTimeOffset at)
        => PaymentDecider.Decide(new UnmatchPayment(payment.Id, reason, by, at), payment, donations);

    public static MatchOutcome Unmatch(Payment payment, Donation donation, string reason, string? by, DateTimeOffset at)
        => Unmatch(payment, new Dictionary<Guid, Donation> { [donation.Id] = donation }, reason, by, at);

    public static MatchOutcome BookAsDonation(Payment payment, Guid donationId, CreditorReference reference, IReadOnlyList<Earmark> earmarks, FlutHilfe.Domain.Appeals.Appeal appeal,
        string? by, DateTimeOffset at)
        => PaymentDecider.Decide(new BookPaymentAsDonation(payment.Id, donationId, reference, earmarks, by, at), payment, appeal);
}
