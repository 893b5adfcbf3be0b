using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Appeals.Closing;
using FlutHilfe.Domain.Appeals.Extending;
using FlutHilfe.Domain.Appeals.Opening;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Domain.Tests.Support;

namespace FlutHilfe.Domain.Tests.Appeals;

public class AppealSpecs
{
    private static Spec<Appeal> Spec() => new(Samples.Evolve);

    [Fact]
    public void opening_a_new_appeal_records_every_fact()
    {
        var events = Spec().When(s => OpeningDecision.Decide(Samples.OpenAppeal(), s, Samples.Now));
        var opened = events.ShouldHaveSingleItem().ShouldBeOfType<AppealOpened>();
        opened.AppealId.ShouldBe("freude-schenken-2021");
        opened.OpenedAt.ShouldBe(Samples.Now);
        opened.Municipalities.Count.ShouldBe(2);
    }

    [Fact]
    public void opening_it_again_decides_nothing()
        => Spec().Given(Samples.AppealOpened()).Then(s => OpeningDecision.Decide(Samples.OpenAppeal(), s, Samples.Now));

    [Fact]
    public void opening_another_appeal_under_the_same_id_is_a_conflict()
        => Spec().Given(Samples.AppealOpened())
            .ThenRefused(s => OpeningDecision.Decide(Samples.OpenAppeal() with { Title = "Anders" }, s, Samples.Now), RefusalKind.Conflict);

    [Fact]
    public void a_window_that_ends_before_it_starts_is_refused()
        => Spec().ThenRefused(s => OpeningDecision.Decide(
            Samples.OpenAppeal() with { SimplifiedProof = new SimplifiedProofWindow(new DateOnly(2021, 12, 31), new DateOnly(2021, 7, 1)) },
            s, Samples.Now), RefusalKind.Invalid, "simplifiedProof.to");

    [Fact]
    public void a_window_without_special_account_is_refused()
        => Spec().ThenRefused(s => OpeningDecision.Decide(Samples.OpenAppeal() with { IsDisasterSpecialAccount = false }, s, Samples.Now),
            RefusalKind.Invalid, "simplifiedProof");

    [Fact]
    public void duplicate_municipalities_are_refused()
        => Spec().ThenRefused(s => OpeningDecision.Decide(
            Samples.OpenAppeal() with { Municipalities = [new Municipality("stolberg", "A", null), new Municipality("stolberg", "B", null)] },
            s, Samples.Now), RefusalKind.Invalid, "municipalities");

    [Theory]
    [InlineData(0)]
    [InlineData(100_000_000_000)]
    public void a_pledge_limit_outside_the_epc_range_is_refused(long cents)
        => Spec().ThenRefused(s => OpeningDecision.Decide(Samples.OpenAppeal(new Money(cents)), s, Samples.Now), RefusalKind.Invalid, "pledgeLimitCents");

    [Fact]
    public void adding_a_municipality_twice_is_idempotent_and_with_other_details_a_conflict()
    {
        var roetgen = new Municipality("roetgen", "Roetgen", null);
        var spec = Spec().Given(Samples.AppealOpened());
        var added = spec.When(s => ExtendingDecision.Decide(new AddMunicipality("freude-schenken-2021", roetgen), s!, Samples.Now));
        added.ShouldBe([new MunicipalityAdded("freude-schenken-2021", roetgen, Samples.Now)]);

        spec.Given(added[0]);
        spec.Then(s => ExtendingDecision.Decide(new AddMunicipality("freude-schenken-2021", roetgen), s!, Samples.Now));
        spec.ThenRefused(s => ExtendingDecision.Decide(new AddMunicipality("freude-schenken-2021", roetgen with { Name = "X" }), s!, Samples.Now), RefusalKind.Conflict);
        spec.State!.Municipalities.Select(m => m.Id).ShouldBe(["stolberg", "eschweiler", "roetgen"]);
    }

    [Fact]
    public void closing_twice_closes_once()
    {
        var spec = Spec().Given(Samples.AppealOpened());
        var closed = spec.When(s => ClosingDecision.Decide(new CloseAppeal("freude-schenken-2021", "Ende"), s!, Samples.Now));
        closed.ShouldHaveSingleItem().ShouldBeOfType<AppealClosed>();
        spec.Given(closed[0]).Then(s => ClosingDecision.Decide(new CloseAppeal("freude-schenken-2021", "Ende"), s!, Samples.Now));
        spec.State!.IsClosed.ShouldBeTrue();
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
