using System.Diagnostics;
using System.Net;

namespace FlutHilfe.Bench.Scenarios;

/// <summary>
/// Goals 7 and 9b: process start → first 200 of /health → first 201 pledge, and how long after that first /health 200
/// the public totals show the demo figures, for the published build in the Production environment. Full mode: one start
/// on an empty schema first (reported, not counted), then restarts on that schema.
/// </summary>
internal static class ColdStartScenario
{
    public sealed record Sample(double HealthMs, double PledgeMs, double DemoAfterHealthMs);

    public static async Task RunAsync(SuiteContext c, ScenarioResult r, CancellationToken ct)
    {
        var s = c.Settings;
        var schema = c.SchemaFor("coldstart");
        Sample? empty = null;
        if (!s.Quick)
        {
            await c.DropSchemaAsync(schema, ct);
            // A deployment applies the database changes first (the service does not migrate at start-up in Production).
            await ServiceProcess.RunCommandAsync(s.ApiDll, ServiceProcess.ProductionEnvironment(c.Connection, schema, null, new Uri("http://127.0.0.1")), ct, "resources", "setup");
            empty = await MeasureAsync(c, schema, "service-coldstart-0.log", ct);
        }
        var samples = new List<Sample>();
        if (s.Quick && c.SharedStart is { } shared) samples.Add(shared);
        else for (var i = 1; i <= s.ColdRuns; i++) samples.Add(await MeasureAsync(c, schema, $"service-coldstart-{i}.log", ct));

        var pledge = Stats.Median(samples.Select(x => x.PledgeMs).ToList());
        var demo = Stats.Median(samples.Select(x => x.DemoAfterHealthMs).ToList());
        r.Measures.Add(new Measure("7", "cold start: process start → first 201 pledge", pledge / 1000, "s", Target: "≤ 2 s", Met: pledge <= 2000));
        r.Measures.Add(new Measure("9", "cold start: first /health 200 → demo figures in the totals", demo / 1000, "s", Target: "≤ 2 s", Met: demo <= 2000));
        r.Facts["coldstart.pledgeMs"] = pledge;
        r.Facts["coldstart.demoMs"] = demo;

        r.Line(s.Quick && c.SharedStart is not null
            ? "Quick mode: the start of the service the other scenarios shared (`ASPNETCORE_ENVIRONMENT=Development`, the Release build), on an empty schema; "
              + "/health polled every 20 ms, then one pledge sent until it answers 201, then the public totals polled until they count a pledge (the demo data)."
            : "`dotnet FlutHilfe.Api.dll` as production runs it: the build of `ops/publish` (Wolverine's handler code generated ahead of time and loaded "
              + "statically, ReadyToRun), `ASPNETCORE_ENVIRONMENT=Production` with secrets of its own (`Auth__SigningKey`, `Receipts__VerificationKey`), "
              + "`PublicBaseUrl`, `Receipts__TaxOfficeNoticeDate`, demo data on (`DemoData__Seed=true`); the database changes applied before by "
              + "`dotnet FlutHilfe.Api.dll resources setup` (a deployment's migration step, not timed). Started by the tool; /health polled every 20 ms, "
              + "then one pledge sent until it answers 201, then the public totals polled until they count a pledge (the demo data); the process is killed. "
              + $"Median of {samples.Count} restarts on the schema `{schema}`" + (empty is null ? "." : ", after one start on an empty schema (reported, not counted)."));
        r.Line();
        r.Line("| run | → /health 200 ms | → first pledge 201 ms | /health 200 → demo figures ms |");
        r.Line("|---|---:|---:|---:|");
        if (empty is not null) r.Line($"| empty schema (not counted) | {Stats.F(empty.HealthMs, 0)} | {Stats.F(empty.PledgeMs, 0)} | {Stats.F(empty.DemoAfterHealthMs, 0)} |");
        for (var i = 0; i < samples.Count; i++)
            r.Line($"| restart {i + 1} | {Stats.F(samples[i].HealthMs, 0)} | {Stats.F(samples[i].PledgeMs, 0)} | {Stats.F(samples[i].DemoAfterHealthMs, 0)} |");
        r.Line($"| **median** | **{Stats.F(Stats.Median(samples.Select(x => x.HealthMs).ToList()), 0)}** | **{Stats.F(pledge, 0)}** | **{Stats.F(demo, 0)}** |");
    }

    private static async Task<Sample> MeasureAsync(SuiteContext c, string schema, string logName, CancellationToken ct)
    {
        var url = c.NextUrl();
        var env = ServiceProcess.ProductionEnvironment(c.Connection, schema, c.Smtp.Port, url);
        await using var service = await ServiceProcess.StartAsync(c.Settings.ApiDll, url, env, Path.Combine(c.Settings.WorkDir, logName), ct);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(TimeSpan.FromMinutes(3));
        await service.WaitHealthyAsync(TimeSpan.FromMinutes(3), cts.Token);
        return await AfterHealthyAsync(service, c.Settings.Appeal, cts.Token);
    }

    /// <summary>For a service that just answered /health 200: the first 201 pledge, then the demo figures in the totals.</summary>
    public static async Task<Sample> AfterHealthyAsync(ServiceProcess service, string appeal, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(TimeSpan.FromMinutes(3));
        var health = service.HealthyAfter!.Value.TotalMilliseconds;
        var healthAt = Stopwatch.GetTimestamp();
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var endpoint = Requests.Pledges(service.Url, appeal);
        while (true)
        {
            using var request = Requests.Pledge(endpoint, new PledgeBody(2500, null, null, false));
            using var response = await client.SendAsync(request, cts.Token);
            if (response.StatusCode == HttpStatusCode.Created) break;
            if (service.Exited || (int)response.StatusCode is >= 400 and < 500)
                throw new InvalidOperationException($"the first pledge answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cts.Token)}");
            await Task.Delay(Health.PollInterval, cts.Token);
        }
        var pledge = Stopwatch.GetElapsedTime(service.StartedTimestamp).TotalMilliseconds;
        // The demo pledges, and the one just sent: the totals count at least one once the daemon has caught up.
        while (await Requests.TotalsPledgesAsync(client, service.Url, appeal, cts.Token) == 0) await Task.Delay(Health.PollInterval, cts.Token);
        var demo = Stopwatch.GetElapsedTime(healthAt).TotalMilliseconds;
        Log.Info($"  /health {health:F0} ms, first pledge {pledge:F0} ms, demo figures {demo:F0} ms after /health");
        return new Sample(health, pledge, demo);
    }
}
