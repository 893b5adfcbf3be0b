using FlutHilfe.Domain.Donations.Pledging;
using FlutHilfe.Domain.Donors;
using FlutHilfe.Domain.Receipts;
using FlutHilfe.Domain.Receipts.Issuing;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Domain.Tests.Support;
using static FlutHilfe.Domain.Tests.Receipts.ReceiptPolicySpecs;

namespace FlutHilfe.Domain.Tests.Receipts;

/// <summary>Given a donation's stream, when the holder of the donor link asks for a receipt, then …</summary>
public class RequestingSpecs
{
    private static readonly (string Token, string Hash) Link = DonorToken.New();
    private static readonly Guid P1 = Guid.CreateVersion7();

    private static readonly DonorProfile Erika = new(Guid.CreateVersion7(), "Erika Mustermann", "Kaiserplatz 1", "52062", "Aachen", "DE", null, Samples.Now);

    /// <summary>A pledge without receipt, made through the link whose token is <see cref="Link"/>.</summary>
    private static Spec<FlutHilfe.Domain.Donations.Donation> Pledge(bool receiptWanted = false, Guid? donorId = null)
        => Spec.Donation().Given(Pledged(5_000, receiptWanted) with { DonorTokenHash = Link.Hash, DonorId = donorId });

    private static RequestReceipt Request(DonorProfile? given, string? token = null) => new(DonationId, token ?? Link.Token, given, Samples.Now);

    [Fact]
    public void the_donor_asks_with_a_postal_address_and_the_donation_now_wants_a_receipt_for_that_donor()
        => Pledge()
            .When(d => ReceiptDecider.Decide(Request(Erika), d, known: null))
            .Then(decision =>
            {
                decision.Events.ShouldBe([new ReceiptRequested(DonationId, Erika.Id, Samples.Now)]);
                decision.Profile.ShouldBe(Erika);
                decision.ProfileChanged.ShouldBeTrue();
            });

    [Fact]
    public void what_the_donor_gives_now_wins_but_keeps_the_known_donors_id_and_an_e_mail_not_repeated()
    {
        var known = new DonorProfile(Guid.CreateVersion7(), "Erika Muster", null, null, null, "DE", "erika@example.org", Samples.Now);
        Pledge(donorId: known.Id)
            .When(d => ReceiptDecider.Decide(Request(Erika), d, known))
            .Then(decision =>
            {
                decision.Profile.ShouldBe(Erika with { Id = known.Id, Email = "erika@example.org" });
                decision.Events.ShouldBe([new ReceiptRequested(DonationId, known.Id, Samples.Now)]);
            });
    }

    [Fact]
    public void asked_again_by_the_same_donor_decides_nothing_new()
        => Pledge(receiptWanted: true, donorId: Erika.Id)
            .When(d => ReceiptDecider.Decide(Request(null), d, known: Erika))
            .Then(decision =>
            {
                decision.Events.ShouldBeEmpty();
                decision.ProfileChanged.ShouldBeFalse();
            });

    [Fact]
    public void when_every_payment_is_on_a_valid_receipt_the_answer_is_its_number()
        => Pledge(receiptWanted: true, donorId: Erika.Id).Given(Paid(P1, 5_000, Day), Assigned("2021-000007", P1))
            .When(d => ReceiptDecider.Decide(Request(null), d, known: Erika))
            .Then(decision =>
            {
                decision.AlreadyIssuedAs.ShouldBe("2021-000007");
                decision.Events.ShouldBeEmpty();
            });

    [Fact]
    public void a_receipt_needs_a_name_and_a_postal_address()
    {
        Pledge().When(d => ReceiptDecider.Decide(Request(null), d, known: null)).ThenRefused(RefusalKind.Invalid, "donor");
        Pledge().When(d => ReceiptDecider.Decide(Request(Erika with { City = null }), d, known: null)).ThenRefused(RefusalKind.Invalid, "donor");
    }

    [Fact]
    public void a_wrong_or_missing_token_is_refused_like_an_unknown_donation()
    {
        Pledge().When(d => ReceiptDecider.Decide(Request(Erika, token: DonorToken.New().Token), d, known: null)).ThenRefused(RefusalKind.NotFound);
        Pledge().When(d => ReceiptDecider.Decide(new RequestReceipt(DonationId, null, Erika, Samples.Now), d, known: null)).ThenRefused(RefusalKind.NotFound);
        Spec.Donation().When(d => ReceiptDecider.Decide(Request(Erika), d, known: null)).ThenRefused(RefusalKind.NotFound);
    }
}
