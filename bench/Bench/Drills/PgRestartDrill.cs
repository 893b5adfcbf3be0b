using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using FlutHilfe.Bench.Scenarios;

namespace FlutHilfe.Bench.Drills;

/// <summary>
/// PostgreSQL restart under load: the service runs on a private cluster; workers pledge back to back (client timeout
/// 10 s) and a prober asks <c>/health/ready</c> every 200 ms; PostgreSQL is stopped (<c>pg_ctl stop -m fast</c>) for
/// the outage and started again. Invariants: no answer other than 201 or a 503 problem with <c>Retry-After</c>, no
/// request past the client timeout, readiness 503 during the outage and 200 again after it without any help, every
/// 201 pledge in the store.
/// </summary>
internal static class PgRestartDrill
{
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(10);

    private sealed record Outcome(double At, string Status, bool RetryAfter, Guid? DonationId);

    public static async Task<DrillRun> RunAsync(DrillSettings s, int number, CancellationToken ct)
    {
        var run = new DrillRun("pg-restart", number) { LoadBefore = DrillReport.Load() };
        ServiceProcess? service = null;
        PrivateCluster? cluster = null;
        try
        {
            cluster = await PrivateCluster.CreateAsync(s.PgBinDir, s.PrivatePgPort, ct);
            var connection = cluster.Connection("drill");
            var url = new Uri($"http://127.0.0.1:{s.Port}/");
            service = await KillDrill.StartAsync(s, url, ServiceProcess.Environment(connection, $"{s.SchemaPrefix}_pg", null, s.ServiceSettings), $"drill-pg-restart-{number}.log", ct);

            var outcomes = new ConcurrentQueue<Outcome>();
            var health = new ConcurrentQueue<(double At, int Status)>();
            var clock = Stopwatch.StartNew();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            using var client = HttpLoad.Client(s.Connections + 1, ClientTimeout);
            var endpoint = Requests.Pledges(url, s.Appeal);
            var workers = Enumerable.Range(0, s.Connections).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    using var request = Requests.Pledge(endpoint, new PledgeBody(5000, null, null, false));
                    try
                    {
                        using var response = await client.SendAsync(request, stop.Token);
                        var bytes = await response.Content.ReadAsByteArrayAsync(stop.Token);
                        var id = Requests.Pledged(response, bytes, out string? _);
                        outcomes.Enqueue(new Outcome(clock.Elapsed.TotalSeconds, ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture),
                            response.Headers.RetryAfter is not null, id));
                        if (response.StatusCode != HttpStatusCode.Created) await Task.Delay(100, stop.Token); // a client honouring the 503 a little
                    }
                    catch (OperationCanceledException) when (stop.IsCancellationRequested)
                    {
                        return;
                    }
                    catch (TaskCanceledException)
                    {
                        outcomes.Enqueue(new Outcome(clock.Elapsed.TotalSeconds, "client-timeout", false, null));
                    }
                    catch (HttpRequestException e)
                    {
                        outcomes.Enqueue(new Outcome(clock.Elapsed.TotalSeconds, "connection-error " + e.HttpRequestError, false, null));
                    }
                }
            }, CancellationToken.None)).ToArray();
            var prober = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        using var response = await client.GetAsync(new Uri(url, "health/ready"), stop.Token);
                        health.Enqueue((clock.Elapsed.TotalSeconds, (int)response.StatusCode));
                        await Task.Delay(200, stop.Token);
                    }
                    catch (OperationCanceledException) when (stop.IsCancellationRequested)
                    {
                        return;
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                    {
                        health.Enqueue((clock.Elapsed.TotalSeconds, 0));
                    }
                }
            }, CancellationToken.None);

            await Task.Delay(s.LoadBefore, ct);
            var stoppedAt = clock.Elapsed.TotalSeconds;
            await cluster.StopAsync(ct);
            var downAt = clock.Elapsed.TotalSeconds;
            await Task.Delay(s.Outage, ct);
            await cluster.StartAsync(ct);
            var upAt = clock.Elapsed.TotalSeconds;
            await Task.Delay(s.LoadAfter, ct);
            await stop.CancelAsync();
            await Task.WhenAll(workers);
            await prober;

            var all = outcomes.ToList();
            var created = all.Where(o => o.DonationId is not null).ToList();
            var during = all.Where(o => o.At >= downAt && o.At <= upAt).ToList();
            var refusedCleanly = all.Count(o => o.Status == "503" && o.RetryAfter);
            var bad = all.Where(o => o.Status != "201" && !(o.Status == "503" && o.RetryAfter)).ToList();
            var firstAfter = created.Where(o => o.At > upAt).Select(o => o.At - upAt).DefaultIfEmpty(double.NaN).Min();
            var healthDuring = health.Where(h => h.At >= downAt + 3 && h.At <= upAt).ToList();
            var healthReadyAgain = health.Where(h => h.At > upAt && h.Status == 200).Select(h => h.At - upAt).DefaultIfEmpty(double.NaN).Min();
            var lastHealth = health.LastOrDefault();

            run.Figure("pledges sent", all.Count);
            run.Figure("201", created.Count);
            run.Figure("503 + Retry-After", refusedCleanly);
            run.Figure("other answers", bad.Count == 0 ? "0" : string.Join(", ", bad.GroupBy(b => b.Status).Select(g => $"{g.Key}×{g.Count()}")));
            run.Figure("pledges during outage", during.Count);
            run.Figure("stop s", downAt - stoppedAt);
            run.Figure("ready 503 during outage", $"{healthDuring.Count(h => h.Status == 503)}/{healthDuring.Count}");
            run.Figure("up → ready s", healthReadyAgain);
            run.Figure("up → first 201 s", firstAfter);
            run.Check(bad.Count == 0, $"{bad.Count} answers were neither 201 nor a 503 with Retry-After: {string.Join(", ", bad.GroupBy(b => b.Status).Select(g => $"{g.Key}×{g.Count()}"))}");
            run.Check(during.Count > 0 && during.All(o => o.Status == "503"), "no pledge was refused during the outage (or one got another answer)");
            run.Check(healthDuring.Count > 0 && healthDuring.All(h => h.Status == 503), "/health/ready did not answer 503 throughout the outage");
            run.Check(lastHealth.Status == 200 && double.IsFinite(healthReadyAgain), "/health/ready did not answer 200 again after the restart");
            run.Check(double.IsFinite(firstAfter), "no pledge succeeded after the restart");

            // every acknowledged pledge is stored
            var ids = created.Select(o => o.DonationId!.Value).ToArray();
            var probe = new StoreProbe(cluster.DrillConnection("drill"), $"{s.SchemaPrefix}_pg");
            var stored = await probe.CountAsync("select count(*) from {s}.mt_streams where id = any(@ids)", ct, ("ids", ids));
            run.Figure("201 lost", ids.Length - stored);
            run.Check(stored == ids.Length, $"{ids.Length - stored} acknowledged pledges are not in the store");
            var (inbox, outbox, dead, projectionDead) = await probe.QueuesAsync(ct);
            run.Figure("dead letters", dead + projectionDead);
            run.Check(dead + projectionDead == 0, $"{dead + projectionDead} dead letters");
            run.Figure("service fail lines", service.FailLines);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            run.Failures.Add($"the drill stopped: {e.GetType().Name}: {e.Message}");
        }
        finally
        {
            if (service is not null) await service.DisposeAsync();
            if (cluster is not null) await cluster.DisposeAsync();
            run.LoadAfter = DrillReport.Load();
        }
        return run;
    }
}
