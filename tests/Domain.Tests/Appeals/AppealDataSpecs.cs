using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Domain.Tests.Support;

namespace FlutHilfe.Domain.Tests.Appeals;

/// <summary>The disaster date and the use of the gifts are appeal data, decided when the appeal is opened.</summary>
public class AppealDataSpecs
{
    [Fact]
    public void the_disaster_date_and_the_use_of_the_gifts_are_part_of_the_opening_fact()
    {
        var opened = Samples.AppealOpened();
        opened.DisasterDate.ShouldBe(new DateOnly(2021, 7, 14));
        opened.GiftUse.ShouldBe(new GiftUse(true, "die vom Hochwasser im Juli 2021 betroffenen Städte und Gemeinden", null));
        Samples.Appeal().GiftUse.PassedOn.ShouldBeTrue();
    }

    [Fact]
    public void appeals_opened_without_them_use_the_money_directly_and_have_no_lower_bound()
    {
        var appeal = Spec.Appeal().Given(Samples.AppealOpened() with { DisasterDate = null, GiftUse = null }).State!;
        appeal.GiftUse.ShouldBe(GiftUse.UsedDirectly);
        appeal.DisasterDate.ShouldBeNull();
    }

    [Fact]
    public void money_passed_on_needs_a_recipient()
        => Spec.Appeal().When(Samples.OpenAppeal() with { GiftUse = new GiftUse(true, "", null) }).ThenRefused(RefusalKind.Invalid, "giftUse.recipient");

    [Fact]
    public void the_disaster_cannot_come_after_the_proof_of_use_deadline()
        => Spec.Appeal().When(Samples.OpenAppeal() with { DisasterDate = new DateOnly(2023, 1, 1) }).ThenRefused(RefusalKind.Invalid, "disasterDate");
}
