using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Receiving;
using FlutHilfe.Domain.Payments;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Domain.Tests.Support;
using static FlutHilfe.Domain.Tests.Support.PaymentSamples;

namespace FlutHilfe.Domain.Tests.Payments;

/// <summary>
/// Given a payment's stream, when the treasurer reconciles it by hand, then the events of the payment's stream and of each
/// donation's stream (the decisions the command handlers return, written in one commit).
/// </summary>
public class ReconcilingSpecs
{
    private static readonly BankTransactionRecorded Recorded = new(Guid.CreateVersion7(), AppealId, "key-1", "S1", "DE89370400440532013000",
        PaymentKind.Credit, false, new Money(5_000), Day, Day, null, null, null, null, null, null, 1, Samples.Now);

    private static readonly Donation Pledged = Fold(Pledge(5_000));

    [Fact]
    public void a_match_by_hand_books_the_payment_on_the_donation()
        => Spec.Payment().Given(Recorded)
            .When(p => PaymentDecider.Decide(new MatchPayment(Recorded.PaymentId, Pledged.Id, MatchMethod.Treasurer, "treasurer", Samples.Now), p, Pledged).Events())
            .Then(new PaymentMatched(Recorded.PaymentId, Pledged.Id, MatchMethod.Treasurer, "treasurer", Samples.Now),
                new DonationPaymentReceived(Pledged.Id, AppealId, Recorded.PaymentId, new Money(5_000), Day, Day, Pledged.Earmarks, Samples.Now));

    [Fact]
    public void matching_to_the_same_donation_again_decides_nothing_and_to_another_is_a_conflict()
    {
        var matched = Spec.Payment().Given(Recorded, new PaymentMatched(Recorded.PaymentId, Pledged.Id, MatchMethod.Treasurer, "treasurer", Samples.Now));
        matched.When(p => PaymentDecider.Decide(new MatchPayment(Recorded.PaymentId, Pledged.Id, MatchMethod.Treasurer, "treasurer", Samples.Now), p, Pledged).Events())
            .ThenNothing();
        var other = Fold(Pledge(5_000));
        matched.When(p => PaymentDecider.Decide(new MatchPayment(Recorded.PaymentId, other.Id, MatchMethod.Treasurer, "treasurer", Samples.Now), p, other).Events())
            .ThenRefused(RefusalKind.Conflict);
    }

    [Fact]
    public void a_match_to_no_donation_or_of_no_payment_is_refused()
    {
        Spec.Payment().Given(Recorded)
            .When(p => PaymentDecider.Decide(new MatchPayment(Recorded.PaymentId, Guid.CreateVersion7(), MatchMethod.Treasurer, null, Samples.Now), p, null).Events())
            .ThenRefused(RefusalKind.Invalid, "donationId");
        Spec.Payment()
            .When(p => PaymentDecider.Decide(new MatchPayment(Recorded.PaymentId, Pledged.Id, MatchMethod.Treasurer, null, Samples.Now), p, Pledged).Events())
            .ThenRefused(RefusalKind.NotFound);
    }

    [Fact]
    public void unmatching_withdraws_the_payment_from_its_donation_and_the_payment_waits_again()
    {
        var paid = Pledged.After([new DonationPaymentReceived(Pledged.Id, AppealId, Recorded.PaymentId, new Money(5_000), Day, Day, Pledged.Earmarks, Samples.Now)],
            DonationDecider.Evolve)!;
        Spec.Payment().Given(Recorded, new PaymentMatched(Recorded.PaymentId, Pledged.Id, MatchMethod.Treasurer, "treasurer", Samples.Now))
            .When(p => PaymentDecider.Decide(new UnmatchPayment(Recorded.PaymentId, "Irrtum", "treasurer", Samples.Now), p,
                new Dictionary<Guid, Donation> { [paid.Id] = paid }).Events())
            .Then(new PaymentUnmatched(Recorded.PaymentId, Pledged.Id, "Irrtum", "treasurer", Samples.Now),
                new DonationPaymentWithdrawn(Pledged.Id, AppealId, Recorded.PaymentId, new Money(5_000), Pledged.Earmarks, "Irrtum", Samples.Now));
    }

    [Fact]
    public void a_payment_nobody_pledged_becomes_a_paid_donation_of_its_own()
    {
        var donationId = Guid.CreateVersion7();
        var reference = NewReference();
        var general = new List<Earmark> { new(null, null, new Money(5_000)) };
        Spec.Payment().Given(Recorded)
            .When(p => PaymentDecider.Decide(new BookPaymentAsDonation(Recorded.PaymentId, donationId, reference, [], "treasurer", Samples.Now), p, Samples.Appeal()).Events())
            .Then(new PaymentMatched(Recorded.PaymentId, donationId, MatchMethod.BookedAsDonation, "treasurer", Samples.Now),
                new DonationBookedFromPayment(donationId, AppealId, new Money(5_000), general, reference, Recorded.PaymentId, Samples.Now),
                new DonationPaymentReceived(donationId, AppealId, Recorded.PaymentId, new Money(5_000), Day, Day, general, Samples.Now));
    }
}
