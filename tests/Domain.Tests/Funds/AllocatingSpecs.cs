using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Funds;
using FlutHilfe.Domain.Funds.Allocating;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Domain.Tests.Support;

namespace FlutHilfe.Domain.Tests.Funds;

public class AllocatingSpecs
{
    private static readonly Fund General = Fund.General;
    private static readonly Fund Stolberg = new("stolberg", null);
    private static readonly Fund Kita = new(null, "kita-schulmaterial");
    private static readonly Fund StolbergKita = new("stolberg", "kita-schulmaterial");
    private static readonly Fund Eschweiler = new("eschweiler", null);
    private static readonly Fund Feiern = new(null, "weihnachtsfeiern");

    private static AllocateFunds Allocate(long cents, string municipality = "stolberg", string? purpose = null, params Fund[] sources)
        => new(Guid.CreateVersion7(), "freude-schenken-2021", municipality, purpose, new Money(cents), "SI/2021/088", new DateOnly(2021, 12, 10), sources, Samples.Now);

    private static FundHolding Holds(Fund fund, long cents) => new(fund, new Money(cents));

    /// <summary>An allocation decides on the appeal (locked) and what its funds hold; it starts the allocation's stream.</summary>
    private static Decision When(AllocateFunds c, params FundHolding[] holdings)
        => Spec.Appeal().Given(Samples.AppealOpened()).When(appeal => AllocationDecider.Decide(c, appeal, holdings));

    private static FundsAllocated Decide(AllocateFunds c, params FundHolding[] holdings) => (FundsAllocated)When(c, holdings).Single();

    /// <summary>The earmark matrix: which fund may pay for which allocation (DESIGN §3).</summary>
    [Theory]
    [InlineData(null, null, "stolberg", null, true)]
    [InlineData(null, null, "stolberg", "kita-schulmaterial", true)]
    [InlineData("stolberg", null, "stolberg", null, true)]
    [InlineData("stolberg", null, "stolberg", "kita-schulmaterial", true)]
    [InlineData("stolberg", null, "eschweiler", null, false)]
    [InlineData(null, "kita-schulmaterial", "stolberg", "kita-schulmaterial", true)]
    [InlineData(null, "kita-schulmaterial", "stolberg", "weihnachtsfeiern", false)]
    [InlineData(null, "kita-schulmaterial", "stolberg", null, false)]
    [InlineData("stolberg", "kita-schulmaterial", "stolberg", "kita-schulmaterial", true)]
    [InlineData("stolberg", "kita-schulmaterial", "stolberg", null, false)]
    [InlineData("stolberg", "kita-schulmaterial", "eschweiler", "kita-schulmaterial", false)]
    public void earmark_matrix(string? fundMunicipality, string? fundPurpose, string municipality, string? purpose, bool fits)
        => FundSelection.Fits(new Fund(fundMunicipality, fundPurpose), municipality, purpose).ShouldBe(fits);

    [Fact]
    public void the_most_specific_funds_are_drawn_first()
    {
        var allocated = Decide(Allocate(5000, purpose: "kita-schulmaterial"),
            Holds(General, 8000), Holds(Kita, 4000), Holds(Stolberg, 2000), Holds(StolbergKita, 1000), Holds(Eschweiler, 9000), Holds(Feiern, 9000));
        allocated.Draws.Select(d => (d.FundKey, d.Amount.Cents)).ShouldBe([(StolbergKita.Key, 1000L), (Stolberg.Key, 2000L), (Kita.Key, 2000L)]);
    }

    [Fact]
    public void empty_or_overdrawn_funds_are_skipped()
    {
        var allocated = Decide(Allocate(1000), Holds(Stolberg, -500), Holds(General, 1000));
        allocated.Draws.ShouldHaveSingleItem().FundKey.ShouldBe("general");
    }

    [Fact]
    public void not_enough_money_is_refused_with_what_each_fitting_fund_holds()
    {
        var refusal = Should.Throw<InsufficientFundsException>(() => Decide(Allocate(3001), Holds(Stolberg, 1000), Holds(General, 2000), Holds(Eschweiler, 99999)));
        refusal.Fitting.Select(f => f.Fund).ShouldBe([Stolberg, General]);
    }

    [Fact]
    public void explicit_source_funds_are_used_in_the_given_order()
    {
        var allocated = Decide(Allocate(3000, "stolberg", null, General, Stolberg), Holds(Stolberg, 5000), Holds(General, 2000));
        allocated.Draws.Select(d => (d.FundKey, d.Amount.Cents)).ShouldBe([("general", 2000L), ("m:stolberg", 1000L)]);
    }

    [Fact]
    public void an_explicit_source_whose_earmark_forbids_it_is_invalid()
        => Should.Throw<DomainException>(() => Decide(Allocate(100, "stolberg", null, Eschweiler), Holds(Eschweiler, 5000)))
            .Field.ShouldBe("sourceFunds[0]");

    [Fact]
    public void unknown_municipality_or_purpose_is_invalid()
    {
        Should.Throw<DomainException>(() => Decide(Allocate(100, "koeln"), Holds(General, 5000))).Field.ShouldBe("municipalityId");
        Should.Throw<DomainException>(() => Decide(Allocate(100, "stolberg", "fahrraeder"), Holds(General, 5000))).Field.ShouldBe("purposeId");
    }

    [Fact]
    public void draws_always_add_up_to_the_allocation()
    {
        var random = new Random(88);
        var funds = new[] { General, Stolberg, Kita, StolbergKita };
        for (var i = 0; i < 500; i++)
        {
            var holdings = funds.Select(f => Holds(f, random.NextInt64(0, 10_000))).ToArray();
            var amount = random.NextInt64(1, 20_000);
            try
            {
                var allocated = Decide(Allocate(amount, "stolberg", "kita-schulmaterial"), holdings);
                allocated.Draws.Sum(d => d.Amount.Cents).ShouldBe(amount);
                allocated.Draws.ShouldAllBe(d => d.Amount.IsPositive && d.Amount <= holdings.Single(h => h.Fund.Key == d.FundKey).Available);
            }
            catch (InsufficientFundsException)
            {
                holdings.Sum(h => Math.Max(0, h.Available.Cents)).ShouldBeLessThan(amount);
            }
        }
    }
}
