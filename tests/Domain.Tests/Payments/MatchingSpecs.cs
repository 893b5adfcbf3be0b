using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Pledging;
using FlutHilfe.Domain.Donations.Receiving;
using FlutHilfe.Domain.Payments;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Domain.Tests.Support;

namespace FlutHilfe.Domain.Tests.Payments;

public class MatchingSpecs
{
    private static readonly DateOnly Day = new(2021, 11, 20);
    private static readonly CreditorReference Reference = CreditorReference.Create("1234567890123456");

    private static Donation Pledged(long cents, params Earmark[] earmarks)
    {
        var pledged = (DonationPledged)PledgingDecision.Decide(
            new PledgeDonation("freude-schenken-2021", new Money(cents), earmarks, false, false),
            Samples.Appeal(), Guid.CreateVersion7(), Reference, null, "h", Samples.Now).Single();
        return Donation.Create(pledged);
    }

    private static Payment Credit(long cents, PaymentKind kind = PaymentKind.Credit, string? structured = null, string? inText = null, string? endToEnd = null)
        => Payment.Create(new BankTransactionRecorded(Guid.CreateVersion7(), "freude-schenken-2021", "key", "S1", "DE89370400440532013000",
            kind, false, new Money(cents), Day, Day, null, endToEnd, structured, inText, kind == PaymentKind.Return ? "MD06" : null, null, 1, Samples.Now));

    private static Donation Apply(Donation d, MatchOutcome o) => o.DonationEvents.Aggregate(d, DonationEvolution.Apply);

    [Fact]
    public void candidates_come_in_order_of_trust_and_only_valid_references_count()
    {
        var payment = Credit(100, structured: "rf18 5390 0754 7034", inText: "RF712348231", endToEnd: "NOTAREF");
        MatchingDecision.Candidates(payment).ShouldBe([
            ("RF18539007547034", MatchMethod.StructuredReference),
            ("RF712348231", MatchMethod.ReferenceInRemittanceText)]);
    }

    [Fact]
    public void a_match_books_the_real_amount_split_by_largest_remainder()
    {
        var donation = Pledged(10000, new Earmark("stolberg", null, new Money(3333)), new Earmark("eschweiler", null, new Money(3333)), new Earmark(null, "weihnachtsfeiern", new Money(3334)));
        var outcome = MatchingDecision.Match(Credit(1000), donation, MatchMethod.StructuredReference, "import", Samples.Now);

        outcome.PaymentEvents.ShouldHaveSingleItem().ShouldBeOfType<PaymentMatched>();
        var received = outcome.DonationEvents.ShouldHaveSingleItem().ShouldBeOfType<DonationPaymentReceived>();
        received.Amount.ShouldBe(new Money(1000));
        received.Allocation.Select(a => a.Amount.Cents).ShouldBe([333, 333, 334]);

        var after = Apply(donation, outcome);
        after.Status.ShouldBe(DonationStatus.PartlyPaid);
        after.Received.ShouldBe(new Money(1000));
        after.Pledged.ShouldBe(new Money(10000));
    }

    [Fact]
    public void matching_the_same_payment_again_decides_nothing_and_to_another_donation_is_refused()
    {
        var donation = Pledged(500);
        var payment = Credit(500);
        var matched = payment.Apply((PaymentMatched)MatchingDecision.Match(payment, donation, MatchMethod.Treasurer, null, Samples.Now).PaymentEvents[0]);

        MatchingDecision.Match(matched, donation, MatchMethod.Treasurer, null, Samples.Now).ShouldBe(MatchOutcome.Nothing);
        Should.Throw<DomainException>(() => MatchingDecision.Match(matched, Pledged(500), MatchMethod.Treasurer, null, Samples.Now)).Kind.ShouldBe(RefusalKind.Conflict);
    }

    [Fact]
    public void debits_and_batches_cannot_be_matched()
    {
        Should.Throw<DomainException>(() => MatchingDecision.Match(Credit(500, PaymentKind.Debit), Pledged(500), MatchMethod.Treasurer, null, Samples.Now));
        Should.Throw<DomainException>(() => MatchingDecision.Match(Credit(500, PaymentKind.BatchWithoutDetails), Pledged(500), MatchMethod.Treasurer, null, Samples.Now));
    }

