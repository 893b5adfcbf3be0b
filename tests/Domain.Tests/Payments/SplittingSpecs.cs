using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Receiving;
using FlutHilfe.Domain.Payments;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Domain.Tests.Support;
using static FlutHilfe.Domain.Tests.Support.PaymentSamples;

namespace FlutHilfe.Domain.Tests.Payments;

/// <summary>One transfer naming several pledges.</summary>
public class SplittingSpecs
{
    private static Donation Pledged(long cents, params Earmark[] earmarks) => Fold(Pledge(cents, earmarks: earmarks));

    [Fact]
    public void a_transfer_naming_two_pledges_whose_outstanding_amounts_add_up_is_split_across_them()
    {
        var (a, b) = (Pledged(2500), Pledged(5000));
        var payment = Bank(7500, named: [a.Reference, b.Reference]);

        var resolution = MatchingDecision.Resolve(payment, ByReference(a, b));
        resolution.Split.ShouldNotBeNull().Select(p => (p.Donation.Id, p.Amount.Cents)).ShouldBe([(a.Id, 2500L), (b.Id, 5000L)]);

        var outcome = PaymentSamples.Split(payment, resolution.Split!, MatchMethod.SplitByReferences, "import", Samples.Now);
        var split = outcome.PaymentEvents.ShouldHaveSingleItem().ShouldBeOfType<PaymentSplit>();
        split.Parts.ShouldBe([new PaymentPart(a.Id, new Money(2500)), new PaymentPart(b.Id, new Money(5000))]);
        outcome.Donations.Select(c => c.DonationId).ShouldBe([a.Id, b.Id]);
        var received = outcome.Donations[1].Events.ShouldHaveSingleItem().ShouldBeOfType<DonationPaymentReceived>();
        (received.PaymentId, received.Amount, received.TransferAmount).ShouldBe((payment.Id, new Money(5000), new Money(7500)));

        a.After(outcome).Status.ShouldBe(DonationStatus.Paid);
        b.After(outcome).Status.ShouldBe(DonationStatus.Paid);
        var after = payment.After(outcome);
        (after.Status, after.IsSplit, after.DonationId).ShouldBe((PaymentStatus.Matched, true, (Guid?)null));
    }

    [Fact]
    public void a_split_part_keeps_its_earmark_split_by_largest_remainder()
    {
        var a = Pledged(3000, new Earmark("stolberg", null, new Money(1000)), new Earmark("eschweiler", null, new Money(2000)));
        var b = Pledged(1000);
        var payment = Bank(4000, named: [a.Reference, b.Reference]);
        var outcome = PaymentSamples.Split(payment, MatchingDecision.Resolve(payment, ByReference(a, b)).Split!, MatchMethod.SplitByReferences, null, Samples.Now);
        var part = (DonationPaymentReceived)outcome.Donations.Single(c => c.DonationId == a.Id).Events.Single();
        part.Allocation.Select(e => (e.MunicipalityId, e.Amount.Cents)).ShouldBe([("stolberg", 1000L), ("eschweiler", 2000L)]);
    }

    [Theory]
    [InlineData(7000)] // less than both pledges together
    [InlineData(8000)] // more
    public void amounts_that_do_not_add_up_wait_for_the_treasurer_with_the_named_pledges_as_proposals(long cents)
    {
        var (a, b) = (Pledged(2500), Pledged(5000));
        var resolution = MatchingDecision.Resolve(Bank(cents, named: [a.Reference, b.Reference]), ByReference(a, b));
        (resolution.Single, resolution.Split).ShouldBe((null, null));
        resolution.WaitsForTreasurer.ShouldBeTrue();
        resolution.Named.Select(d => d.Id).ShouldBe([a.Id, b.Id]);
    }

    [Fact]
    public void the_whole_transfer_is_never_booked_on_the_first_reference()
    {
        var (a, b) = (Pledged(7500), Pledged(5000));
        // The first pledge alone would take the amount exactly: still not booked, the transfer names two.
        var resolution = MatchingDecision.Resolve(Bank(7500, structured: a.Reference, named: [a.Reference, b.Reference]), ByReference(a, b));
        resolution.Single.ShouldBeNull();
        resolution.WaitsForTreasurer.ShouldBeTrue();
    }

    [Fact]
    public void a_named_reference_no_pledge_carries_also_waits_but_a_longer_reading_of_a_known_one_does_not()
    {
        var a = Pledged(2500);
        var stranger = NewReference().Value;
        MatchingDecision.Resolve(Bank(2500, named: [a.Reference, stranger]), ByReference(a)).WaitsForTreasurer.ShouldBeTrue();

        // "RF18 5390 0754 7034 12" may read as a longer reference too (1 in 97 validates by chance): not a second pledge.
        var resolution = MatchingDecision.Resolve(Bank(2500, named: [a.Reference + "12", a.Reference]), ByReference(a));
        resolution.Single.ShouldNotBeNull().Id.ShouldBe(a.Id);
    }

    [Fact]
    public void one_named_pledge_is_matched_as_before_and_a_pledge_already_paid_is_not_split_into()
    {
        var (a, b) = (Pledged(2500), Pledged(5000));
        var single = MatchingDecision.Resolve(Bank(1000, structured: a.Reference, named: [a.Reference]), ByReference(a, b));
        (single.Single?.Id, single.Method).ShouldBe((a.Id, MatchMethod.StructuredReference));

        var paidA = a.After(PaymentSamples.Match(Bank(2500), a, MatchMethod.Treasurer, null, Samples.Now));
        MatchingDecision.Resolve(Bank(5000, named: [paidA.Reference, b.Reference]), ByReference(paidA, b)).WaitsForTreasurer.ShouldBeTrue();
    }

