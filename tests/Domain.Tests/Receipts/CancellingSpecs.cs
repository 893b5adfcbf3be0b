using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donors;
using FlutHilfe.Domain.Receipts;
using FlutHilfe.Domain.Receipts.Cancelling;
using FlutHilfe.Domain.Receipts.Covering;
using FlutHilfe.Domain.Receipts.Issuing;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Domain.Tests.Support;
using static FlutHilfe.Domain.Tests.Receipts.ReceiptPolicySpecs;

namespace FlutHilfe.Domain.Tests.Receipts;

/// <summary>Given a receipt's stream (and its donations), when the treasurer or the system cancels or replaces it, then …</summary>
public class CancellingSpecs
{
    private const string Number = "2021-000001";
    private static readonly Guid P1 = Guid.CreateVersion7(), P2 = Guid.CreateVersion7();

    private static ReceiptIssued IssuedOver(params ReceiptablePayment[] payments)
        => ReceiptSamples.Issued(Number, payments);

    /// <summary>Paid 30 + 20 on one pledge, both on receipt 2021-000001.</summary>
    private static Donation OnTheReceipt(params object[] later)
        => Spec.Donation().Given(Pledged(5_000), Paid(P1, 3_000, Day), Paid(P2, 2_000, Day.AddDays(1)), Assigned(Number, P1, P2)).Given(later).State!;

    private static ReceiptablePayment[] BothPayments =>
        [new ReceiptablePayment(DonationId, P1, Day, new Money(3_000)), new ReceiptablePayment(DonationId, P2, Day.AddDays(1), new Money(2_000))];

    private static readonly CancelReceipt Cancel = new(Number, "Falscher Betrag", "treasurer", Samples.Now);

    private static Dictionary<Guid, Donation> Donations(Donation d) => new() { [d.Id] = d };

    [Fact]
    public void a_cancelled_receipt_keeps_its_number_and_frees_the_payments_of_every_donation_it_covered()
        => Spec.Receipt().Given(IssuedOver(BothPayments))
            .When(r => ReceiptDecider.Decide(Cancel, r, Donations(OnTheReceipt())).Events())
            .Then(new ReceiptCancelled(Number, [DonationId], "Falscher Betrag", "treasurer", Samples.Now),
                new ReceiptWithdrawn(DonationId, Number, "Falscher Betrag", Samples.Now));

    [Fact]
    public void cancelling_a_cancelled_receipt_decides_nothing()
        => Spec.Receipt().Given(IssuedOver(BothPayments), new ReceiptCancelled(Number, [DonationId], "Falscher Betrag", "treasurer", Samples.Now))
            .When(r => ReceiptDecider.Decide(Cancel, r, Donations(OnTheReceipt())).Events())
            .ThenNothing();

    [Fact]
    public void a_donation_the_receipt_no_longer_covers_or_that_is_gone_gets_no_withdrawal()
    {
        var elsewhere = OnTheReceipt(new ReceiptWithdrawn(DonationId, Number, "vorher", Samples.Now));
        Spec.Receipt().Given(IssuedOver(BothPayments))
            .When(r => ReceiptDecider.Decide(Cancel, r, Donations(elsewhere)).Events())
            .Then(new ReceiptCancelled(Number, [DonationId], "Falscher Betrag", "treasurer", Samples.Now));
        Spec.Receipt().Given(IssuedOver(BothPayments))
            .When(r => ReceiptDecider.Decide(Cancel, r, new Dictionary<Guid, Donation>()).Events())
            .Then(new ReceiptCancelled(Number, [DonationId], "Falscher Betrag", "treasurer", Samples.Now));
    }

    [Fact]
    public void an_unknown_receipt_is_not_found()
        => Spec.Receipt().When(r => ReceiptDecider.Decide(Cancel, r, new Dictionary<Guid, Donation>()).Events()).ThenRefused(RefusalKind.NotFound);

    private static readonly ReissueReceipt Reissue = new(Number, Samples.Now);
    private static readonly DonorProfile WithAddress = new(Guid.CreateVersion7(), "Erika Mustermann", "Kaiserplatz 1", "52062", "Aachen", "DE", null, Samples.Now);

    [Fact]
    public void a_valid_receipt_is_not_replaced_it_is_cancelled_first()
        => Spec.Receipt().Given(IssuedOver(BothPayments))
            .When(r => ReceiptDecider.Decide(Reissue, r, Donations(OnTheReceipt()), WithAddress))
            .ThenRefused(RefusalKind.Conflict);

    [Fact]
    public void a_replacement_states_what_stayed_with_us_and_refers_to_the_cancelled_number()
    {
        // 5 € of the second payment went back to the donor's bank, then the receipt was cancelled.
        var after = OnTheReceipt(Returned(Guid.CreateVersion7(), 500, Day.AddDays(3)), new ReceiptWithdrawn(DonationId, Number, "Rückbuchung", Samples.Now));
        Spec.Receipt().Given(IssuedOver(BothPayments), new ReceiptCancelled(Number, [DonationId], "Rückbuchung", null, Samples.Now))
            .When(r => ReceiptDecider.Decide(Reissue, r, Donations(after), WithAddress))
            .Then(replacement =>
            {
                replacement.Batch.ReplacesNumber.ShouldBe(Number);
                replacement.Batch.Payments.Select(p => (p.PaymentId, p.Amount.Cents)).ShouldBe([(P1, 3_000L), (P2, 1_500L)]);
                replacement.Collective.ShouldBeTrue();
                (replacement.PeriodFrom, replacement.PeriodTo).ShouldBe((Day, Day.AddDays(1)));
            });
    }

    [Fact]
    public void no_replacement_without_the_donors_postal_address_or_without_anything_left()
    {
        var cancelled = Spec.Receipt().Given(IssuedOver(BothPayments), new ReceiptCancelled(Number, [DonationId], "Rückbuchung", null, Samples.Now));
        var withdrawn = OnTheReceipt(new ReceiptWithdrawn(DonationId, Number, "Rückbuchung", Samples.Now));
        cancelled.When(r => ReceiptDecider.Decide(Reissue, r, Donations(withdrawn), WithAddress with { Street = null })).ThenRefused(RefusalKind.Conflict);
        cancelled.When(r => ReceiptDecider.Decide(Reissue, r, Donations(withdrawn), null)).ThenRefused(RefusalKind.Conflict);

        var allReturned = OnTheReceipt(Returned(Guid.CreateVersion7(), 5_000, Day.AddDays(3)), new ReceiptWithdrawn(DonationId, Number, "Rückbuchung", Samples.Now));
        cancelled.When(r => ReceiptDecider.Decide(Reissue, r, Donations(allReturned), WithAddress)).ThenRefused(RefusalKind.Conflict)
            .Message.ShouldContain("Nothing of receipt");
    }
}
