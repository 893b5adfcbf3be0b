using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Pledging;
using FlutHilfe.Domain.Donations.Receiving;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Domain.Tests.Support;

namespace FlutHilfe.Domain.Tests.Donations.Receiving;

/// <summary>A pledge paid in parts, over or under: what the donation's state says.</summary>
public class DonationBalanceSpecs
{
    private static DonationPaymentReceived Received(DonationPledged pledge, long cents, DateOnly? day = null)
        => (DonationPaymentReceived)Spec.Donation().Given(pledge)
            .When(new ReceivePayment(pledge.DonationId, Guid.CreateVersion7(), new Money(cents), day ?? PaymentSamples.Day, null, Samples.Now)).Single();

    private static DonationPaymentReturned Returned(Donation donation, long cents)
        => (DonationPaymentReturned)DonationDecider.Decide(new ReturnPayment(donation.Id, Guid.CreateVersion7(), new Money(cents), PaymentSamples.Day, "MD06", Samples.Now), donation)
            .Single();

    [Fact]
    public void nothing_arrived_is_pledged_with_everything_outstanding()
    {
        var d = Spec.Donation().Given(PaymentSamples.Pledge(5000)).State!;
        d.Status.ShouldBe(DonationStatus.Pledged);
        (d.Received, d.Outstanding, d.Overpaid).ShouldBe((Money.Zero, new Money(5000), Money.Zero));
    }

    [Fact]
    public void thirty_of_fifty_is_partly_paid_and_the_next_twenty_make_it_paid()
    {
        var pledge = PaymentSamples.Pledge(5000);
        var spec = Spec.Donation().Given(pledge, Received(pledge, 3000));
        spec.State!.Status.ShouldBe(DonationStatus.PartlyPaid);
        spec.State.Outstanding.ShouldBe(new Money(2000));

        spec.Given(Received(pledge, 2000, PaymentSamples.Day.AddDays(5)));
        var paid = spec.State!;
        paid.Status.ShouldBe(DonationStatus.Paid);
        paid.Received.ShouldBe(new Money(5000));
        paid.Outstanding.ShouldBe(Money.Zero);
        // Each part stays a fact of its own (the receipt rule decides what to do with them).
        paid.Payments.Select(p => (p.Amount.Cents, p.BookingDate)).ShouldBe([(3000L, PaymentSamples.Day), (2000L, PaymentSamples.Day.AddDays(5))]);
    }

    [Fact]
    public void more_than_pledged_is_paid_with_the_overpayment_shown_apart()
    {
        var pledge = PaymentSamples.Pledge(10000);
        var d = Spec.Donation().Given(pledge, Received(pledge, 12000)).State!;
        d.Status.ShouldBe(DonationStatus.Paid);
        d.Overpaid.ShouldBe(new Money(2000));
        d.Outstanding.ShouldBe(Money.Zero);
        d.OverpaidCents.ShouldBe(2000);
    }

    [Fact]
    public void money_that_all_went_back_is_returned_and_a_partial_return_leaves_it_partly_paid()
    {
        var pledge = PaymentSamples.Pledge(5000);
        var spec = Spec.Donation().Given(pledge, Received(pledge, 5000));
        spec.Given(Returned(spec.State!, 1000));
        spec.State!.Status.ShouldBe(DonationStatus.PartlyPaid);
        spec.State.Outstanding.ShouldBe(new Money(1000));

        spec.Given(Returned(spec.State, 4000));
        spec.State!.Status.ShouldBe(DonationStatus.Returned);
        spec.State.Net.ShouldBe(Money.Zero);
    }

    [Fact]
    public void a_payment_is_received_once_and_an_undone_match_takes_it_out_again()
    {
        var pledge = PaymentSamples.Pledge(5000, earmarks: [new Earmark("stolberg", null, new Money(3000)), new Earmark(null, null, new Money(2000))]);
        var paymentId = Guid.CreateVersion7();
        var receive = new ReceivePayment(pledge.DonationId, paymentId, new Money(1000), PaymentSamples.Day, null, Samples.Now);
        var spec = Spec.Donation().Given(pledge);
        var received = spec.When(receive).Single().ShouldBeOfType<DonationPaymentReceived>();
        received.Allocation.Select(a => (a.MunicipalityId, a.Amount.Cents)).ShouldBe([("stolberg", 600L), (null, 400L)]);

        spec.Given(received).When(receive).ThenNothing();
        var withdraw = new WithdrawPayment(pledge.DonationId, paymentId, "falsch zugeordnet", Samples.Now);
        spec.When(withdraw).Then(new DonationPaymentWithdrawn(pledge.DonationId, PaymentSamples.AppealId, paymentId, new Money(1000), received.Allocation,
            "falsch zugeordnet", Samples.Now));
        spec.Given(spec.When(withdraw)).When(withdraw).ThenNothing();
        spec.State!.Received.ShouldBe(Money.Zero);
    }
}
