using System.Net;

namespace FlutHilfe.Bench.Scenarios;

/// <summary>Goal 3: GET /health against an unknown path (404) on the same service; the OpenAPI document's rate.</summary>
internal static class HealthScenario
{
    public static async Task RunAsync(SuiteContext c, ScenarioResult r, CancellationToken ct)
    {
        var s = c.Settings;
        await using var lease = await c.ServiceAsync("health", ct);
        using var client = HttpLoad.Client(s.Connections, TimeSpan.FromSeconds(60));

        Task<LoadResult> Load(string path, params HttpStatusCode[] expected) => HttpLoad.RunAsync(client, lease.Url, s.Connections, s.RoundDuration, null,
            () => new HttpRequestMessage(HttpMethod.Get, new Uri(lease.Url, path)),
            (resp, bytes) => expected.Contains(resp.StatusCode) ? null : $"{(int)resp.StatusCode} {HttpLoad.Snippet(bytes)}", ct);

        var health = new List<LoadResult>();
        var unknown = new List<LoadResult>();
        var (baseline, ours) = await Interleaved.RunAsync(s.Rounds,
            async _ =>
            {
                var b = await Load("api/bench/no-such-path", HttpStatusCode.NotFound, HttpStatusCode.Unauthorized);
                unknown.Add(b);
                return b.Rate;
            },
            async _ =>
            {
                var o = await Load("health", HttpStatusCode.OK);
                health.Add(o);
                return o.Rate;
            }, "GET /health");
        r.Measures.Add(Measure.Rate("3", "GET /health", Stats.Median(ours), "/s", Stats.Median(baseline), "unknown path, same service", 0.5, "≥ 0.5 × baseline"));

        var openapi = new List<LoadResult>();
        for (var i = 0; i < s.Rounds; i++) openapi.Add(await Load("openapi/v1.json", HttpStatusCode.OK));
        var docRate = Stats.Median(openapi.Select(o => o.Rate).ToList());
        r.Measures.Add(new Measure("3", "GET /openapi/v1.json", docRate, "/s", null, "– (the goal: built once)", null, "built once", null));
        r.Facts["health.rate"] = Stats.Median(ours);
        r.Facts["health.baseline"] = Stats.Median(baseline);
        r.Facts["openapi.rate"] = docRate;

        var failed = health.Concat(unknown).Concat(openapi).Sum(x => x.Failed);
        if (failed > 0) r.Problems.Add($"{failed} requests got another answer than expected, e.g. {health.Concat(unknown).Concat(openapi).SelectMany(x => x.ErrorSamples).FirstOrDefault()}");
        double P50(List<LoadResult> x) => Stats.Percentile(x.SelectMany(l => l.LatenciesMs).Order().ToArray(), 50);
        r.Line("The baseline is the service's own pipeline without an endpoint: an anonymous `GET /api/bench/no-such-path`, which the fallback "
               + "authorization policy answers 401 (with a token it would be 404 after validating the token, which /health does not do). An API path, "
               + "because a page path (`/bench/no-such-path`) now answers with the rendered German 404 page, a much slower baseline.");
        r.Line($"Rounds: {s.Rounds} × ({s.RoundDuration.TotalSeconds:F1} s of `GET /api/bench/no-such-path`, {s.RoundDuration.TotalSeconds:F1} s of `GET /health`), "
               + $"{s.Connections} connections; then {s.Rounds} × {s.RoundDuration.TotalSeconds:F1} s of `GET /openapi/v1.json`.");
        r.Line();
        r.Line("| request | answers/s per round | p50 ms | statuses |");
        r.Line("|---|---|---:|---|");
        r.Line($"| GET /api/bench/no-such-path (unknown path) | {Interleaved.Rounds(baseline)} | {Stats.F(P50(unknown))} | {string.Join("; ", unknown.Select(x => x.StatusText))} |");
        r.Line($"| GET /health | {Interleaved.Rounds(ours)} | {Stats.F(P50(health))} | {string.Join("; ", health.Select(x => x.StatusText))} |");
        r.Line($"| GET /openapi/v1.json | {Interleaved.Rounds(openapi.Select(o => o.Rate))} | {Stats.F(P50(openapi))} | {string.Join("; ", openapi.Select(x => x.StatusText))} |");
        r.Line();
        r.Line($"Service: {lease.Service.LogSummary()}.");
    }
}
