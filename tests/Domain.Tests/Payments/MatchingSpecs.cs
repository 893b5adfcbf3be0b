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
        var pledged = (DonationPledged)DonationDecider.Decide(
            new PledgeDonation(Guid.CreateVersion7(), "freude-schenken-2021", new Money(cents), earmarks, false, null, Reference, "h", Samples.Now),
            Samples.Appeal()).Single();
        return PaymentSamples.Fold(pledged);
    }

    private static Payment Credit(long cents, PaymentKind kind = PaymentKind.Credit, string? structured = null, string? inText = null, string? endToEnd = null)
        => Spec.Payment().Given(new BankTransactionRecorded(Guid.CreateVersion7(), "freude-schenken-2021", "key", "S1", "DE89370400440532013000",
            kind, false, new Money(cents), Day, Day, null, endToEnd, structured, inText, kind == PaymentKind.Return ? "MD06" : null, null, 1, Samples.Now)).State!;

    private static Donation Apply(Donation d, MatchOutcome o) => d.After(o);

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
        var outcome = PaymentSamples.Match(Credit(1000), donation, MatchMethod.StructuredReference, "import", Samples.Now);

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
        var matched = payment.After(PaymentSamples.Match(payment, donation, MatchMethod.Treasurer, null, Samples.Now));

        PaymentSamples.Match(matched, donation, MatchMethod.Treasurer, null, Samples.Now).ShouldBe(MatchOutcome.Nothing);
        Should.Throw<DomainException>(() => PaymentSamples.Match(matched, Pledged(500), MatchMethod.Treasurer, null, Samples.Now)).Kind.ShouldBe(RefusalKind.Conflict);
    }

    [Fact]
    public void debits_and_batches_cannot_be_matched()
    {
        Should.Throw<DomainException>(() => PaymentSamples.Match(Credit(500, PaymentKind.Debit), Pledged(500), MatchMethod.Treasurer, null, Samples.Now));
        Should.Throw<DomainException>(() => PaymentSamples.Match(Credit(500, PaymentKind.BatchWithoutDetails), Pledged(500), MatchMethod.Treasurer, null, Samples.Now));
    }

    [Fact]
    public void unmatching_withdraws_the_payment_from_the_donation()
    {
        var donation = Pledged(500);
        var payment = Credit(500);
        var match = PaymentSamples.Match(payment, donation, MatchMethod.Treasurer, null, Samples.Now);
        var (matchedPayment, paidDonation) = (payment.After(match), Apply(donation, match));

        var undo = PaymentSamples.Unmatch(matchedPayment, paidDonation, "Irrtum", "treasurer", Samples.Now);
        var withdrawn = undo.DonationEvents.ShouldHaveSingleItem().ShouldBeOfType<DonationPaymentWithdrawn>();
        withdrawn.Amount.ShouldBe(new Money(500));
        Apply(paidDonation, undo).Status.ShouldBe(DonationStatus.Pledged);
        matchedPayment.After(undo).Status.ShouldBe(PaymentStatus.Unmatched);
    }

    [Fact]
    public void a_return_takes_money_from_the_funds_that_hold_it()
    {
        var donation = Pledged(3000, new Earmark("stolberg", null, new Money(1000)), new Earmark(null, null, new Money(2000)));
        var paid = Apply(donation, PaymentSamples.Match(Credit(3000), donation, MatchMethod.StructuredReference, null, Samples.Now));

        var partial = PaymentSamples.Match(Credit(1500, PaymentKind.Return), paid, MatchMethod.StructuredReference, null, Samples.Now);
        var returned = partial.DonationEvents.ShouldHaveSingleItem().ShouldBeOfType<DonationPaymentReturned>();
        returned.Allocation.Select(a => a.Amount.Cents).ShouldBe([500, 1000]);
        returned.ReasonCode.ShouldBe("MD06");
        var partly = Apply(paid, partial);
        partly.Status.ShouldBe(DonationStatus.PartlyPaid);

        var rest = Apply(partly, PaymentSamples.Match(Credit(1500, PaymentKind.Return), partly, MatchMethod.StructuredReference, null, Samples.Now));
        rest.Status.ShouldBe(DonationStatus.Returned);
        rest.NetAllocation.ShouldAllBe(a => a.Amount == Money.Zero);
    }

    [Fact]
    public void a_return_cannot_be_unmatched()
    {
        var donation = Pledged(500);
        var paid = Apply(donation, PaymentSamples.Match(Credit(500), donation, MatchMethod.StructuredReference, null, Samples.Now));
        var ret = Credit(500, PaymentKind.Return);
        var matched = ret.After(PaymentSamples.Match(ret, paid, MatchMethod.StructuredReference, null, Samples.Now));
        Should.Throw<DomainException>(() => PaymentSamples.Unmatch(matched, paid, "x", null, Samples.Now)).Kind.ShouldBe(RefusalKind.Conflict);
    }

    [Fact]
    public void booking_as_donation_creates_a_paid_donation_in_the_general_fund()
    {
        var outcome = PaymentSamples.BookAsDonation(Credit(2500), Guid.CreateVersion7(), Reference, [], Samples.Appeal(), "treasurer", Samples.Now);
        var booked = outcome.DonationEvents[0].ShouldBeOfType<DonationBookedFromPayment>();
        booked.Earmarks.ShouldBe([new Earmark(null, null, new Money(2500))]);
        var donation = PaymentSamples.Fold([.. outcome.DonationEvents]);
        donation.Status.ShouldBe(DonationStatus.Paid);
        donation.WasPledged.ShouldBeFalse();
    }

    [Fact]
    public void booking_as_donation_checks_the_earmarks()
        => Should.Throw<DomainException>(() => PaymentSamples.BookAsDonation(Credit(2500), Guid.CreateVersion7(), Reference, [new Earmark("koeln", null, new Money(2500))], Samples.Appeal(), null, Samples.Now)).Field.ShouldBe("earmarks[0].municipalityId");

    [Fact]
    public void scaling_always_adds_up_to_the_whole()
    {
        var random = new Random(20211115);
        for (var i = 0; i < 2000; i++)
        {
            var earmarks = Enumerable.Range(0, random.Next(1, 8))
                .Select(_ => new Earmark(null, null, new Money(random.NextInt64(1, 1_000_000)))).ToList();
            var amount = new Money(random.NextInt64(1, 10_000_000));
            var scaled = DonationDecider.Scale(earmarks, amount);
            scaled.Aggregate(Money.Zero, (s, e) => s + e.Amount).ShouldBe(amount);
            scaled.ShouldAllBe(e => !e.Amount.IsNegative);
        }
    }
}
