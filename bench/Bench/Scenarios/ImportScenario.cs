using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using FlutHilfe.TestSupport;
using FlutHilfe.Domain.Shared;
using Npgsql;
using NpgsqlTypes;

namespace FlutHilfe.Bench.Scenarios;

/// <summary>
/// Goal 4: camt.053 imports of growing size (half the transactions pay a pledge by its RF reference, half carry an RF
/// nobody pledged), each on a freshly started service so its peak memory is the import's, then the same file again
/// (all duplicates). Baseline: a raw Npgsql binary COPY of as many rows, just before each import.
/// </summary>
internal static class ImportScenario
{
    private const string Iban = "DE89370400440532013000";

    private sealed record Row(int Transactions, double CopySeconds, string Status, double Seconds, long? PeakKiB, string Answer,
        string ReStatus, double? ReSeconds, long? RePeakKiB, string ReAnswer, bool Answered, int Matched, int Duplicates);

    public static async Task RunAsync(SuiteContext c, ScenarioResult r, CancellationToken ct)
    {
        var s = c.Settings;
        var schema = c.SchemaFor("import");
        var sizes = s.ImportSizes.Order().ToArray();
        var token = await c.TreasurerAsync(ct);

        // 1. the pledges to pay: plain ones (no receipt wanted, so no receipts are issued in the background afterwards)
        var needed = sizes.Sum(n => n / 2);
        List<(string Reference, long Cents)> pledges;
        double pledgeSeconds;
        await using (var lease = await c.ServiceAsync("import", ct))
        {
            (pledges, pledgeSeconds) = await CreatePledgesAsync(lease.Url, s, needed, ct);
            r.Line($"Set-up, not measured: {pledges.Count:N0} plain pledges through the API in {Stats.F(pledgeSeconds, 0)} s "
                   + $"({Stats.F(pledges.Count / pledgeSeconds, 0)}/s, {s.Connections} connections).");
        }
        if (pledges.Count < needed) throw new InvalidOperationException($"only {pledges.Count} of {needed} pledges were created");

        await Db.ExecuteAsync(c.Connection, $"create schema if not exists {c.BaselineSchema}; create table if not exists {c.BaselineSchema}.copy_rows "
                                            + "(id uuid not null, reference text not null, amount_cents bigint not null, booked_on date not null, data jsonb not null)", ct);

        // 2. per size: COPY (baseline), then the import and the re-import on a fresh service
        var rows = new List<Row>();
        var offset = 0;
        (int N, PledgeScenario.Snapshot Before, PledgeScenario.Snapshot After, double Seconds, string Load, bool Traced, string Log)? profile = null;
        var statements = false;
        IReadOnlyList<string> statementLines = [];
        foreach (var n in sizes)
        {
            var slice = pledges.Skip(offset).Take(n / 2).ToList();
            offset += n / 2;
            var file = Path.Combine(s.WorkDir, $"import-{n}.xml");
            var bytes = WriteStatement(file, n, slice);
            var copy = await CopyAsync(c.Connection, c.BaselineSchema, n, ct);
            Log.Info($"  COPY {n:N0} rows: {copy:F2} s");
            await using var lease = s.Quick ? await c.ServiceAsync("import", ct) : new ServiceLease(await c.StartAsync(schema, $"service-import-{n}.log", ct), owned: true);
            var pid = lease.Service.Pid;
            var cap = s.ImportCap;
            ProcMemory.ResetPeak(pid);
            var profiled = n == sizes[^1] && !s.Quick;
            PledgeScenario.Snapshot? before = null;
            Process? tracer = null;
            var traceDir = Environment.GetEnvironmentVariable("BENCH_TRACE_DIR");
            if (profiled)
            {
                await Task.Delay(TimeSpan.FromSeconds(1.5), ct); // PostgreSQL flushes a backend's statistics when it goes idle
                statements = await Statements.ResetAsync(c.Connection, ct);
                before = await PledgeScenario.SnapAsync(c.Connection, schema, pid, ct);
                if (!string.IsNullOrEmpty(traceDir))
                {
                    tracer = Process.Start(new ProcessStartInfo("dotnet-trace", ["collect", "-p", pid.ToString(CultureInfo.InvariantCulture), "-o", Path.Combine(traceDir, $"import-{n}.nettrace"),
                        "--duration", TimeSpan.FromSeconds(double.TryParse(Environment.GetEnvironmentVariable("BENCH_TRACE_SECONDS"), CultureInfo.InvariantCulture, out var ts) ? ts : 120).ToString(@"dd\:hh\:mm\:ss", CultureInfo.InvariantCulture)])
                        { UseShellExecute = false }); // its progress goes to our own output (a redirected, unread pipe would fill and stall it)
                    await Task.Delay(TimeSpan.FromSeconds(3), ct);
                }
            }
            var firstLoad = Machine.LoadAverage();
            var first = await PostAsync(lease.Url, file, token, cap, ct);
            var firstPeak = ProcMemory.Read(pid).HwmKiB;
            if (tracer is not null)
            {
                // dotnet-trace stops after its --duration (BENCH_TRACE_SECONDS, 120 s from just before the upload): neither Enter on
                // a redirected stdin nor SIGINT (ignored in a background job) stops it reliably.
                await tracer.WaitForExitAsync(ct);
                Log.Info($"  trace of the import of {n:N0} written to {traceDir}");
            }
            if (before is not null)
            {
                await Task.Delay(TimeSpan.FromSeconds(1.5), ct);
                var after = await PledgeScenario.SnapAsync(c.Connection, schema, pid, ct);
                profile = (n, before, after, first.Seconds, firstLoad + " → " + Machine.LoadAverage(), tracer is not null, lease.Service.LogPath);
                if (statements)
                    statementLines = await Statements.LinesAsync(c.Connection, n, "transaction of the file", Cpu.TicksToMs(after.BackendTicks - before.BackendTicks) / n, ct);
            }
            Log.Info($"  import {n:N0}: {first.Status} after {first.Seconds:F1} s, peak {ProcMemory.MiB(firstPeak)} MiB");
            var row = new Row(n, copy, first.Status, first.Seconds, firstPeak, first.Answer, "not run", null, null, "", first.Ok,
                first.Json?.GetProperty("matched").GetInt32() ?? 0, 0);
            if (first.Ok)
            {
                await ProcMemory.WaitIdleAsync(pid, s.Quick ? TimeSpan.Zero : TimeSpan.FromMinutes(2), ct);
                ProcMemory.ResetPeak(pid);
                var again = await PostAsync(lease.Url, file, token, cap, ct);
                var againPeak = ProcMemory.Read(pid).HwmKiB;
                Log.Info($"  re-import {n:N0}: {again.Status} after {again.Seconds:F1} s");
                row = row with
                {
                    ReStatus = again.Status, ReSeconds = again.Seconds, RePeakKiB = againPeak, ReAnswer = again.Answer,
                    Duplicates = again.Json?.GetProperty("duplicates").GetInt32() ?? 0,
                };
                if (!again.Ok) r.Problems.Add($"the re-import of {n:N0} answered {again.Status}");
                else if (row.Duplicates != n) r.Problems.Add($"the re-import of {n:N0} saw {row.Duplicates} duplicates");
            }
            else if (first.Status.StartsWith("did not answer", StringComparison.Ordinal))
            {
                r.Line($"The import of {n:N0} did not answer within {cap.TotalSeconds:F0} s: the service was stopped (the import is one transaction, so nothing of it stays).");
            }
            else
            {
                r.Problems.Add($"the import of {n:N0} answered {first.Status}: {first.Answer}");
            }
            if (first.Ok && row.Matched != slice.Count) r.Problems.Add($"the import of {n:N0} matched {row.Matched}, expected {slice.Count}");
            r.Facts[$"import.{n}.seconds"] = first.Ok ? first.Seconds : double.NaN;
            r.Facts[$"import.{n}.reimportSeconds"] = row.ReSeconds ?? double.NaN;
            r.Facts[$"import.{n}.copySeconds"] = copy;
            rows.Add(row);
            r.Line($"Statement of {n:N0}: {bytes / 1e6:F1} MB. Service: {lease.Service.LogSummary()}.");
            File.Delete(file);
        }

        // 3. figures
        r.Line();
        r.Line("| transactions | COPY s (baseline) | import | import s | transactions/s | import ÷ COPY time | peak RSS MiB | re-import (duplicates) | re-import s | peak RSS MiB |");
        r.Line("|---:|---:|---|---:|---:|---:|---:|---|---:|---:|");
        foreach (var x in rows)
            r.Line($"| {x.Transactions:N0} | {Stats.F(x.CopySeconds, 2)} | {x.Status} | {(x.Answered ? Stats.F(x.Seconds, 1) : "–")} | "
                   + $"{(x.Answered ? Stats.F(x.Transactions / x.Seconds, 0) : "–")} | {(x.Answered ? Stats.F(x.Seconds / x.CopySeconds, 0) + "×" : "–")} | "
                   + $"{ProcMemory.MiB(x.PeakKiB)} | {x.ReStatus} | {(x.ReSeconds is { } rs ? Stats.F(rs, 1) : "–")} | {ProcMemory.MiB(x.RePeakKiB)} |");
        r.Line();
        foreach (var x in rows.Where(x => x.Answered)) r.Line($"- {x.Transactions:N0}: `{x.Answer}`; again: `{x.ReAnswer}`");
        r.Line();
        r.Line($"Each import: `POST /api/bank-statements` (`application/xml`, treasurer token, no `Idempotency-Key`) of one camt.053.001.08 "
               + $"(`CamtWriter.Write053v08`) to {Iban}; even positions pay a pledge by its RF reference and amount, odd ones carry an RF nobody pledged; "
               + $"no payer name or IBAN. Wall time from the first byte sent to the answer read, capped at {s.ImportCap.TotalSeconds:F0} s. "
               + "Peak RSS: VmHWM of the service process, reset (`/proc/PID/clear_refs`) before each import"
               + (s.Quick ? " (quick mode: one service for all sizes)." : "; each size on a service started for it.")
               + " Baseline: Npgsql binary COPY of as many rows (uuid, RF reference, amount, date, a small JSON) into a table without indexes.");

        if (profile is { } prof) WriteProfile(r, prof.N, prof.Before, prof.After, prof.Seconds, prof.Load, prof.Traced, prof.Log);
        foreach (var line in statementLines) r.Line(line);

        // goal 4 figures
        for (var i = 0; i + 1 < rows.Count; i++)
        {
            var (a, b) = (rows[i], rows[i + 1]);
            if (b.Transactions != 10 * a.Transactions) continue;
            var ratio = a.Answered && b.Answered ? b.Seconds / a.Seconds : double.NaN;
            r.Measures.Add(new Measure("4", $"import time, {b.Transactions:N0} ÷ {a.Transactions:N0} transactions", ratio, "×",
                b.CopySeconds / a.CopySeconds, "COPY time, same sizes", double.NaN, "≤ 12× for 10× the transactions", double.IsFinite(ratio) ? ratio <= 12 : false));
        }
        foreach (var x in rows)
        {
            r.Measures.Add(new Measure("4", $"import of {x.Transactions:N0} (half paying pledges)" + (x.Answered ? "" : $": {x.Status}"), x.Answered ? x.Seconds : double.NaN, "s",
                x.CopySeconds, "raw COPY of as many rows", x.Answered ? x.CopySeconds / x.Seconds : null,
                x.Transactions >= 100_000 ? "≤ 60 s" : "", x.Transactions >= 100_000 ? x.Answered && x.Seconds <= 60 : null));
            if (x.Transactions >= 100_000 || s.Quick)
            {
                r.Measures.Add(new Measure("4", $"peak service memory, import of {x.Transactions:N0}" + (x.Answered ? "" : " (when stopped, still importing)"), x.PeakKiB is { } k ? k / 1024.0 : double.NaN, "MiB",
                    Target: "< 1 GiB", Met: x.PeakKiB is { } p ? x.Answered && p < 1024 * 1024 : null));
                r.Measures.Add(new Measure("4", $"re-import of {x.Transactions:N0} (all duplicates)" + (x.ReSeconds is null ? ": not run (the import did not answer)" : ""), x.ReSeconds ?? double.NaN, "s",
                    Target: "≤ 10 s", Met: x.ReSeconds is { } rs ? rs <= 10 : (x.Transactions >= 100_000 ? false : null)));
            }
        }
    }

