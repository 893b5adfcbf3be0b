using FlutHilfe.Api.Payments.Matching;
using FlutHilfe.Api.Receipts.Issuing;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Receiving;
using FlutHilfe.Domain.Payments;
using FlutHilfe.Domain.Shared;
using JasperFx.Events;
using static FlutHilfe.Api.Tests.Support.HandlerSamples;

namespace FlutHilfe.Api.Tests.Payments;

/// <summary>
/// The match handler as a plain function over two streams (Wolverine loads both with <c>[WriteAggregate]</c> and commits
/// what it appends in one transaction): the streams are stubs, so no database is needed.
/// </summary>
public class MatchPaymentHandlerTests
{
    /// <summary>A stream as the workflow hands it over: its id, and its state folded by the decider's Evolve.</summary>
    private static StubEventStream<Payment> Stream(Payment payment) => new(payment) { Id = payment.Id };

    private static StubEventStream<Donation> Stream(Donation donation) => new(donation) { Id = donation.Id };

    [Fact]
    public void a_match_appends_to_the_payment_and_to_the_donation_and_asks_for_the_due_receipt()
    {
        var payment = Stream(Credit(5_000));
        var donation = Stream(Pledged(5_000, Erika, receiptWanted: true));
        var command = new MatchPayment(payment.Aggregate!.Id, donation.Aggregate!.Id, MatchMethod.Treasurer, "treasurer", Now);

        var (reconciled, messages) = MatchPaymentHandler.Handle(command, payment, donation);

        payment.Events.Select(e => e.Data).ShouldHaveSingleItem().ShouldBe(new PaymentMatched(command.PaymentId, command.DonationId, MatchMethod.Treasurer, "treasurer", Now));
        var received = donation.Events.Select(e => e.Data).ShouldHaveSingleItem().ShouldBeOfType<DonationPaymentReceived>();
        (received.PaymentId, received.Amount).ShouldBe((command.PaymentId, new Money(5_000)));
        reconciled.After.Status.ShouldBe(PaymentStatus.Matched);
        reconciled.Donations.ShouldHaveSingleItem().Status.ShouldBe(DonationStatus.Paid);
        messages.ShouldBe([new IssueDueReceipts(command.DonationId)]);
    }

    [Fact]
    public void an_anonymous_gift_needs_no_receipt()
    {
        var payment = Stream(Credit(2_500));
        var donation = Stream(Pledged(2_500));
        var (_, messages) = MatchPaymentHandler.Handle(new MatchPayment(payment.Aggregate!.Id, donation.Aggregate!.Id, MatchMethod.Treasurer, null, Now), payment, donation);
        messages.ShouldBeEmpty();
        donation.Events.Count.ShouldBe(1);
    }

    [Fact]
    public void a_refused_match_appends_nothing_to_either_stream()
    {
        var first = Pledged(5_000);
        var matched = PaymentDecider.Evolve(Credit(5_000), new PaymentMatched(Guid.Empty, first.Id, MatchMethod.Treasurer, null, Now))!;
        var payment = Stream(matched);
        var other = Stream(Pledged(5_000));

        Should.Throw<DomainException>(() => MatchPaymentHandler.Handle(new MatchPayment(matched.Id, other.Aggregate!.Id, MatchMethod.Treasurer, null, Now), payment, other))
            .Kind.ShouldBe(RefusalKind.Conflict);
        payment.Events.ShouldBeEmpty();
        other.Events.ShouldBeEmpty();
    }
}
