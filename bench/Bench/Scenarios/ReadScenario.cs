using System.Net;

namespace FlutHilfe.Bench.Scenarios;

/// <summary>Goal 2: the public appeal, totals and transparency reads against pgbench point selects by primary key.</summary>
internal static class ReadScenario
{
    public static async Task RunAsync(SuiteContext c, ScenarioResult r, CancellationToken ct)
    {
        var s = c.Settings;
        await using var lease = await c.ServiceAsync("reads", ct);
        var schema = c.SchemaFor("reads");
        using var client = HttpLoad.Client(s.Connections, TimeSpan.FromSeconds(60));
        var appeal = Uri.EscapeDataString(s.Appeal);

        // The totals document the service keeps is what the baseline reads by primary key (10,000 copies of it).
        var document = await WaitForTotalsDocumentAsync(c, schema, ct);
        await BaselineTables.CreateAsync(c.Connection, c.BaselineSchema, document, ct);
        var script = Path.Combine(s.WorkDir, "pgbench-point-select.sql");
        await File.WriteAllTextAsync(script, BaselineTables.PointSelectScript(c.BaselineSchema), ct);

        (string What, string Path)[] reads =
        [
            ("GET /api/appeals/{id} (appeal)", $"api/appeals/{appeal}"),
            ("GET /api/appeals/{id}/totals", $"api/appeals/{appeal}/totals"),
            ("GET /api/appeals/{id}/transparency", $"api/appeals/{appeal}/transparency"),
        ];
        r.Line($"Rounds: {s.Rounds} × (pgbench point select, then the read), {s.Connections} connections each; "
               + $"{(s.PgBenchTransactionsPerClient is { } t ? $"{t} pgbench transactions per client" : $"{s.RoundDuration.TotalSeconds:F0} s each")}, reads {s.RoundDuration.TotalSeconds:F1} s. "
               + $"Baseline script: `\\set id random(1, {BaselineTables.PointRows})` `select data from …documents where id = :id` over {BaselineTables.PointRows:N0} rows holding the appeal's totals document ({document.Length:N0} bytes of JSON).");
        r.Line();
        r.Line("| read | answers/s per round | p50 ms | p99 ms | pgbench selects/s per round | statuses |");
        r.Line("|---|---|---:|---:|---|---|");
        var failed = 0;
        foreach (var (what, path) in reads)
        {
            var url = new Uri(lease.Url, path);
            var results = new List<LoadResult>();
            var (baseline, ours) = await Interleaved.RunAsync(s.Rounds,
                async _ => (await PgBench.RunAsync(c.Connection, script, s.Connections, s.RoundDuration, s.PgBenchTransactionsPerClient, ct)).Tps,
                async _ =>
                {
                    var o = await HttpLoad.RunAsync(client, lease.Url, s.Connections, s.RoundDuration, null, () => new HttpRequestMessage(HttpMethod.Get, url),
                        (resp, bytes) => resp.StatusCode == HttpStatusCode.OK ? null : $"{(int)resp.StatusCode} {HttpLoad.Snippet(bytes)}", ct);
                    results.Add(o);
                    return o.Rate;
                }, what);
            failed += results.Sum(x => x.Failed);
            var latencies = results.SelectMany(x => x.LatenciesMs).Order().ToArray();
            r.Measures.Add(Measure.Rate("2", what, Stats.Median(ours), "/s", Stats.Median(baseline), "pgbench point select by primary key", 0.5, "≥ 0.5 × baseline"));
            r.Line($"| {what} | {Interleaved.Rounds(ours)} | {Stats.F(Stats.Percentile(latencies, 50))} | {Stats.F(Stats.Percentile(latencies, 99))} | "
                   + $"{Interleaved.Rounds(baseline)} | {string.Join("; ", results.Select(x => x.StatusText))} |");
            r.Facts[$"reads.{path.Split('/')[^1]}"] = Stats.Median(ours);
        }
        if (failed > 0) r.Problems.Add($"{failed} read requests did not answer 200");
        r.Line();
        r.Line($"Service: {lease.Service.LogSummary()}.");
    }

    private static async Task<string> WaitForTotalsDocumentAsync(SuiteContext c, string schema, CancellationToken ct)
    {
        for (var i = 0; i < 300; i++)
        {
            try
            {
                var json = await Db.ScalarAsync<string>(c.Connection, $"select data::text from \"{schema}\".mt_doc_appealtotals where id = @id", ct, ("id", c.Settings.Appeal));
                if (json is not null) return json;
            }
            catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.UndefinedTable)
            {
            }
            await Task.Delay(100, ct);
        }
        throw new InvalidOperationException("the appeal totals document did not appear within 30 s");
    }
}
