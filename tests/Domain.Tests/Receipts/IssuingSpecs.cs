using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donors;
using FlutHilfe.Domain.Receipts;
using FlutHilfe.Domain.Receipts.Covering;
using FlutHilfe.Domain.Receipts.Issuing;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Domain.Tests.Support;
using static FlutHilfe.Domain.Tests.Receipts.ReceiptPolicySpecs;

namespace FlutHilfe.Domain.Tests.Receipts;

/// <summary>Given donations, when receipts are issued over their payments (due ones, or a collective one the treasurer asks for), then …</summary>
public class IssuingSpecs
{
    private static readonly Guid P1 = Guid.CreateVersion7(), P2 = Guid.CreateVersion7(), OtherDonation = Guid.CreateVersion7();
    private static readonly DateOnly From = new(2021, 1, 1), To = new(2021, 12, 31);

    private static Donation Paid5000(Guid donationId, Guid paymentId, Guid donorId, DateOnly day)
        => Spec.Donation().Given(Pledged(5_000, id: donationId) with { DonorId = donorId }, Paid(paymentId, 5_000, day, donationId)).State!;

    private static IssueReceipts Issue(params ReceiptBatch[] batches)
        => new(batches, false, null, null, batches.Select((_, i) => new ReceiptNumbering($"2021-00000{i + 1}", 2021, i + 1)).ToList(),
            new ReceiptHolder(Guid.CreateVersion7(), "cipher"), ReceiptSamples.Terms, Samples.Now, ReceiptSamples.IssuedOn);

    [Fact]
    public void each_receipt_starts_its_numbers_stream_and_each_donation_learns_which_payments_it_states()
    {
        var d = Paid5000(DonationId, P1, Guid.CreateVersion7(), Day);
        var batch = new ReceiptBatch([new ReceiptablePayment(DonationId, P1, Day, new Money(5_000))], null);
        Spec.Receipt()
            .When(_ => ReceiptDecider.Decide(Issue(batch), new Dictionary<Guid, Donation> { [d.Id] = d }, Samples.Appeal()))
            .Then(changes =>
            {
                var (number, issued) = changes.Receipts.ShouldHaveSingleItem();
                number.ShouldBe("2021-000001");
                var fact = issued.ShouldBeOfType<ReceiptIssued>();
                (fact.Number, fact.Kind, fact.Amount, fact.AppealId).ShouldBe(("2021-000001", ReceiptKind.Single, new Money(5_000), "freude-schenken-2021"));
                fact.Lines.ShouldBe([new ReceiptLine(DonationId, Day, new Money(5_000), P1)]);
                // Money passed on to the earmarked municipality says so on the receipt.
                fact.Use.ShouldBe(new PrintedUse(true, "die Kommune Stolberg (Rhld.)", null));
                var assigned = changes.Donations.SelectMany(c => c.Events).ShouldHaveSingleItem().ShouldBeOfType<ReceiptAssigned>();
                (assigned.DonationId, assigned.Number, assigned.AssignedAt).ShouldBe((DonationId, "2021-000001", Samples.Now));
                assigned.PaymentIds.ShouldBe([P1]);
            });
    }

    [Fact]
    public void two_batches_are_two_receipts_under_consecutive_numbers()
    {
        var d = Spec.Donation().Given(Pledged(5_000), Paid(P1, 3_000, Day), Paid(P2, 2_000, Day.AddDays(30))).State!;
        Spec.Receipt()
            .When(_ => ReceiptDecider.Decide(
                Issue(new ReceiptBatch([new ReceiptablePayment(DonationId, P1, Day, new Money(3_000))], null),
                    new ReceiptBatch([new ReceiptablePayment(DonationId, P2, Day.AddDays(30), new Money(2_000))], null)),
                new Dictionary<Guid, Donation> { [d.Id] = d }, Samples.Appeal()))
            .Then(changes =>
            {
                changes.Receipts.Select(r => r.Number).ShouldBe(["2021-000001", "2021-000002"]);
                changes.Donations.Select(c => ((ReceiptAssigned)c.Events.Single()).Number).ShouldBe(["2021-000001", "2021-000002"]);
            });
    }

    private static readonly DonorProfile Erika = new(Guid.CreateVersion7(), "Erika Mustermann", "Kaiserplatz 1", "52062", "Aachen", "DE", null, Samples.Now);

    /// <summary>Two pledges by the same person (donors get a new id per pledge), both paid.</summary>
    private static (Dictionary<Guid, Donation> Donations, Dictionary<Guid, DonorProfile> Donors) TwoPledgesOf(DonorProfile first, DonorProfile second)
    {
        var a = Paid5000(DonationId, P1, first.Id, Day);
        var b = Paid5000(OtherDonation, P2, second.Id, Day.AddDays(40));
        return (new() { [a.Id] = a, [b.Id] = b }, new() { [first.Id] = first, [second.Id] = second });
    }

    private static IssueCollectiveReceipt Collective(params Guid[] donationIds) => new(donationIds, From, To, null, Samples.Now);

    [Fact]
    public void a_collective_receipt_states_the_payments_of_one_donor_across_pledges()
    {
        var (donations, donors) = TwoPledgesOf(Erika, Erika with { Id = Guid.CreateVersion7(), Name = " erika  MUSTERMANN " });
        Spec.Receipt()
            .When(_ => ReceiptDecider.Decide(Collective(DonationId, OtherDonation), donations, donors, Samples.Appeal()))
            .Then(collective =>
            {
                collective.Payments.Select(p => (p.DonationId, p.PaymentId)).ShouldBe([(DonationId, P1), (OtherDonation, P2)], ignoreOrder: true);
                collective.Donor.HasPostalAddress.ShouldBeTrue();
            });
    }

    [Fact]
    public void donations_of_different_donors_are_refused()
    {
        var (donations, donors) = TwoPledgesOf(Erika, Erika with { Id = Guid.CreateVersion7(), Street = "Markt 1" });
        Spec.Receipt().When(_ => ReceiptDecider.Decide(Collective(DonationId, OtherDonation), donations, donors, Samples.Appeal()))
            .ThenRefused(RefusalKind.Invalid, "donationIds").Message.ShouldContain("different donors");
    }

    [Fact]
    public void an_unknown_donation_or_one_without_a_donors_postal_address_is_refused()
    {
        var (donations, donors) = TwoPledgesOf(Erika, Erika with { Id = Guid.CreateVersion7() });
        Spec.Receipt().When(_ => ReceiptDecider.Decide(Collective(DonationId, Guid.CreateVersion7()), donations, donors, Samples.Appeal()))
            .ThenRefused(RefusalKind.Invalid, "donationIds");
        var erased = donors.Where(d => d.Key == Erika.Id).ToDictionary();
        Spec.Receipt().When(_ => ReceiptDecider.Decide(Collective(DonationId, OtherDonation), donations, erased, Samples.Appeal()))
            .ThenRefused(RefusalKind.Invalid, "donationIds").Message.ShouldContain("no donor with a postal address");
        Spec.Receipt().When(_ => ReceiptDecider.Decide(Collective(), donations, donors, Samples.Appeal()))
            .ThenRefused(RefusalKind.Invalid, "donationIds");
    }
}
