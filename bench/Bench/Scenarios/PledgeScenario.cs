using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace FlutHilfe.Bench.Scenarios;

/// <summary>
/// Goal 1 and 8: pledges from 16 connections, interleaved with pgbench inserting the same JSON a pledge stores (one
/// single-row insert per transaction, 16 connections); afterwards every acknowledged pledge is looked up in the store
/// (none lost, none twice), and the pledge path is profiled: PostgreSQL transactions, rows and index scans per pledge
/// (pg_stat_database / pg_stat_user_tables deltas) and CPU per pledge of the service, its PostgreSQL backends and the
/// load client.
/// </summary>
internal static class PledgeScenario
{
    public static async Task RunAsync(SuiteContext c, ScenarioResult r, CancellationToken ct)
    {
        var s = c.Settings;
        await using var lease = await c.ServiceAsync("pledges", ct);
        var schema = c.SchemaFor("pledges");
        var endpoint = Requests.Pledges(lease.Url, s.Appeal);
        using var client = HttpLoad.Client(s.Connections, TimeSpan.FromSeconds(60));
        var rng = new ThreadLocal<Random>(() => new Random(Environment.CurrentManagedThreadId * 7919));
        HttpRequestMessage NextPledge() => Requests.Pledge(endpoint, PledgeBodies.Next(rng.Value!).Body);

        // warm-up (not counted); it also leaves a stored pledge whose JSON the baseline inserts
        var warm = await HttpLoad.RunAsync(client, lease.Url, s.Connections, TimeSpan.FromMinutes(5), s.WarmupRequests, NextPledge,
            (resp, bytes) => Requests.Pledged(resp, bytes, out var e) is null ? e : null, ct);
        if (warm.Ok == 0) throw new InvalidOperationException($"no warm-up pledge succeeded: {string.Join("; ", warm.ErrorSamples)}");
        var pledgeJson = await Db.ScalarAsync<string>(c.Connection,
            $"select data::text from \"{schema}\".mt_events where type = 'donation_pledged' and data ? 'donorId' and data->>'donorId' is not null order by seq_id desc limit 1", ct)
            ?? await Db.ScalarAsync<string>(c.Connection, $"select data::text from \"{schema}\".mt_events where type = 'donation_pledged' order by seq_id desc limit 1", ct)
            ?? throw new InvalidOperationException("no donation_pledged event stored after the warm-up");
        await BaselineTables.CreateAsync(c.Connection, c.BaselineSchema, pledgeJson, ct);
        var script = Path.Combine(s.WorkDir, "pgbench-insert.sql");
        await File.WriteAllTextAsync(script, BaselineTables.InsertScript(c.BaselineSchema, pledgeJson), ct);

        // rounds
        var acknowledged = new ConcurrentBag<Guid>();
        var results = new List<LoadResult>();
        var pgbench = new List<PgBenchResult>();
        var before = await CountPledgedAsync(c.Connection, schema, ct);
        await using var rss = new RssSampler(lease.Service.Pid);
        var (baseline, ours) = await Interleaved.RunAsync(s.Rounds,
            async _ =>
            {
                var b = await PgBench.RunAsync(c.Connection, script, s.Connections, s.RoundDuration, s.PgBenchTransactionsPerClient, ct);
                pgbench.Add(b);
                return b.Tps;
            },
            async _ =>
            {
                var o = await HttpLoad.RunAsync(client, lease.Url, s.Connections, s.RoundDuration, null, NextPledge, (resp, bytes) =>
                {
                    var id = Requests.Pledged(resp, bytes, out var error);
                    if (id is { } g) acknowledged.Add(g);
                    return error;
                }, ct);
                results.Add(o);
                return o.Rate;
            }, "pledges/s");
        var peakRss = rss.PeakKiB;
        var hwm = ProcMemory.Read(lease.Service.Pid).HwmKiB;

        // none lost, none twice
        var after = await CountPledgedAsync(c.Connection, schema, ct);
        var (found, twice, snapshots) = await LookUpAsync(c.Connection, schema, acknowledged.ToArray(), ct);
        var ack = acknowledged.Count;
        var distinct = acknowledged.Distinct().Count();
        var lost = ack - found;
        var duplicated = twice + (ack - distinct);
        var unacknowledged = after - before - ack;
        r.Facts["pledges.acknowledged"] = ack;
        r.Facts["pledges.lost"] = lost;
        r.Facts["pledges.duplicated"] = duplicated;
        r.Facts["pledges.unacknowledged"] = unacknowledged;
        r.Facts["pledges.snapshotsMissing"] = ack - snapshots;
        r.Facts["baseline.transactions"] = pgbench.Sum(p => p.Transactions);
        if (lost != 0) r.Problems.Add($"{lost} acknowledged pledges are not in the store");
        if (duplicated != 0) r.Problems.Add($"{duplicated} pledges stored twice");
        if (ack - snapshots != 0) r.Problems.Add($"{ack - snapshots} acknowledged pledges have no donation snapshot");
        var failed = results.Sum(x => x.Failed);
        if (failed > 0) r.Problems.Add($"{failed} pledge requests failed, e.g. {results.SelectMany(x => x.ErrorSamples).FirstOrDefault()}");

        var latencies = results.SelectMany(x => x.LatenciesMs).Order().ToArray();
        double P(double p) => Stats.Percentile(latencies, p);
        var rate = Stats.Median(ours);
        var tps = Stats.Median(baseline);
        r.Measures.Add(Measure.Rate("1", "pledge intake, 16 connections", rate, "/s", tps, "pgbench single-row insert of a pledge's JSON", 0.4, "≥ 0.4 × baseline"));
        r.Measures.Add(new Measure("1", "pledge latency p50 / p99", P(50), "ms", null, $"p99 {Stats.F(P(99))} ms", P(99) / P(50), "p99 ≤ 3 × p50", P(99) <= 3 * P(50)));
        r.Measures.Add(new Measure("1", "pledges lost / duplicated", lost + duplicated, "", null, $"{ack:N0} acknowledged", null, "0", lost + duplicated == 0));
        r.Measures.Add(new Measure("8", "service memory under the pledge load (peak RSS)", peakRss / 1024.0, "MiB", null, null, null, "< 500 MB", peakRss * 1024.0 < 500e6));
        r.Facts["memory.peakMiB"] = peakRss / 1024.0;

        r.Line($"Rounds: {s.Rounds} × ({(s.PgBenchTransactionsPerClient is { } t ? $"{t} transactions per pgbench client" : $"{s.RoundDuration.TotalSeconds:F0} s")} of pgbench, "
               + $"{s.RoundDuration.TotalSeconds:F1} s of pledges), {s.Connections} connections each, after {warm.Ok} warm-up pledges.");
        r.Line($"pgbench inserts/s per round: {Interleaved.Rounds(baseline)}; pledges/s per round: {Interleaved.Rounds(ours)}.");
        r.Line($"Pledge latency over all rounds ({latencies.Length:N0} answers 201): p50 {Stats.F(P(50))} ms, p90 {Stats.F(P(90))} ms, "
               + $"p99 {Stats.F(P(99))} ms, max {Stats.F(latencies.Length > 0 ? latencies[^1] : double.NaN)} ms; statuses {string.Join("; ", results.Select(x => x.StatusText))}.");
        r.Line($"Body mix as `PledgeBodies` (a third earmarked, 40 % with donor details and `receiptWanted`), a fresh `Idempotency-Key` each. "
               + $"Baseline: `{pgbench.LastOrDefault()?.Command}` with the script `insert into …pledge_events (id, data) values (gen_random_uuid(), convert_from(decode('<the JSON of a stored DonationPledged, base64>', 'base64'), 'UTF8')::jsonb)`.");
        r.Line();
        r.Line($"**None lost, none twice:** {ack:N0} pledges answered 201 in the rounds ({distinct:N0} distinct donation ids); "
               + $"{found:N0} of them have exactly one `donation_pledged` event, {twice} have more than one, {snapshots:N0} have their donation snapshot; "
               + $"the store grew by {after - before:N0} pledges ({unacknowledged:N0} beyond the acknowledged ones: requests that failed or timed out).");
        r.Line();
        r.Line($"**Memory (goal 8):** service peak RSS during the rounds {Stats.F(peakRss / 1024.0, 0)} MiB (sampled every 100 ms), VmHWM since start {ProcMemory.MiB(hwm)} MiB.");

        // profile of the pledge path
        r.Line();
        await ProfileAsync(c, r, lease, schema, client, NextPledge, ct);
        r.Line();
        r.Line($"Service: {lease.Service.LogSummary()}.");
    }