    /// <summary>Where the time of the largest import goes: database deltas per write transaction, CPU, the service's own phase line.</summary>
    private static void WriteProfile(ScenarioResult r, int n, PledgeScenario.Snapshot a, PledgeScenario.Snapshot b, double seconds, string load, bool traced, string logPath)
    {
        var batches = (n + 999) / 1000 + 1; // bookings of 1,000 per transaction (BankStatements:ImportBatchSize), the statements last
        double Db(string col) => b.Database.GetValueOrDefault(col) - a.Database.GetValueOrDefault(col);
        var phases = File.Exists(logPath)
            ? File.ReadLines(logPath).LastOrDefault(l => l.Contains("Import of", StringComparison.Ordinal) && l.Contains("written in", StringComparison.Ordinal))?.Trim() ?? "–"
            : "–";
        r.Line();
        r.Line($"### Profile of the largest import, database side ({n:N0} transactions)");
        r.Line();
        r.Line($"Deltas of `pg_stat_database` and `pg_stat_user_tables` from just before the import of {n:N0} to 1.5 s after its answer ({Stats.F(seconds, 1)} s"
               + $"{(traced ? ", with dotnet-trace attached" : "")}; load average {load}); everything the service did meanwhile counts (the async daemon "
               + $"projecting the new events included). Written in about {batches} transactions of at most 1,000 bookings. The service's own phase line: `{phases}`.");
        r.Line();
        r.Line("| whole import | total | per write transaction | per transaction of the file |");
        r.Line("|---|---:|---:|---:|");
        foreach (var col in new[] { "xact_commit", "xact_rollback", "tup_inserted", "tup_updated", "tup_deleted", "tup_fetched" })
            r.Line($"| `{col}` | {Db(col):N0} | {Stats.F(Db(col) / batches, 1)} | {Stats.F(Db(col) / n, 2)} |");
        r.Line($"| CPU of the service process | {Stats.F(Cpu.TicksToMs(b.ServiceTicks - a.ServiceTicks) / 1000, 1)} s | | {Stats.F(Cpu.TicksToMs(b.ServiceTicks - a.ServiceTicks) / n, 2)} ms |");
        r.Line($"| CPU of its PostgreSQL backends | {Stats.F(Cpu.TicksToMs(b.BackendTicks - a.BackendTicks) / 1000, 1)} s | | {Stats.F(Cpu.TicksToMs(b.BackendTicks - a.BackendTicks) / n, 2)} ms |");
        r.Line();
        r.Line("| table | inserted | updated | deleted | index scans | seq scans |");
        r.Line("|---|---:|---:|---:|---:|---:|");
        foreach (var table in b.Tables.Keys.Order(StringComparer.Ordinal))
        {
            var v = PledgeScenario.TableColumns.Select((_, i) => (b.Tables.TryGetValue(table, out var x) ? x[i] : 0) - (a.Tables.TryGetValue(table, out var y) ? y[i] : 0)).ToArray();
            if (v.All(x => x == 0)) continue;
            r.Line($"| {table} | {string.Join(" | ", v.Select(x => x.ToString("N0", CultureInfo.InvariantCulture)))} |");
        }
        r.Line();
    }

