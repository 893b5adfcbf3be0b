using System.Text.Json;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace FlutHilfe.Api.Tests.Appeals;

/// <summary>The async daemon's polling slowed to 10 minutes: only the wake-up sent by a commit can bring the public totals up to date.</summary>
public sealed class SlowPollingFixture : AppFixture
{
    protected override void ConfigureServices(IServiceCollection services)
        => services.ConfigureMarten(o =>
        {
            o.Projections.FastPollingTime = TimeSpan.FromMinutes(10);
            o.Projections.SlowPollingTime = TimeSpan.FromMinutes(10);
        });
}

/// <summary>
/// Freshness of the public figures (issue 14, goal 9): a commit that appends events wakes the async daemon through
/// PostgreSQL LISTEN/NOTIFY (<c>DaemonWakeup</c>) instead of leaving it to
/// the next poll. With polling slowed to 10 minutes, the totals still count a pledge: nothing but the wake-up can have
/// moved them (the daemon's own watchdog restarts a silent loop only after 30 s, past this test's bound).
/// </summary>
public class FreshnessTests(SlowPollingFixture app) : IClassFixture<SlowPollingFixture>, IAsyncLifetime
{
    private const string Totals = "/api/appeals/freude-schenken-2021/totals";

    public async ValueTask InitializeAsync() => await app.ResetAsync();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<int?> PledgesCounted()
    {
        var result = await app.Host.Scenario(s =>
        {
            s.Get.Url(Totals);
            s.IgnoreStatusCode();
        });
        return result.Context.Response.StatusCode == 200
            ? (await result.ReadAsJsonAsync<JsonElement>()).GetProperty("pledges").GetInt32()
            : null;
    }

    /// <summary>Polls the public totals until they count <paramref name="pledges"/>; false after 15 s (a liveness bound, not a speed figure).</summary>
    private async Task<bool> TotalsCount(int pledges)
    {
        var until = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < until)
        {
            if (await PledgesCounted() == pledges) return true;
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
        return false;
    }

    [Fact]
    public async Task the_public_totals_count_a_pledge_without_waiting_for_the_daemons_next_poll()
    {
        await app.OpenAppealAsync();
        (await TotalsCount(0)).ShouldBeTrue("the opened appeal never reached the totals: the commit did not wake the daemon");

        await app.PledgeAsync(new { amountCents = 2_500 });
        (await TotalsCount(1)).ShouldBeTrue("the pledge never reached the totals: the commit did not wake the daemon");

        await app.PledgeAsync(new { amountCents = 1_000 });
        (await TotalsCount(2)).ShouldBeTrue("the second pledge never reached the totals");
    }
}
