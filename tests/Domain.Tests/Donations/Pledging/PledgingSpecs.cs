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

    private static IReadOnlyList<object> Decide(PledgeDonation command, Appeal appeal)
        => PledgingDecision.Decide(command, appeal, DonationId, Reference, null, "hash", Samples.Now);

    private static PledgeDonation Pledge(long cents, params Earmark[] earmarks) => new("freude-schenken-2021", new Money(cents), earmarks, false, false);

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
        Donation.Create(pledged).Status.ShouldBe(DonationStatus.Pledged);
    }

    [Theory]
    [InlineData(0, "amountCents")]
    [InlineData(-1, "amountCents")]
    [InlineData(10_000_001, "amountCents")]
    public void amounts_outside_the_limits_are_refused(long cents, string field)
    {
        var refusal = Should.Throw<DomainException>(() => Decide(Pledge(cents), Samples.Appeal(new Money(10_000_000))));
        refusal.Field.ShouldBe(field);
    }

    [Fact]
    public void the_epc_maximum_caps_even_a_higher_appeal_limit()
    {
        // An appeal whose recorded limit lies above what a GiroCode can carry (opening refuses that today, but the
        // decision must not rely on it): the cap comes from the EPC maximum, not from the appeal.
        var generous = FlutHilfe.Domain.Appeals.Appeal.Create(Samples.AppealOpened() with { PledgeLimit = new Money(long.MaxValue) });
        Should.NotThrow(() => Decide(Pledge(99_999_999_999), generous));
        var refusal = Should.Throw<DomainException>(() => Decide(Pledge(100_000_000_000), generous));
        refusal.Field.ShouldBe("amountCents");
        refusal.Message.ShouldContain("999.999.999,99");
    }

    [Fact]
    public void earmarks_must_add_up_to_the_amount()
        => Should.Throw<DomainException>(() => Decide(Pledge(5000, new Earmark("stolberg", null, new Money(4999))), Samples.Appeal()))
            .Field.ShouldBe("earmarks");

    [Fact]
    public void earmarks_outside_the_appeal_are_refused()
    {
        Should.Throw<DomainException>(() => Decide(Pledge(5000, new Earmark("koeln", null, new Money(5000))), Samples.Appeal()))
            .Field.ShouldBe("earmarks[0].municipalityId");
        Should.Throw<DomainException>(() => Decide(Pledge(5000, new Earmark(null, "fahrraeder", new Money(5000))), Samples.Appeal()))
            .Field.ShouldBe("earmarks[0].purposeId");
    }

    [Fact]
    public void the_same_fund_twice_is_refused()
        => Should.Throw<DomainException>(() => Decide(Pledge(5000, new Earmark("stolberg", null, new Money(2500)), new Earmark("stolberg", null, new Money(2500))), Samples.Appeal()))
            .Field.ShouldBe("earmarks");

    [Fact]
    public void a_receipt_needs_a_postal_address()
        => Should.Throw<DomainException>(() => Decide(Pledge(5000) with { ReceiptWanted = true }, Samples.Appeal())).Field.ShouldBe("donor");

    [Fact]
    public void a_closed_appeal_refuses_with_a_conflict()
    {
        var closed = Samples.Appeal().Apply(new AppealClosed("freude-schenken-2021", "Ende", Samples.Now));
        Should.Throw<DomainException>(() => Decide(Pledge(5000), closed)).Kind.ShouldBe(RefusalKind.Conflict);
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
