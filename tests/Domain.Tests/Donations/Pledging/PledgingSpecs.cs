using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Appeals.Closing;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Pledging;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Domain.Tests.Support;

namespace FlutHilfe.Domain.Tests.Donations.Pledging;

public class PledgingSpecs
{
    private static readonly Guid DonationId = Guid.CreateVersion7();
    private static readonly CreditorReference Reference = CreditorReference.Create("539007547034");

    /// <summary>A pledge decides on the appeal it is made to (and starts the donation's stream).</summary>
    private static Decision Decide(PledgeDonation command, Appeal appeal) => Spec.Appeal().When(_ => DonationDecider.Decide(command, appeal));

    private static Decision Decide(PledgeDonation command, params object[] appealEvents)
        => Spec.Appeal().Given(appealEvents).When(appeal => DonationDecider.Decide(command, appeal));

    private static PledgeDonation Pledge(long cents, params Earmark[] earmarks)
        => new(DonationId, "freude-schenken-2021", new Money(cents), earmarks, false, null, Reference, "hash", Samples.Now);

    [Fact]
    public void a_pledge_without_earmarks_is_one_general_earmark()
    {
        var pledged = Decide(Pledge(5000), Samples.Appeal()).ShouldHaveSingleItem().ShouldBeOfType<DonationPledged>();
        pledged.Earmarks.ShouldBe([new Earmark(null, null, new Money(5000))]);
        pledged.Reference.ShouldBe(Reference);
        pledged.DonorId.ShouldBeNull();
    }

    [Fact]
    public void a_split_pledge_keeps_its_parts()
    {
        var parts = new[] { new Earmark("stolberg", "kita-schulmaterial", new Money(3000)), new Earmark("eschweiler", null, new Money(2000)) };
        var pledged = (DonationPledged)Decide(Pledge(5000, parts), Samples.Appeal()).Single();
        pledged.Earmarks.ShouldBe(parts);
        Spec.Donation().Given(pledged).State!.Status.ShouldBe(DonationStatus.Pledged);
    }

    [Theory]
    [InlineData(0, "amountCents")]
    [InlineData(-1, "amountCents")]
    [InlineData(10_000_001, "amountCents")]
    public void amounts_outside_the_limits_are_refused(long cents, string field)
        => Decide(Pledge(cents), Samples.AppealOpened(new Money(10_000_000))).ThenRefused(RefusalKind.Invalid, field);

    [Fact]
    public void the_epc_maximum_caps_even_a_higher_appeal_limit()
    {
        // An appeal whose recorded limit lies above what a GiroCode can carry (opening refuses that today, but the
        // decision must not rely on it): the cap comes from the EPC maximum, not from the appeal.
        var generous = Samples.AppealOpened() with { PledgeLimit = new Money(long.MaxValue) };
        Decide(Pledge(99_999_999_999), generous).ShouldHaveSingleItem();
        Decide(Pledge(100_000_000_000), generous).ThenRefused(RefusalKind.Invalid, "amountCents").Message.ShouldContain("999.999.999,99");
    }

    [Fact]
    public void earmarks_must_add_up_to_the_amount()
        => Decide(Pledge(5000, new Earmark("stolberg", null, new Money(4999))), Samples.Appeal()).ThenRefused(RefusalKind.Invalid, "earmarks");

    [Fact]
    public void earmarks_outside_the_appeal_are_refused()
    {
        Decide(Pledge(5000, new Earmark("koeln", null, new Money(5000))), Samples.Appeal()).ThenRefused(RefusalKind.Invalid, "earmarks[0].municipalityId");
        Decide(Pledge(5000, new Earmark(null, "fahrraeder", new Money(5000))), Samples.Appeal()).ThenRefused(RefusalKind.Invalid, "earmarks[0].purposeId");
    }

    [Fact]
    public void the_same_fund_twice_is_refused()
        => Decide(Pledge(5000, new Earmark("stolberg", null, new Money(2500)), new Earmark("stolberg", null, new Money(2500))), Samples.Appeal())
            .ThenRefused(RefusalKind.Invalid, "earmarks");

    [Fact]
    public void a_receipt_needs_a_postal_address()
        => Decide(Pledge(5000) with { ReceiptWanted = true }, Samples.Appeal()).ThenRefused(RefusalKind.Invalid, "donor");

    [Fact]
    public void a_closed_appeal_refuses_with_a_conflict()
    {
        Decide(Pledge(5000), Samples.AppealOpened(), new AppealClosed("freude-schenken-2021", "Ende", Samples.Now)).ThenRefused(RefusalKind.Conflict);
        Decide(Pledge(5000)).ThenRefused(RefusalKind.NotFound);
    }

    [Fact]
    public void payment_references_are_valid_digit_only_creditor_references()
    {
        var seen = new HashSet<string>();
        for (var i = 0; i < 1000; i++)
        {
            var reference = PaymentReference.New();
            CreditorReference.TryParse(reference.Value, out _, out _).ShouldBeTrue();
            reference.Value.Length.ShouldBe(20);
            reference.Value[4..].ShouldAllBe(c => char.IsAsciiDigit(c));
            seen.Add(reference.Value).ShouldBeTrue();
        }
    }

    [Fact]
    public void donor_tokens_match_only_themselves()
    {
        var (token, hash) = DonorToken.New();
        DonorToken.Matches(token, hash).ShouldBeTrue();
        DonorToken.Matches(token + "x", hash).ShouldBeFalse();
        DonorToken.Matches(null, hash).ShouldBeFalse();
        DonorToken.Matches("", hash).ShouldBeFalse();
        hash.ShouldNotContain(token);
    }
}
