namespace FlutHilfe.Api.Tests.Appeals;

public sealed class ReplayLimitFixture : AppFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["PublicFigures:ReplaysPerMinutePerClient"] = "2" };
}

/// <summary>Public replays of history (asOf) are rate-limited per address; current figures and staff are not.</summary>
public class ReplayLimitTests(ReplayLimitFixture app) : IClassFixture<ReplayLimitFixture>
{
    [Theory]
    [InlineData("totals")]
    [InlineData("transparency")]
    public async Task anonymous_replays_beyond_the_limit_get_429_while_current_figures_and_staff_do_not(string view)
    {
        await app.ResetAsync();
        await app.OpenAppealAsync();
        var asOf = $"/api/appeals/freude-schenken-2021/{view}?asOf=2021-12-01T00:00:00Z";
        var address = view == "totals" ? "203.0.113.10" : "203.0.113.11";
        async Task<int> Get(string url, string? token = null, string ip = "")
            => (await app.Host.Scenario(s =>
            {
                s.Get.Url(url);
                s.ConfigureHttpContext(c => c.Connection.RemoteIpAddress = System.Net.IPAddress.Parse(ip.Length > 0 ? ip : address));
                if (token is not null) s.WithBearer(token);
                s.IgnoreStatusCode();
            })).Context.Response.StatusCode;

        (await Get(asOf)).ShouldBe(200);
        (await Get(asOf)).ShouldBe(200);
        (await Get(asOf)).ShouldBe(429);
        (await Get(asOf, ip: "198.51.100.20")).ShouldBe(200);
        (await Get($"/api/appeals/freude-schenken-2021/{view}")).ShouldBe(200);
        (await Get(asOf, app.Token("auditor"))).ShouldBe(200);
    }
}
