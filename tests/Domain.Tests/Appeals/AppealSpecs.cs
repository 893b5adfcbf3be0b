using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Appeals.Closing;
using FlutHilfe.Domain.Appeals.Extending;
using FlutHilfe.Domain.Appeals.Opening;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Domain.Tests.Support;

namespace FlutHilfe.Domain.Tests.Appeals;

public class AppealSpecs
{
    [Fact]
    public void opening_a_new_appeal_records_every_fact()
    {
        var events = Spec.Appeal().When(Samples.OpenAppeal());
        var opened = events.ShouldHaveSingleItem().ShouldBeOfType<AppealOpened>();
        opened.AppealId.ShouldBe("freude-schenken-2021");
        opened.OpenedAt.ShouldBe(Samples.Now);
        opened.Municipalities.Count.ShouldBe(2);
    }

    [Fact]
    public void opening_it_again_decides_nothing()
        => Spec.Appeal().Given(Samples.AppealOpened()).When(Samples.OpenAppeal()).ThenNothing();

    [Fact]
    public void opening_another_appeal_under_the_same_id_is_a_conflict()
        => Spec.Appeal().Given(Samples.AppealOpened()).When(Samples.OpenAppeal() with { Title = "Anders" }).ThenRefused(RefusalKind.Conflict);

    [Fact]
    public void a_window_that_ends_before_it_starts_is_refused()
        => Spec.Appeal()
            .When(Samples.OpenAppeal() with { SimplifiedProof = new SimplifiedProofWindow(new DateOnly(2021, 12, 31), new DateOnly(2021, 7, 1)) })
            .ThenRefused(RefusalKind.Invalid, "simplifiedProof.to");

    [Fact]
    public void a_window_without_special_account_is_refused()
        => Spec.Appeal().When(Samples.OpenAppeal() with { IsDisasterSpecialAccount = false }).ThenRefused(RefusalKind.Invalid, "simplifiedProof");

    [Fact]
    public void duplicate_municipalities_are_refused()
        => Spec.Appeal()
            .When(Samples.OpenAppeal() with { Municipalities = [new Municipality("stolberg", "A", null), new Municipality("stolberg", "B", null)] })
            .ThenRefused(RefusalKind.Invalid, "municipalities");

    [Theory]
    [InlineData(0)]
    [InlineData(100_000_000_000)]
    public void a_pledge_limit_outside_the_epc_range_is_refused(long cents)
        => Spec.Appeal().When(Samples.OpenAppeal(new Money(cents))).ThenRefused(RefusalKind.Invalid, "pledgeLimitCents");

    [Fact]
    public void adding_a_municipality_twice_is_idempotent_and_with_other_details_a_conflict()
    {
        var roetgen = new Municipality("roetgen", "Roetgen", null);
        var add = new AddMunicipality("freude-schenken-2021", roetgen, Samples.Now);
        var spec = Spec.Appeal().Given(Samples.AppealOpened());
        spec.When(add).Then(new MunicipalityAdded("freude-schenken-2021", roetgen, Samples.Now));

        spec.Given(new MunicipalityAdded("freude-schenken-2021", roetgen, Samples.Now));
        spec.When(add).ThenNothing();
        spec.When(add with { Municipality = roetgen with { Name = "X" } }).ThenRefused(RefusalKind.Conflict);
        spec.State!.Municipalities.Select(m => m.Id).ShouldBe(["stolberg", "eschweiler", "roetgen"]);
    }

    [Fact]
    public void closing_twice_closes_once()
    {
        var close = new CloseAppeal("freude-schenken-2021", "Ende", Samples.Now);
        var spec = Spec.Appeal().Given(Samples.AppealOpened());
        spec.When(close).Then(new AppealClosed("freude-schenken-2021", "Ende", Samples.Now));
        spec.Given(new AppealClosed("freude-schenken-2021", "Ende", Samples.Now)).When(close).ThenNothing();
        spec.State!.IsClosed.ShouldBeTrue();
    }

    [Fact]
    public void a_purpose_is_added_once_and_an_unknown_appeal_is_not_found()
    {
        var feiern = new Purpose("ausflug", "Ausflug", null);
        var add = new AddPurpose("freude-schenken-2021", feiern, Samples.Now);
        Spec.Appeal().When(add).ThenRefused(RefusalKind.NotFound);
        Spec.Appeal().When(new CloseAppeal("freude-schenken-2021", "Ende", Samples.Now)).ThenRefused(RefusalKind.NotFound);
        var spec = Spec.Appeal().Given(Samples.AppealOpened());
        spec.When(add).Then(new PurposeAdded("freude-schenken-2021", feiern, Samples.Now));
        spec.Given(new PurposeAdded("freude-schenken-2021", feiern, Samples.Now)).When(add).ThenNothing();
        spec.When(add with { Purpose = feiern with { Name = "Anders" } }).ThenRefused(RefusalKind.Conflict, "id");
    }

    [Theory]
    [InlineData("2021-07-14", false)]
    [InlineData("2021-07-15", true)]
    [InlineData("2021-12-31", true)]
    [InlineData("2022-01-01", false)]
    public void the_simplified_proof_window_is_inclusive(string paidOn, bool inside)
        => Samples.Appeal().IsInSimplifiedProofWindow(DateOnly.Parse(paidOn, System.Globalization.CultureInfo.InvariantCulture)).ShouldBe(inside);

    [Fact]
    public void stream_ids_are_stable_per_slug()
    {
        // Known answer from an independent RFC 9562 implementation (Python: uuid.uuid5(namespace, "appeal:freude-schenken-2021")):
        // a changed derivation would orphan every stored appeal stream.
        AppealStream.IdFor("freude-schenken-2021").ShouldBe(new Guid("3340ab39-f302-5378-a1d6-12b71777b350"));
        AppealStream.IdFor("freude-schenken-2021").ShouldNotBe(AppealStream.IdFor("freude-schenken-2022"));
        AppealStream.IdFor("x").Version.ShouldBe(5);
    }
}
