using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Pledging;
using FlutHilfe.Domain.Donations.Receiving;
using FlutHilfe.Domain.Receipts.Cancelling;
using FlutHilfe.Domain.Receipts.Covering;
using FlutHilfe.Domain.Receipts.Issuing;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Domain.Tests.Support;

namespace FlutHilfe.Domain.Tests.Receipts;

/// <summary>Given a donation's events, when we ask what receipt is due today, then … (receipts cover payments).</summary>
public class ReceiptPolicySpecs
{
    public static readonly Guid DonationId = Guid.CreateVersion7();
    public static readonly DateOnly Day = new(2021, 11, 20);
    public const int Grace = 14;

    public static DonationPledged Pledged(long cents, bool receiptWanted = true, Guid? id = null)
        => new(id ?? DonationId, "freude-schenken-2021", new Money(cents), [new Earmark("stolberg", null, new Money(cents))],
            CreditorReference.Create("539007547034"), Guid.CreateVersion7(), receiptWanted, "hash", Samples.Now);

    public static DonationPaymentReceived Paid(Guid paymentId, long cents, DateOnly day, Guid? donationId = null)
        => new(donationId ?? DonationId, "freude-schenken-2021", paymentId, new Money(cents), day, day, [new Earmark("stolberg", null, new Money(cents))], Samples.Now);

    public static DonationPaymentReturned Returned(Guid returnId, long cents, DateOnly day)
        => new(DonationId, "freude-schenken-2021", returnId, new Money(cents), day, "MD06", [new Earmark("stolberg", null, new Money(cents))], Samples.Now);

    public static ReceiptAssigned Assigned(string number, params Guid[] paymentIds) => new(DonationId, number, Samples.Now, paymentIds);

    private static ReceiptDue Due(Spec<Donation> spec, DateOnly today) => ReceiptPolicy.Due(spec.State!, today, Grace);

    private static readonly Guid P1 = Guid.CreateVersion7(), P2 = Guid.CreateVersion7(), P3 = Guid.CreateVersion7();

    [Fact]
    public void a_pledge_paid_in_full_at_once_is_receipted_at_once()
    {
        var due = Due(Spec.Donation().Given(Pledged(5_000), Paid(P1, 5_000, Day)), Day);
        due.WaitUntil.ShouldBeNull();
        due.Now.ShouldHaveSingleItem().Payments.ShouldBe([new ReceiptablePayment(DonationId, P1, Day, new Money(5_000))]);
    }

    [Fact]
    public void a_first_part_waits_for_the_rest_until_the_grace_period_ends()
    {
        var spec = Spec.Donation().Given(Pledged(5_000), Paid(P1, 3_000, Day));
        var due = Due(spec, Day.AddDays(Grace - 1));
        due.Now.ShouldBeEmpty();
        due.WaitUntil.ShouldBe(Day.AddDays(Grace));
    }

    [Fact]
    public void thirty_plus_twenty_within_the_grace_period_is_one_receipt_over_fifty()
    {
        var due = Due(Spec.Donation().Given(Pledged(5_000), Paid(P1, 3_000, Day), Paid(P2, 2_000, Day.AddDays(5))), Day.AddDays(5));
        var batch = due.Now.ShouldHaveSingleItem();
        batch.Total.ShouldBe(new Money(5_000));
        batch.Payments.Select(p => (p.PaymentId, p.Amount.Cents)).ShouldBe([(P1, 3_000L), (P2, 2_000L)]);
    }

    [Fact]
    public void after_the_grace_period_the_part_received_is_receipted_and_the_rest_goes_on_a_further_receipt()
    {
        var spec = Spec.Donation().Given(Pledged(5_000), Paid(P1, 3_000, Day));
        Due(spec, Day.AddDays(Grace)).Now.ShouldHaveSingleItem().Payments.Single().PaymentId.ShouldBe(P1);

        spec.Given(Assigned("2021-000001", P1), Paid(P2, 2_000, Day.AddDays(30)));
        // The pledge is now fully paid: the second part is due at once, on its own receipt.
        var second = Due(spec, Day.AddDays(30)).Now.ShouldHaveSingleItem();
        second.Payments.ShouldBe([new ReceiptablePayment(DonationId, P2, Day.AddDays(30), new Money(2_000))]);
        second.ReplacesNumber.ShouldBeNull();
    }

    [Fact]
    public void three_payments_of_one_pledge_are_one_collective_batch()
    {
        var due = Due(Spec.Donation().Given(Pledged(9_000), Paid(P1, 3_000, Day), Paid(P2, 3_000, Day.AddDays(2)), Paid(P3, 3_000, Day.AddDays(4))), Day.AddDays(4));
        due.Now.ShouldHaveSingleItem().Payments.Count.ShouldBe(3);
    }

    [Fact]
    public void an_overpayment_is_receipted_at_the_amount_received()
        => Due(Spec.Donation().Given(Pledged(5_000), Paid(P1, 7_500, Day)), Day).Now.ShouldHaveSingleItem().Total.ShouldBe(new Money(7_500));

    [Fact]
    public void an_underpayment_is_receipted_at_the_amount_received_once_the_grace_period_ends()
    {
        var spec = Spec.Donation().Given(Pledged(5_000), Paid(P1, 4_000, Day));
        Due(spec, Day.AddDays(3)).Now.ShouldBeEmpty();
        Due(spec, Day.AddDays(Grace)).Now.ShouldHaveSingleItem().Total.ShouldBe(new Money(4_000));
    }