    internal static async Task<(List<(string, long)>, double)> CreatePledgesAsync(Uri url, SuiteSettings s, int count, CancellationToken ct)
    {
        var created = new ConcurrentBag<(string, long)>();
        var endpoint = Requests.Pledges(url, s.Appeal);
        var rng = new ThreadLocal<Random>(() => new Random(31 * Environment.CurrentManagedThreadId));
        using var client = HttpLoad.Client(s.Connections, TimeSpan.FromSeconds(60));
        var clock = Stopwatch.StartNew();
        Log.Info($"  creating {count:N0} plain pledges for the imports");
        var result = await HttpLoad.RunAsync(client, url, s.Connections, TimeSpan.FromHours(1), count,
            () => Requests.Pledge(endpoint, PledgeBodies.Next(rng.Value!).Body with { Donor = null, ReceiptWanted = false }),
            (resp, bytes) =>
            {
                if (resp.StatusCode != HttpStatusCode.Created) return $"{(int)resp.StatusCode} {HttpLoad.Snippet(bytes)}";
                using var json = JsonDocument.Parse(bytes);
                created.Add((json.RootElement.GetProperty("reference").GetString()!, json.RootElement.GetProperty("amountCents").GetInt64()));
                return null;
            }, ct);
        if (result.Failed > 0) Log.Info($"  {result.Failed} pledges failed, e.g. {result.ErrorSamples.FirstOrDefault()}");
        return (created.ToList(), clock.Elapsed.TotalSeconds);
    }

