using System.Diagnostics;
using System.Net;

namespace FlutHilfe.Bench.Scenarios;

/// <summary>Goal 9: from a pledge's 201 to the public appeal totals counting it (one client, no other load).</summary>
internal static class FreshnessScenario
{
    public static async Task RunAsync(SuiteContext c, ScenarioResult r, CancellationToken ct)
    {
        var s = c.Settings;
        await using var lease = await c.ServiceAsync("freshness", ct);
        using var client = HttpLoad.Client(2, TimeSpan.FromSeconds(30));
        var endpoint = Requests.Pledges(lease.Url, s.Appeal);
        var delays = new List<double>();
        for (var i = 0; i < s.FreshnessSamples; i++)
        {
            var before = await Requests.TotalsPledgesAsync(client, lease.Url, s.Appeal, ct);
            using var request = Requests.Pledge(endpoint, new PledgeBody(1000 + i, null, null, false));
            using var response = await client.SendAsync(request, ct);
            var acknowledged = Stopwatch.GetTimestamp();
            if (response.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException($"a pledge answered {(int)response.StatusCode}");
            var timeout = TimeSpan.FromSeconds(60);
            while (await Requests.TotalsPledgesAsync(client, lease.Url, s.Appeal, ct) <= before)
            {
                if (Stopwatch.GetElapsedTime(acknowledged) > timeout) throw new InvalidOperationException($"the totals did not count a pledge within {timeout.TotalSeconds:F0} s");
                await Task.Delay(5, ct);
            }
            delays.Add(Stopwatch.GetElapsedTime(acknowledged).TotalMilliseconds);
            await Task.Delay(TimeSpan.FromMilliseconds(100 + Random.Shared.Next(200)), ct); // not in step with the daemon's polling
        }
        var sorted = delays.Order().ToArray();
        var p50 = Stats.Percentile(sorted, 50);
        r.Measures.Add(new Measure("9", "freshness: pledge 201 → totals count it, p50", p50, "ms", null, $"p90 {Stats.F(Stats.Percentile(sorted, 90), 0)} ms", null, "< 250 ms", p50 < 250));
        r.Facts["freshness.p50"] = p50;
        r.Line($"{delays.Count} pledges one after another (no other load), 100–300 ms apart; after each 201 the public totals "
               + "(`GET /api/appeals/{id}/totals`) are polled every 5 ms until they count it.");
        r.Line();
        r.Line($"Delays (ms): p50 {Stats.F(p50, 0)}, p90 {Stats.F(Stats.Percentile(sorted, 90), 0)}, min {Stats.F(sorted[0], 0)}, max {Stats.F(sorted[^1], 0)}; "
               + $"all: {string.Join(", ", delays.Select(d => Stats.F(d, 0)))}.");
    }
}
