using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using FlutHilfe.Bench.Scenarios;

namespace FlutHilfe.Bench.Drills;

/// <summary>
/// <c>kill-deadlines</c>: a restart in the middle of the deadline queue. The service runs with its deadline clock 11 days
/// ahead (every unpaid pledge is due for its reminder) and a sweep every second, but its mail server accepts connections
/// and never answers (the first mail hangs in its greeting). N pledges with an e-mail address are made; the sweep decides
/// their reminders (the fact and the mail message in one commit) and the mail messages wait in the durable queue
/// "deadline-mail" (sequential). Once every reminder is decided and mail messages wait, the service gets SIGKILL; the
/// mail server comes up (the same address now forwards to an SMTP sink) and the service is started again. Then: every queued mail message was handled after the restart, each reminder decided once
/// and mailed exactly once (no mail could leave before the kill), the inbox drained, no dead letter.
/// </summary>
internal static class DeadlineKillDrill
{
    public static async Task<DrillRun> RunAsync(DrillSettings s, int number, CancellationToken ct)
    {
        var run = new DrillRun("kill-deadlines", number) { LoadBefore = DrillReport.Load() };
        var schema = $"{s.SchemaPrefix}_deadlines";
        var probe = new StoreProbe(s.Connection, schema);
        var url = new Uri($"http://127.0.0.1:{s.Port}/");
        using var sink = new MailSink();
        using var relay = new SilentRelay(sink.Port); // silent until the restart
        var smtpPort = relay.Port;
        var env = ServiceProcess.Environment(s.Connection, schema, smtpPort, new Dictionary<string, string>(s.ServiceSettings)
        {
            ["Deadlines__DrillClockOffset"] = "11.00:00:00",
            ["Deadlines__SweepInterval"] = "00:00:01",
        });
        await KillDrill.DropSchemaAsync(s.Connection, schema, ct);
        var tag = Guid.NewGuid().ToString("N")[..8];
        ServiceProcess? service = await KillDrill.StartAsync(s, url, env, $"drill-kill-deadlines-{number}-a.log", ct);
        try
        {
            // 1. pledges with an address, never paid
            var pledges = new ConcurrentBag<(Guid Id, string Email)>();
            using (var client = HttpLoad.Client(s.Connections, TimeSpan.FromSeconds(60)))
            {
                var next = -1;
                var load = await HttpLoad.RunAsync(client, url, s.Connections, TimeSpan.FromMinutes(5), s.Reminders, () =>
                {
                    var i = Interlocked.Increment(ref next);
                    var email = $"due-{tag}-{i}@example.org";
                    var request = Requests.Pledge(Requests.Pledges(url, s.Appeal),
                        new PledgeBody(2_500, null, new DonorBody($"Käthe Brückner {i}", "Wilhelmstraße 7", "52070", "Aachen", "DE", email), false));
                    request.Options.Set(new HttpRequestOptionsKey<string>("email"), email);
                    return request;
                }, (resp, bytes) =>
                {
                    if (resp.StatusCode != HttpStatusCode.Created) return $"{(int)resp.StatusCode} {HttpLoad.Snippet(bytes)}";
                    using var json = JsonDocument.Parse(bytes);
                    resp.RequestMessage!.Options.TryGetValue(new HttpRequestOptionsKey<string>("email"), out var email);
                    pledges.Add((json.RootElement.GetProperty("donationId").GetGuid(), email!));
                    return null;
                }, ct);
                if (pledges.Count != s.Reminders) throw new InvalidOperationException($"only {pledges.Count} of {s.Reminders} pledges were made: {load.ErrorSamples.FirstOrDefault()}");
            }
            var ids = pledges.Select(p => p.Id).ToArray();
            run.Figure("pledges", ids.Length);

            // 2. every reminder decided, its mail message waiting (the mail server is down), then SIGKILL
            var decided = await Waiting.UntilAsync(async () =>
                await RemindedAsync(probe, ids, ct) == ids.Length && await WaitingMailsAsync(probe, ct) > 0,
                TimeSpan.FromMinutes(3), TimeSpan.FromMilliseconds(100), ct);
            if (decided is null) throw new InvalidOperationException($"the reminders were not all decided within 3 minutes ({await RemindedAsync(probe, ids, ct)} of {ids.Length})");
            var waiting = await WaitingMailsAsync(probe, ct);
            run.Figure("reminders decided before kill", await RemindedAsync(probe, ids, ct));
            run.Figure("mail messages queued at kill", waiting);
            await service.KillAsync();
            var killed = Stopwatch.StartNew();
            await service.DisposeAsync();
            service = null;

            // 3. the mail server comes up, the service starts again
            relay.Open();
            service = await KillDrill.StartAsync(s, url, env, $"drill-kill-deadlines-{number}-b.log", ct);
            run.Figure("kill → healthy s", killed.Elapsed.TotalSeconds);
            var settled = await Waiting.UntilAsync(async () =>
            {
                if (sink.RemindersFor(tag).Count < ids.Length) return false;
                var (inbox, outbox, _, _) = await probe.QueuesAsync(ct);
                return inbox == 0 && outbox == 0;
            }, s.SettleCap, TimeSpan.FromMilliseconds(250), ct);
            run.Figure("kill → every mail s", settled is null ? null : killed.Elapsed.TotalSeconds);
            run.Check(settled is not null, $"not every reminder mail arrived within {s.SettleCap.TotalSeconds:F0} s after the restart ({sink.RemindersFor(tag).Count} of {ids.Length})");
            await Task.Delay(TimeSpan.FromSeconds(2), ct); // a late second mail would arrive now

            // 4. invariants
            var perStream = await probe.RowsAsync("select stream_id, count(*) from {s}.mt_events where type = 'unpaid_pledge_reminded' and stream_id = any(@ids) group by 1",
                r => (r.GetGuid(0), r.GetInt64(1)), ct, ("ids", ids));
            var twice = perStream.Count(x => x.Item2 > 1);
            run.Figure("reminders", perStream.Sum(x => x.Item2));
            run.Figure("reminders twice", twice);
            run.Check(perStream.Count == ids.Length, $"{ids.Length - perStream.Count} pledges were never reminded");
            run.Check(twice == 0, $"{twice} pledges were reminded twice");
            var mails = sink.RemindersFor(tag);
            var mailsTwice = mails.Count(m => m.Value > 1);
            var missing = pledges.Count(p => !mails.ContainsKey(p.Email));
            run.Figure("reminder mails", mails.Count);
            run.Figure("reminder mails lost / twice", $"{missing}/{mailsTwice}");
            run.Check(missing == 0, $"{missing} reminder mails were lost");
            // nothing left before the kill (the server was down), so exactly once, not merely at least once
            run.Check(mailsTwice == 0, $"{mailsTwice} reminder mails arrived twice");
            var (inboxAfter, outboxAfter, dead, projectionDead) = await probe.QueuesAsync(ct);
            run.Figure("inbox/outbox/dead letters", $"{inboxAfter}/{outboxAfter}/{dead + projectionDead}");
            run.Check(inboxAfter == 0 && outboxAfter == 0, $"Wolverine's inbox ({inboxAfter}) or outbox ({outboxAfter}) is not drained");
            run.Check(dead + projectionDead == 0, $"{dead} Wolverine dead letters, {projectionDead} projection dead letters");
            run.Figure("service fail lines", service.FailLines);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            run.Failures.Add($"the drill stopped: {e.GetType().Name}: {e.Message}");
        }
        finally
        {
            if (service is not null) await service.DisposeAsync();
            run.LoadAfter = DrillReport.Load();
        }
        return run;
    }