    private static long WriteStatement(string file, int n, List<(string Reference, long Cents)> pledges)
    {
        var rng = new Random(4242 + n);
        var bookings = new GeneratedCredit[n];
        var paid = 0;
        Span<byte> guid = stackalloc byte[16];
        for (var i = 0; i < n; i++)
        {
            var date = new DateOnly(2021, 7, 20).AddDays(i * 150 / n);
            if (i % 2 == 0 && paid < pledges.Count)
            {
                var (reference, cents) = pledges[paid++];
                bookings[i] = new GeneratedCredit(cents, date, StructuredReference: reference);
            }
            else
            {
                rng.NextBytes(guid);
                bookings[i] = new GeneratedCredit(rng.Next(4) == 0 ? rng.NextInt64(100, 250_001) : 5000, date, StructuredReference: CreditorReference.FromGuid(new Guid(guid)).Value);
            }
        }
        using (var stream = File.Create(file))
            CamtWriter.Write053v08(stream, $"BENCH-{n}-{Guid.NewGuid():N}"[..30], Iban, bookings, new CamtWriterOptions { Indent = false });
        return new FileInfo(file).Length;
    }

    /// <summary>Seconds for a binary COPY of <paramref name="n"/> rows (into an emptied table).</summary>
    public static async Task<double> CopyAsync(string connection, string schema, int n, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connection);
        await conn.OpenAsync(ct);
        await using (var truncate = new NpgsqlCommand($"truncate {schema}.copy_rows", conn)) await truncate.ExecuteNonQueryAsync(ct);
        var rng = new Random(n);
        var g = new byte[16];
        var clock = Stopwatch.StartNew();
        await using (var writer = await conn.BeginBinaryImportAsync($"copy {schema}.copy_rows (id, reference, amount_cents, booked_on, data) from stdin (format binary)", ct))
        {
            for (var i = 0; i < n; i++)
            {
                rng.NextBytes(g);
                var id = new Guid(g);
                var reference = CreditorReference.FromGuid(id).Value;
                var cents = rng.NextInt64(100, 250_001);
                var date = new DateOnly(2021, 7, 20).AddDays(i % 150);
                await writer.StartRowAsync(ct);
                await writer.WriteAsync(id, NpgsqlDbType.Uuid, ct);
                await writer.WriteAsync(reference, NpgsqlDbType.Text, ct);
                await writer.WriteAsync(cents, NpgsqlDbType.Bigint, ct);
                await writer.WriteAsync(date, NpgsqlDbType.Date, ct);
                await writer.WriteAsync($"{{\"amountCents\":{cents.ToString(CultureInfo.InvariantCulture)},\"reference\":\"{reference}\",\"bookedOn\":\"{date:yyyy-MM-dd}\",\"status\":\"unmatched\"}}", NpgsqlDbType.Jsonb, ct);
            }
            await writer.CompleteAsync(ct);
        }
        return clock.Elapsed.TotalSeconds;
    }

    internal sealed record Posted(bool Ok, string Status, double Seconds, string Answer, JsonElement? Json);

    internal static async Task<Posted> PostAsync(Uri url, string file, string token, TimeSpan cap, CancellationToken ct)
    {
        using var client = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(cap);
        var clock = Stopwatch.StartNew();
        try
        {
            await using var stream = File.OpenRead(file);
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(url, "api/bank-statements")) { Content = new StreamContent(stream, 1 << 20) };
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/xml");
            request.Content.Headers.ContentLength = stream.Length;
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            using var response = await client.SendAsync(request, cts.Token);
            var body = await response.Content.ReadAsStringAsync(cts.Token);
            var seconds = clock.Elapsed.TotalSeconds;
            if (response.StatusCode != HttpStatusCode.OK) return new Posted(false, ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture), seconds, ApiClient.Snippet(body), null);
            using var json = JsonDocument.Parse(body);
            return new Posted(true, "200", seconds, JsonSerializer.Serialize(json.RootElement), json.RootElement.Clone());
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new Posted(false, $"did not answer within {cap.TotalSeconds:F0} s", clock.Elapsed.TotalSeconds, "", null);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return new Posted(false, $"{e.GetType().Name}: {e.Message}", clock.Elapsed.TotalSeconds, "", null);
        }
    }
}