    [Fact]
    public void payments_of_two_calendar_years_go_on_two_receipts()
    {
        var due = Due(Spec.Donation().Given(Pledged(5_000), Paid(P1, 3_000, new DateOnly(2021, 12, 28)), Paid(P2, 2_000, new DateOnly(2022, 1, 3))), new DateOnly(2022, 1, 3));
        due.Now.Select(b => b.Payments.Single().PaymentId).ShouldBe([P1, P2]);
    }

    [Fact]
    public void nothing_is_due_without_a_wish_for_a_receipt_or_with_every_payment_receipted()
    {
        Due(Spec.Donation().Given(Pledged(5_000, receiptWanted: false), Paid(P1, 5_000, Day)), Day).Now.ShouldBeEmpty();
        var covered = Due(Spec.Donation().Given(Pledged(5_000), Paid(P1, 5_000, Day), Assigned("2021-000001", P1)), Day);
        covered.Now.ShouldBeEmpty();
        covered.WaitUntil.ShouldBeNull();
        Due(Spec.Donation().Given(Pledged(5_000)), Day).Now.ShouldBeEmpty();
    }

    [Fact]
    public void a_return_of_a_receipted_payment_voids_its_receipt_and_the_rest_is_due_again_referring_to_it()
    {
        var spec = Spec.Donation().Given(Pledged(5_000), Paid(P1, 3_000, Day), Paid(P2, 2_000, Day.AddDays(1)), Assigned("2021-000001", P1, P2));
        ReceiptCoverage.Voided(spec.State!).ShouldBeEmpty();

        spec.Given(Returned(Guid.CreateVersion7(), 2_000, Day.AddDays(6)));
        ReceiptCoverage.Voided(spec.State!).ShouldBe(["2021-000001"]);
        spec.Given(new ReceiptWithdrawn(DonationId, "2021-000001", "Rückbuchung", Samples.Now));

        var open = ReceiptCoverage.Open(spec.State!);
        open.ShouldBe([new ReceiptablePayment(DonationId, P1, Day, new Money(3_000))]);
        ReceiptPolicy.Batches(spec.State!, open).Single().ReplacesNumber.ShouldBe("2021-000001");
    }

    [Fact]
    public void a_return_takes_the_payment_of_the_same_amount_else_the_latest_payments_first()
    {
        var exact = Spec.Donation().Given(Pledged(9_000), Paid(P1, 2_000, Day), Paid(P2, 3_000, Day.AddDays(1)), Paid(P3, 4_000, Day.AddDays(2)), Returned(Guid.CreateVersion7(), 2_000, Day.AddDays(3)));
        exact.State!.ReturnAttributions.Select(a => (a.PaymentId, a.Amount.Cents)).ShouldBe([(P1, 2_000L)]);

        var lifo = Spec.Donation().Given(Pledged(9_000), Paid(P1, 2_000, Day), Paid(P2, 3_000, Day.AddDays(1)), Paid(P3, 4_000, Day.AddDays(2)), Returned(Guid.CreateVersion7(), 5_000, Day.AddDays(3)));
        lifo.State!.ReturnAttributions.Select(a => (a.PaymentId, a.Amount.Cents)).ShouldBe([(P3, 4_000L), (P2, 1_000L)]);
        ReceiptCoverage.Open(lifo.State!).Select(p => (p.PaymentId, p.Amount.Cents)).ShouldBe([(P1, 2_000L), (P2, 2_000L)]);
    }

    [Fact]
    public void a_later_payment_never_takes_over_an_earlier_return()
    {
        var spec = Spec.Donation().Given(Pledged(3_000), Paid(P1, 3_000, Day), Returned(Guid.CreateVersion7(), 3_000, Day.AddDays(2)), Paid(P2, 3_000, Day.AddDays(9)));
        ReceiptCoverage.Open(spec.State!).ShouldBe([new ReceiptablePayment(DonationId, P2, Day.AddDays(9), new Money(3_000))]);
    }

    [Fact]
    public void a_withdrawn_match_voids_the_receipt_that_stated_the_payment()
    {
        var spec = Spec.Donation().Given(Pledged(5_000), Paid(P1, 5_000, Day), Assigned("2021-000001", P1),
            new DonationPaymentWithdrawn(DonationId, "freude-schenken-2021", P1, new Money(5_000), [], "falsche Spende", Samples.Now));
        ReceiptCoverage.Voided(spec.State!).ShouldBe(["2021-000001"]);
    }

    [Fact]
    public void a_receipt_assigned_before_receipts_covered_payments_still_folds_and_covers_what_was_paid()
    {
        // Old events carry no payment ids: the receipt stood for the whole donation as it was.
        var spec = Spec.Donation().Given(Pledged(5_000), Paid(P1, 3_000, Day), new ReceiptAssigned(DonationId, "2021-000001", Samples.Now));
        spec.State!.PaymentReceipts.ShouldBe([new PaymentReceipt(P1, "2021-000001", new Money(3_000), true)]);
        spec.Given(Paid(P2, 2_000, Day.AddDays(20)));
        ReceiptCoverage.Open(spec.State!).Single().PaymentId.ShouldBe(P2);
        ReceiptCoverage.ValidReceiptFor(spec.State!, P1).ShouldBe("2021-000001");
    }

    [Fact]
    public void a_donation_folded_before_receipts_covered_payments_counts_every_payment_as_receipted()
    {
        var legacy = Spec.Donation().Given(Pledged(5_000), Paid(P1, 5_000, Day)).State! with { ReceiptNumber = "2021-000001" };
        ReceiptCoverage.Open(legacy).ShouldBeEmpty();
        ReceiptPolicy.Due(legacy, Day, Grace).Now.ShouldBeEmpty();
    }
}