    [Fact]
    public void unmatching_withdraws_the_payment_from_the_donation()
    {
        var donation = Pledged(500);
        var payment = Credit(500);
        var match = MatchingDecision.Match(payment, donation, MatchMethod.Treasurer, null, Samples.Now);
        var (matchedPayment, paidDonation) = (payment.Apply((PaymentMatched)match.PaymentEvents[0]), Apply(donation, match));

        var undo = MatchingDecision.Unmatch(matchedPayment, paidDonation, "Irrtum", "treasurer", Samples.Now);
        var withdrawn = undo.DonationEvents.ShouldHaveSingleItem().ShouldBeOfType<DonationPaymentWithdrawn>();
        withdrawn.Amount.ShouldBe(new Money(500));
        Apply(paidDonation, undo).Status.ShouldBe(DonationStatus.Pledged);
        matchedPayment.Apply((PaymentUnmatched)undo.PaymentEvents[0]).Status.ShouldBe(PaymentStatus.Unmatched);
    }

    [Fact]
    public void a_return_takes_money_from_the_funds_that_hold_it()
    {
        var donation = Pledged(3000, new Earmark("stolberg", null, new Money(1000)), new Earmark(null, null, new Money(2000)));
        var paid = Apply(donation, MatchingDecision.Match(Credit(3000), donation, MatchMethod.StructuredReference, null, Samples.Now));

        var partial = MatchingDecision.Match(Credit(1500, PaymentKind.Return), paid, MatchMethod.StructuredReference, null, Samples.Now);
        var returned = partial.DonationEvents.ShouldHaveSingleItem().ShouldBeOfType<DonationPaymentReturned>();
        returned.Allocation.Select(a => a.Amount.Cents).ShouldBe([500, 1000]);
        returned.ReasonCode.ShouldBe("MD06");
        var partly = Apply(paid, partial);
        partly.Status.ShouldBe(DonationStatus.PartlyPaid);

        var rest = Apply(partly, MatchingDecision.Match(Credit(1500, PaymentKind.Return), partly, MatchMethod.StructuredReference, null, Samples.Now));
        rest.Status.ShouldBe(DonationStatus.Returned);
        rest.NetAllocation.ShouldAllBe(a => a.Amount == Money.Zero);
    }

    [Fact]
    public void a_return_cannot_be_unmatched()
    {
        var donation = Pledged(500);
        var paid = Apply(donation, MatchingDecision.Match(Credit(500), donation, MatchMethod.StructuredReference, null, Samples.Now));
        var ret = Credit(500, PaymentKind.Return);
        var matched = ret.Apply((PaymentMatched)MatchingDecision.Match(ret, paid, MatchMethod.StructuredReference, null, Samples.Now).PaymentEvents[0]);
        Should.Throw<DomainException>(() => MatchingDecision.Unmatch(matched, paid, "x", null, Samples.Now)).Kind.ShouldBe(RefusalKind.Conflict);
    }

    [Fact]
    public void booking_as_donation_creates_a_paid_donation_in_the_general_fund()
    {
        var outcome = MatchingDecision.BookAsDonation(Credit(2500), Guid.CreateVersion7(), Reference, [], Samples.Appeal(), "treasurer", Samples.Now);
        var booked = outcome.DonationEvents[0].ShouldBeOfType<DonationBookedFromPayment>();
        booked.Earmarks.ShouldBe([new Earmark(null, null, new Money(2500))]);
        var donation = outcome.DonationEvents.Skip(1).Aggregate(Donation.Create(booked), DonationEvolution.Apply);
        donation.Status.ShouldBe(DonationStatus.Paid);
        donation.WasPledged.ShouldBeFalse();
    }

    [Fact]
    public void booking_as_donation_checks_the_earmarks()
        => Should.Throw<DomainException>(() => MatchingDecision.BookAsDonation(Credit(2500), Guid.CreateVersion7(), Reference,
            [new Earmark("koeln", null, new Money(2500))], Samples.Appeal(), null, Samples.Now)).Field.ShouldBe("earmarks[0].municipalityId");

    [Fact]
    public void scaling_always_adds_up_to_the_whole()
    {
        var random = new Random(20211115);
        for (var i = 0; i < 2000; i++)
        {
            var earmarks = Enumerable.Range(0, random.Next(1, 8))
                .Select(_ => new Earmark(null, null, new Money(random.NextInt64(1, 1_000_000)))).ToList();
            var amount = new Money(random.NextInt64(1, 10_000_000));
            var scaled = ReceivingDecision.Scale(earmarks, amount);
            scaled.Aggregate(Money.Zero, (s, e) => s + e.Amount).ShouldBe(amount);
            scaled.ShouldAllBe(e => !e.Amount.IsNegative);
        }
    }
}
