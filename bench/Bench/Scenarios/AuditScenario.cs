using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Projections;
using JasperFx;
using Marten;
using Npgsql;

namespace FlutHilfe.Bench.Scenarios;

/// <summary>
/// Issue 13: over a log of N donation streams (DonationPledged + DonationPaymentReceived each, appended in big batches with
/// the service's inline projections, one writer), a service started on that schema: the NDJSON export of the whole log
/// (events/s, peak RSS of the service while streaming), sealing the hash chain, and `audit verify` through the endpoint
/// and as the command (seconds). No baseline: the figures are for the closing note.
/// </summary>
internal static class AuditScenario
{
    public static async Task RunAsync(SuiteContext c, ScenarioResult r, CancellationToken ct)
    {
        var s = c.Settings;
        var sizes = s.Quick ? [s.AuditStreams] : s.AuditStreams > 50_000 ? new[] { 50_000, s.AuditStreams } : [s.AuditStreams];
        r.Line("| events | generated in s | daemon caught up in s | export events/s | export s | service RSS before / peak during export MiB | seal s | verify (endpoint) s | verify peak RSS MiB | verify (command) s |");
        r.Line("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var streams in sizes) await OneSizeAsync(c, r, streams, ct);
        r.Line();
        r.Line("Each size on a fresh schema: the events are appended by a Marten store with the service's event store settings and every projection "
               + "(inline ones written with the events; one writer, 1,000 streams per session), then the service starts on it (`Audit:SealInterval` 0) and its "
               + "async daemon catches up. Export: one `GET /api/audit/events` read to the end by one client (lines counted), the service's RSS sampled every "
               + "100 ms. Seal: `POST /api/audit/checkpoints` (the whole chain and one signed checkpoint, in one transaction). Verify: `GET /api/audit/verify` "
               + "(chain, every projection replayed and compared, checkpoints), then `dotnet FlutHilfe.Api.dll audit verify` as its own process; both must "
               + "report no difference.");
    }

    private static async Task OneSizeAsync(SuiteContext c, ScenarioResult r, int streams, CancellationToken ct)
    {
        var s = c.Settings;
        var schema = $"{s.SchemaPrefix}_audit";
        await c.DropSchemaAsync(schema, ct);
        var stdout = Console.Out;
        Console.SetOut(Console.Error);
        try
        {
            Log.Info($"  audit: appending {streams * 2:N0} events");
            var generated = await GenerateAsync(c.Connection, schema, streams, s.Appeal, ct);
            var env = ServiceProcess.Environment(c.Connection, schema, null, new Dictionary<string, string> { ["Audit__SealInterval"] = "00:00:00" });
            await using var service = await ServiceProcess.StartAsync(s.ApiDll, c.NextUrl(), env, Path.Combine(s.WorkDir, $"service-audit-{streams}.log"), ct);
            await service.WaitHealthyAsync(TimeSpan.FromMinutes(3), ct);
            var caughtUp = await CaughtUpAsync(c.Connection, schema, ct);
            var events = await Db.ScalarAsync<long>(c.Connection, $"select count(*) from {schema}.mt_events", ct);
            using var client = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
            var auditor = await c.AuditorAsync(ct);
            var treasurer = await c.TreasurerAsync(ct);

            var rssBefore = ProcMemory.Read(service.Pid).RssKiB ?? 0;
            long lines, peak;
            double exportSeconds;
            await using (var sampler = new RssSampler(service.Pid))
            {
                var clock = Stopwatch.StartNew();
                lines = await ExportAsync(client, new Uri(service.Url, "api/audit/events"), auditor, ct);
                exportSeconds = clock.Elapsed.TotalSeconds;
                peak = sampler.PeakKiB;
            }
            if (lines != events) r.Problems.Add($"the export wrote {lines} lines for {events} events");

            var sealClock = Stopwatch.StartNew();
            using (var seal = new HttpRequestMessage(HttpMethod.Post, new Uri(service.Url, "api/audit/checkpoints")) { Content = new StringContent("{}") })
            {
                seal.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                seal.Headers.Authorization = new AuthenticationHeaderValue("Bearer", treasurer);
                using var sealed_ = await client.SendAsync(seal, ct);
                if (!sealed_.IsSuccessStatusCode) r.Problems.Add($"sealing answered {(int)sealed_.StatusCode}: {ApiClient.Snippet(await sealed_.Content.ReadAsStringAsync(ct))}");
            }
            var sealSeconds = sealClock.Elapsed.TotalSeconds;

            double verifySeconds;
            long verifyPeak;
            await using (var sampler = new RssSampler(service.Pid))
            {
                var clock = Stopwatch.StartNew();
                using var verify = new HttpRequestMessage(HttpMethod.Get, new Uri(service.Url, "api/audit/verify"));
                verify.Headers.Authorization = new AuthenticationHeaderValue("Bearer", auditor);
                using var answer = await client.SendAsync(verify, ct);
                var body = await answer.Content.ReadAsStringAsync(ct);
                verifySeconds = clock.Elapsed.TotalSeconds;
                verifyPeak = sampler.PeakKiB;
                if (!answer.IsSuccessStatusCode) r.Problems.Add($"verify answered {(int)answer.StatusCode}: {ApiClient.Snippet(body)}");
                else
                {
                    using var report = JsonDocument.Parse(body);
                    if (!report.RootElement.GetProperty("ok").GetBoolean())
                        r.Problems.Add($"verify found differences: {ApiClient.Snippet(report.RootElement.GetProperty("differences").GetRawText())}");
                    r.Facts[$"audit.{streams}.sealedEvents"] = report.RootElement.GetProperty("sealedEvents").GetInt64();
                }
            }

            var (exitCode, commandSeconds, output) = await CommandAsync(s.ApiDll, c.Connection, schema, ct);
            if (exitCode != 0) r.Problems.Add($"audit verify exited with {exitCode}: {ApiClient.Snippet(output)}");

            r.Line($"| {events:N0} | {Stats.F(generated, 1)} | {Stats.F(caughtUp, 1)} | {Stats.F(events / exportSeconds, 0)} | {Stats.F(exportSeconds, 1)} | "
                   + $"{Stats.F(rssBefore / 1024.0, 0)} / {Stats.F(peak / 1024.0, 0)} | {Stats.F(sealSeconds, 1)} | {Stats.F(verifySeconds, 1)} | {Stats.F(verifyPeak / 1024.0, 0)} | {Stats.F(commandSeconds, 1)} |");
            r.Measures.Add(new Measure("", $"event log export (NDJSON) of {events:N0} events", events / exportSeconds, "events/s"));
            r.Measures.Add(new Measure("", $"peak service RSS while exporting {events:N0} events", peak / 1024.0, "MiB"));
            r.Measures.Add(new Measure("", $"audit verify over {events:N0} events (endpoint)", verifySeconds, "s"));
            r.Measures.Add(new Measure("", $"audit verify over {events:N0} events (command)", commandSeconds, "s"));
            r.Facts[$"audit.{streams}.exportedLines"] = lines;
        }
        finally
        {
            Console.SetOut(stdout);
            await c.DropSchemaAsync(schema, CancellationToken.None);
        }
    }

    private static async Task<long> ExportAsync(HttpClient client, Uri url, string token, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[81920];
        long lines = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, ct)) > 0) lines += buffer.AsSpan(0, read).Count((byte)'\n');
        return lines;
    }

    private static async Task<(int ExitCode, double Seconds, string Output)> CommandAsync(string dll, string connection, string schema, CancellationToken ct)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(dll)!, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { dll, "audit", "verify" }) info.ArgumentList.Add(a);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["ConnectionStrings__FlutHilfe"] = connection;
        info.Environment["Marten__Schema"] = schema;
        info.Environment["DemoData__Seed"] = "false";
        var clock = Stopwatch.StartNew();
        using var p = Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet");
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        return (p.ExitCode, clock.Elapsed.TotalSeconds, await stdout + await stderr);
    }

    /// <summary>Appends the events with every projection of the service (inline ones in the same sessions), one writer so fund balances see every event.</summary>
    private static async Task<double> GenerateAsync(string connection, string schema, int streams, string appeal, CancellationToken ct)
    {
        const int Batch = 1_000;
        var clock = Stopwatch.StartNew();
        using var store = DocumentStore.For(o =>
        {
            o.Connection(connection);
            o.DatabaseSchemaName = schema;
            o.AutoCreateSchemaObjects = AutoCreate.All;
            o.ConfigureEventStore();
            o.AddFlutHilfeProjections();
        });
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var rng = new Random(7_919);
        for (var b = 0; b * Batch < streams; b++)
        {
            await using var session = store.LightweightSession();
            for (var i = b * Batch; i < Math.Min(streams, (b + 1) * Batch); i++)
            {
                var (pledged, received) = RebuildScenario.Donation(i, rng, appeal);
                session.Events.StartStream<Donation>(pledged.DonationId, pledged, received);
            }
            await session.SaveChangesAsync(ct);
            if (b % 50 == 0) Log.Info($"  {Math.Min(streams, (b + 1) * Batch):N0} of {streams:N0} streams after {clock.Elapsed.TotalSeconds:F0} s");
        }
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>Seconds until every async projection of the service has processed the last event.</summary>
    private static async Task<double> CaughtUpAsync(string connection, string schema, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(30))
        {
            var behind = await Db.ScalarAsync<long>(connection, $"""
                select case when (select count(*) from {schema}.mt_event_progression where name like '%:All'
                  and last_seq_id >= (select coalesce(max(seq_id), 0) from {schema}.mt_events)) >= 3 then 0 else 1 end::bigint
                """, ct);
            if (behind == 0) return clock.Elapsed.TotalSeconds;
            await Task.Delay(500, ct);
        }
        throw new TimeoutException("the service's daemon did not catch up within 30 minutes");
    }
}