    private static Task<long> RemindedAsync(StoreProbe probe, Guid[] ids, CancellationToken ct) => probe.CountAsync(
        "select count(distinct stream_id) from {s}.mt_events where type = 'unpaid_pledge_reminded' and stream_id = any(@ids)", ct, ("ids", ids));

    /// <summary>Reminder mail messages in the durable inbox (waiting, being retried or scheduled for a retry).</summary>
    private static Task<long> WaitingMailsAsync(StoreProbe probe, CancellationToken ct) => probe.CountAsync(
        "select count(*) from {s}.wolverine_incoming_envelopes where status <> 'Handled' and replace(lower(message_type), '_', '') like '%mailpledgereminder%'", ct);
}

/// <summary>
/// A TCP relay on loopback: while closed it accepts connections and never answers (an SMTP client waits for the greeting);
/// once opened it forwards new connections to <c>127.0.0.1:target</c>.
/// </summary>
internal sealed class SilentRelay : IDisposable
{
    private readonly System.Net.Sockets.TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<System.Net.Sockets.TcpClient> _held = [];
    private volatile bool _open;

    public SilentRelay(int target)
    {
        _listener.Start();
        _ = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                System.Net.Sockets.TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or System.Net.Sockets.SocketException)
                {
                    return;
                }
                _held.Add(client);
                if (!_open) continue;
                _ = Task.Run(async () =>
                {
                    try
                    {
                        using var upstream = new System.Net.Sockets.TcpClient();
                        await upstream.ConnectAsync(IPAddress.Loopback, target, _stop.Token);
                        var a = client.GetStream();
                        var b = upstream.GetStream();
                        await Task.WhenAny(a.CopyToAsync(b, _stop.Token), b.CopyToAsync(a, _stop.Token));
                    }
                    catch (Exception e) when (e is IOException or OperationCanceledException or System.Net.Sockets.SocketException or ObjectDisposedException)
                    {
                    }
                    finally
                    {
                        client.Dispose();
                    }
                });
            }
        });
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public void Open() => _open = true;

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        foreach (var c in _held) c.Dispose();
        _stop.Dispose();
    }
}