    [Fact]
    public void a_split_is_refused_when_the_parts_do_not_add_up_or_repeat_a_donation()
    {
        var (a, b) = (Pledged(2500), Pledged(5000));
        var payment = Bank(7500);
        Should.Throw<DomainException>(() => PaymentSamples.Split(payment, [(a, new Money(2500)), (b, new Money(4999))], MatchMethod.Treasurer, null, Samples.Now))
            .Field.ShouldBe("parts");
        Should.Throw<DomainException>(() => PaymentSamples.Split(payment, [(a, new Money(2500)), (a, new Money(5000))], MatchMethod.Treasurer, null, Samples.Now))
            .Field.ShouldBe("parts[1].donationId");
    }

    [Fact]
    public void unmatching_a_split_takes_every_part_back_and_the_payment_waits_again()
    {
        var (a, b) = (Pledged(2500), Pledged(5000));
        var payment = Bank(7500, named: [a.Reference, b.Reference]);
        var split = PaymentSamples.Split(payment, [(a, new Money(2500)), (b, new Money(5000))], MatchMethod.SplitByReferences, null, Samples.Now);
        var (paidA, paidB, matched) = (a.After(split), b.After(split), payment.After(split));

        var undo = PaymentSamples.Unmatch(matched, new Dictionary<Guid, Donation> { [a.Id] = paidA, [b.Id] = paidB }, "falsch zugeordnet", "treasurer", Samples.Now);
        undo.PaymentEvents.ShouldHaveSingleItem().ShouldBeOfType<PaymentSplitUndone>().Parts.Count.ShouldBe(2);
        undo.Donations.Select(c => c.Events.ShouldHaveSingleItem().ShouldBeOfType<DonationPaymentWithdrawn>().Amount.Cents).ShouldBe([2500L, 5000L]);
        paidA.After(undo).Status.ShouldBe(DonationStatus.Pledged);
        paidB.After(undo).Status.ShouldBe(DonationStatus.Pledged);
        matched.After(undo).Status.ShouldBe(PaymentStatus.Unmatched);
        matched.After(undo).Parts.ShouldBeEmpty();
    }

    [Fact]
    public void the_return_of_a_split_transfer_goes_back_on_the_same_donations_in_the_same_proportions()
    {
        var (a, b) = (Pledged(2500), Pledged(5000));
        var payment = Bank(7500);
        var split = PaymentSamples.Split(payment, [(a, new Money(2500)), (b, new Money(5000))], MatchMethod.SplitByReferences, null, Samples.Now);
        var donations = new Dictionary<Guid, Donation> { [a.Id] = a.After(split), [b.Id] = b.After(split) };

        var whole = ReturnMatching.GiveBack(Bank(7500, PaymentKind.Return), payment.After(split), donations, MatchMethod.OriginalPaymentByEndToEndId, "import", Samples.Now);
        whole.PaymentEvents.ShouldHaveSingleItem().ShouldBeOfType<PaymentSplit>().ReturnOf.ShouldBe(payment.Id);
        whole.Donations.Select(c => ((DonationPaymentReturned)c.Events.Single()).Amount.Cents).ShouldBe([2500L, 5000L]);
        donations[a.Id].After(whole).Status.ShouldBe(DonationStatus.Returned);

        var part = ReturnMatching.GiveBack(Bank(1000, PaymentKind.Return), payment.After(split), donations, MatchMethod.OriginalPaymentByEndToEndId, "import", Samples.Now);
        part.Donations.Select(c => ((DonationPaymentReturned)c.Events.Single()).Amount.Cents).ShouldBe([333L, 667L]);
    }

    [Fact]
    public void splitting_the_same_payment_again_the_same_way_decides_nothing()
    {
        var (a, b) = (Pledged(2500), Pledged(5000));
        var payment = Bank(7500);
        IReadOnlyList<(Donation, Money)> parts = [(a, new Money(2500)), (b, new Money(5000))];
        var matched = payment.After(PaymentSamples.Split(payment, parts, MatchMethod.Treasurer, null, Samples.Now));
        PaymentSamples.Split(matched, parts, MatchMethod.Treasurer, null, Samples.Now).ShouldBe(MatchOutcome.Nothing);
        Should.Throw<DomainException>(() => PaymentSamples.Match(matched, a, MatchMethod.Treasurer, null, Samples.Now)).Kind.ShouldBe(RefusalKind.Conflict);
    }

    [Fact]
    public void a_returned_transfer_of_ours_is_never_a_donation()
    {
        var a = Pledged(25000);
        var back = Bank(25000, PaymentKind.ReturnedTransfer, inText: a.Reference, named: [a.Reference]);
        Should.Throw<DomainException>(() => PaymentSamples.Match(back, a, MatchMethod.Treasurer, null, Samples.Now)).Kind.ShouldBe(RefusalKind.Conflict);
        Should.Throw<DomainException>(() => PaymentSamples.BookAsDonation(back, Guid.CreateVersion7(), NewReference(), [], Samples.Appeal(), null, Samples.Now))
            .Kind.ShouldBe(RefusalKind.Conflict);
    }

    [Fact]
    public void a_payment_snapshot_written_before_splits_existed_still_knows_its_donation()
    {
        var donation = Pledged(500);
        var payment = Bank(500);
        var paid = donation.After(PaymentSamples.Match(payment, donation, MatchMethod.StructuredReference, null, Samples.Now));
        var stored = payment with { Status = PaymentStatus.Matched, DonationId = donation.Id, Method = MatchMethod.StructuredReference };

        stored.Parts.ShouldBe([new PaymentPart(donation.Id, new Money(500))]);
        PaymentSamples.Unmatch(stored, paid, "Irrtum", null, Samples.Now).PaymentEvents.ShouldHaveSingleItem().ShouldBeOfType<PaymentUnmatched>();
    }
}
