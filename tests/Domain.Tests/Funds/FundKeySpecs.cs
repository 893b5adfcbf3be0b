using FlutHilfe.Domain.Funds;

namespace FlutHilfe.Domain.Tests.Funds;

public class FundKeySpecs
{
    public static TheoryData<string?, string?, string> Funds => new()
    {
        { null, null, "general" },
        { "stolberg", null, "m:stolberg" },
        { null, "weihnachtsfeiern", "p:weihnachtsfeiern" },
        { "stolberg", "weihnachtsfeiern", "m:stolberg/p:weihnachtsfeiern" },
    };

    [Theory]
    [MemberData(nameof(Funds))]
    public void a_fund_and_its_key_map_both_ways(string? municipality, string? purpose, string key)
    {
        var fund = new Fund(municipality, purpose);
        fund.Key.ShouldBe(key);
        Fund.FromKey(key).ShouldBe(fund);
    }
}
