using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Reminding;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Domain.Tests.Support;

namespace FlutHilfe.Domain.Tests.Donations.Reminding;

/// <summary>Unpaid pledges: reminded once from day 10, expired from day 60, by German calendar days; money after expiry is never lost.</summary>
public class UnpaidPledgeSpecs
{
    private static readonly PledgeTerms Terms = PledgeTerms.Default;
    /// <summary>Monday 22.11.2021, 23:30 in Aachen (22:30 UTC): the pledge counts on the German day.</summary>
    private static readonly DateTimeOffset PledgedAt = new(2021, 11, 22, 22, 30, 0, TimeSpan.Zero);

    /// <summary>10:00 in Aachen, <paramref name="days"/> German days after the pledge.</summary>
    private static DateTimeOffset Day(int days) => new DateTimeOffset(2021, 11, 22, 9, 0, 0, TimeSpan.Zero).AddDays(days);

    private static readonly FlutHilfe.Domain.Donations.Pledging.DonationPledged Pledged = PaymentSamples.Pledge(5_000, at: PledgedAt);

    private static Guid Id => Pledged.DonationId;

    [Fact]
    public void the_reminder_is_due_on_day_10_not_day_9_and_only_once()
    {
        Spec.Donation().Given(Pledged).When(new RemindUnpaidPledge(Id, Terms, true, Day(9))).ThenNothing();
        // 23:59 of day 9 in Aachen is still day 9.
        Spec.Donation().Given(Pledged).When(new RemindUnpaidPledge(Id, Terms, true, new DateTimeOffset(2021, 12, 1, 22, 59, 0, TimeSpan.Zero))).ThenNothing();
        Spec.Donation().Given(Pledged).When(new RemindUnpaidPledge(Id, Terms, true, Day(10)))
            .Then(new UnpaidPledgeReminded(Id, PaymentSamples.AppealId, new Money(5_000), new DateOnly(2021, 12, 2), true, Day(10)));
        var reminded = new UnpaidPledgeReminded(Id, PaymentSamples.AppealId, new Money(5_000), new DateOnly(2021, 12, 2), false, Day(10));
        Spec.Donation().Given(Pledged, reminded).When(new RemindUnpaidPledge(Id, Terms, true, Day(11))).ThenNothing();
    }

    [Fact]
    public void no_reminder_once_money_arrived_nor_after_the_expiry_day()
    {
        var paid = DonationDecider.Decide(new ReceivePayment(Id, Guid.CreateVersion7(), new Money(100), PaymentSamples.Day, null, Samples.Now), PaymentSamples.Fold(Pledged));
        Spec.Donation().Given([Pledged, .. paid]).When(new RemindUnpaidPledge(Id, Terms, true, Day(10))).ThenNothing();
        Spec.Donation().Given(Pledged).When(new RemindUnpaidPledge(Id, Terms, true, Day(60))).ThenNothing();
    }

    [Fact]
    public void the_pledge_expires_on_day_60_not_59_once_and_counts_as_pledged_again_when_money_still_comes()
    {
        Spec.Donation().Given(Pledged).When(new ExpirePledge(Id, Terms, Day(59))).ThenNothing();
        var expired = new PledgeExpired(Id, PaymentSamples.AppealId, new Money(5_000), new DateOnly(2022, 1, 21), Day(61));
        Spec.Donation().Given(Pledged).When(new ExpirePledge(Id, Terms, Day(61))).Then(expired);
        Spec.Donation().Given(Pledged, expired).When(new ExpirePledge(Id, Terms, Day(62))).ThenNothing();
        Spec.Donation().Given(Pledged, expired).State!.Status.ShouldBe(DonationStatus.Expired);

        var paymentId = Guid.CreateVersion7();
        var late = Spec.Donation().Given(Pledged, expired).When(new ReceivePayment(Id, paymentId, new Money(5_000), new DateOnly(2022, 2, 1), null, Samples.Now));
        late[0].ShouldBe(new ExpiredPledgePaid(Id, PaymentSamples.AppealId, new Money(5_000), paymentId, Samples.Now));
        late[1].ShouldBeOfType<FlutHilfe.Domain.Donations.Receiving.DonationPaymentReceived>().Amount.ShouldBe(new Money(5_000));
        var after = Spec.Donation().Given([Pledged, expired, .. late]).State!;
        (after.Status, after.Expired, after.ExpiredAt).ShouldBe((DonationStatus.Paid, false, Day(61)));
    }
}