    private static async Task<long> CountPledgedAsync(string connection, string schema, CancellationToken ct)
        => await Db.ScalarAsync<long>(connection, $"select count(*) from \"{schema}\".mt_events where type = 'donation_pledged'", ct);

    private static async Task<(int Found, int Twice, int Snapshots)> LookUpAsync(string connection, string schema, Guid[] ids, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connection);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand($"""
            select count(*) filter (where n = 1), count(*) filter (where n > 1) from (
              select stream_id, count(*) n from "{schema}".mt_events where type = 'donation_pledged' and stream_id = any(@ids) group by stream_id) x
            """, conn) { CommandTimeout = 600 };
        cmd.Parameters.AddWithValue("ids", ids);
        int found, twice;
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            found = (int)reader.GetInt64(0);
            twice = (int)reader.GetInt64(1);
        }
        await using var snap = new NpgsqlCommand($"select count(*) from \"{schema}\".mt_doc_donation where id = any(@ids)", conn) { CommandTimeout = 600 };
        snap.Parameters.AddWithValue("ids", ids);
        var snapshots = (int)(long)(await snap.ExecuteScalarAsync(ct))!;
        return (found + twice, twice, snapshots);
    }

    // --- profile -------------------------------------------------------------------------------------------------

    internal sealed record Snapshot(long Timestamp, Dictionary<string, long> Database, Dictionary<string, long[]> Tables, long ServiceTicks, long BackendTicks, TimeSpan OwnCpu);

    private static readonly string[] DatabaseColumns = ["xact_commit", "xact_rollback", "tup_inserted", "tup_updated", "tup_deleted", "tup_fetched", "blks_hit", "blks_read"];
    internal static readonly string[] TableColumns = ["n_tup_ins", "n_tup_upd", "n_tup_del", "idx_scan", "seq_scan"];

    private static async Task ProfileAsync(SuiteContext c, ScenarioResult r, ServiceLease lease, string schema, HttpClient client, Func<HttpRequestMessage> next, CancellationToken ct)
    {
        var s = c.Settings;
        // PostgreSQL flushes a backend's statistics at most once a second, when it goes idle: wait before reading.
        var flush = TimeSpan.FromSeconds(1.5);
        // The async daemon still works through the rounds' pledges: let the service settle, so the idle window is idle.
        var (idle, waited) = await ProcMemory.WaitIdleAsync(lease.Service.Pid, s.Quick ? TimeSpan.Zero : TimeSpan.FromSeconds(60), ct);
        Log.Info($"  service {(idle ? "idle" : "still busy")} after {waited.TotalSeconds:F0} s; profiling {s.ProfilePledges} pledges");
        await Task.Delay(flush, ct);
        var s0 = await SnapAsync(c.Connection, schema, lease.Service.Pid, ct);
        await Task.Delay(s.ProfileIdle, ct);
        var statements = await Statements.ResetAsync(c.Connection, ct);
        var s1 = await SnapAsync(c.Connection, schema, lease.Service.Pid, ct);
        var load = await HttpLoad.RunAsync(client, lease.Url, s.Connections, TimeSpan.FromMinutes(10), s.ProfilePledges, next,
            (resp, bytes) => Requests.Pledged(resp, bytes, out var e) is null ? e : null, ct);
        await Task.Delay(flush, ct);
        var s2 = await SnapAsync(c.Connection, schema, lease.Service.Pid, ct);
        var n = load.Ok;
        if (n == 0)
        {
            r.Problems.Add("the profile's pledges all failed");
            return;
        }
        var idleSeconds = Stopwatch.GetElapsedTime(s0.Timestamp, s1.Timestamp).TotalSeconds;
        var loadSeconds = Stopwatch.GetElapsedTime(s1.Timestamp, s2.Timestamp).TotalSeconds;
        double PerPledge(Func<Snapshot, double> f) => ((f(s2) - f(s1)) - (f(s1) - f(s0)) / idleSeconds * loadSeconds) / n;
        double Db(string col) => PerPledge(x => x.Database.GetValueOrDefault(col));
        var xacts = Db("xact_commit");
        r.Facts["profile.transactionsPerPledge"] = xacts;
        r.Facts["profile.pledges"] = n;

        var serviceMs = Cpu.TicksToMs(s2.ServiceTicks - s1.ServiceTicks) / n;
        var backendMs = Cpu.TicksToMs(s2.BackendTicks - s1.BackendTicks) / n;
        var ownMs = (s2.OwnCpu - s1.OwnCpu).TotalMilliseconds / n;
        var wallMs = load.Seconds * 1000 / n;
        r.Line($"### Where the time goes: profile of the pledge path");
        r.Line();
        r.Line($"{n:N0} pledges ({s.Connections} connections, {Stats.F(load.Rate)}/s), deltas of `pg_stat_database` (database `{new NpgsqlConnectionStringBuilder(c.Connection).Database}`) "
               + $"and `pg_stat_user_tables` (schema `{schema}`) and of the CPU time in `/proc`, per pledge, minus what an idle window of "
               + $"{Stats.F(idleSeconds, 1)} s just before showed per second (Wolverine's and the daemon's polling)."
               + (statements ? " Statements one by one below (`pg_stat_statements`)." : " `pg_stat_statements` is not loaded on this cluster (`ops/db` loads it "
                   + "when the server starts; a cluster started before needs `ops/db stop; ops/db start`), so statements are not counted one by one."));
        r.Line();
        r.Line("| per pledge | value |");
        r.Line("|---|---:|");
        r.Line($"| PostgreSQL transactions committed (`xact_commit`) | **{Stats.F(xacts, 2)}** |");
        r.Line($"| transactions rolled back | {Stats.F(Db("xact_rollback"), 2)} |");
        r.Line($"| rows inserted / updated / deleted | {Stats.F(Db("tup_inserted"), 1)} / {Stats.F(Db("tup_updated"), 1)} / {Stats.F(Db("tup_deleted"), 1)} |");
        r.Line($"| rows fetched (index and heap) | {Stats.F(Db("tup_fetched"), 1)} |");
        r.Line($"| CPU of the service process | {Stats.F(serviceMs, 2)} ms |");
        r.Line($"| CPU of its PostgreSQL backends (`application_name` {ServiceProcess.ApplicationName}) | {Stats.F(backendMs, 2)} ms |");
        r.Line($"| CPU of the load client (this tool) | {Stats.F(ownMs, 2)} ms |");
        r.Line($"| wall time ÷ pledges at {s.Connections} connections ({Environment.ProcessorCount} cores: {Stats.F(Environment.ProcessorCount * wallMs, 2)} core-ms available) | {Stats.F(wallMs, 2)} ms |");
        r.Line();
        r.Line("Per table (rows written and index scans per pledge; tables with any activity):");
        r.Line();
        r.Line("| table | inserted | updated | deleted | index scans | seq scans |");
        r.Line("|---|---:|---:|---:|---:|---:|");
        foreach (var table in s2.Tables.Keys.Order(StringComparer.Ordinal))
        {
            var v = TableColumns.Select((_, i) => PerPledge(x => x.Tables.TryGetValue(table, out var a) ? a[i] : 0)).ToArray();
            if (v.All(x => Math.Abs(x) < 0.005)) continue;
            r.Line($"| {table} | {string.Join(" | ", v.Select(x => Stats.F(x, 2)))} |");
        }
        if (statements) await Statements.WriteAsync(c.Connection, r, n, "pledge", backendMs, ct);
    }

    internal static async Task<Snapshot> SnapAsync(string connection, string schema, int servicePid, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connection);
        await conn.OpenAsync(ct);
        var database = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var cmd = new NpgsqlCommand($"select {string.Join(", ", DatabaseColumns)} from pg_stat_database where datname = current_database()", conn))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            for (var i = 0; i < DatabaseColumns.Length; i++) database[DatabaseColumns[i]] = reader.GetInt64(i);
        }
        var tables = new Dictionary<string, long[]>(StringComparer.Ordinal);
        await using (var cmd = new NpgsqlCommand($"select relname, {string.Join(", ", TableColumns.Select(t => $"coalesce({t}, 0)"))} from pg_stat_user_tables where schemaname = @schema", conn))
        {
            cmd.Parameters.AddWithValue("schema", schema);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) tables[reader.GetString(0)] = TableColumns.Select((_, i) => reader.GetInt64(i + 1)).ToArray();
        }
        var pids = new List<int>();
        await using (var cmd = new NpgsqlCommand("select pid from pg_stat_activity where application_name = @app", conn))
        {
            cmd.Parameters.AddWithValue("app", ServiceProcess.ApplicationName);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) pids.Add(reader.GetInt32(0));
        }
        var backendTicks = pids.Sum(p => ProcMemory.CpuTicks(p) ?? 0);
        return new Snapshot(Stopwatch.GetTimestamp(), database, tables, ProcMemory.CpuTicks(servicePid) ?? 0, backendTicks, Cpu.Own());
    }
}
