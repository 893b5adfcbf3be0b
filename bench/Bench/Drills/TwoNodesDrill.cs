using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using FlutHilfe.Bench.Scenarios;
using FlutHilfe.TestSupport;

namespace FlutHilfe.Bench.Drills;

/// <summary>
/// Two service processes (Wolverine durability in its default Balanced mode: leader election, agents distributed over the
/// nodes) on one database schema. Both take pledges; a statement paying receipt-wanted pledges is imported through node
/// A. Every 250 ms the drill reads Wolverine's node and assignment tables: every agent (each asynchronous projection, the
/// durability agent that recovers the durable queues' envelopes, the leader) is assigned to exactly one live node. Then
/// the node holding the leadership gets SIGKILL while receipts are being issued and mailed; the drill measures how long
/// until the survivor owns every agent the dead node had, and until it has caught up (projections, inbox, receipts).
/// </summary>
internal static class TwoNodesDrill
{
    private static readonly TimeSpan TakeoverGoal = TimeSpan.FromSeconds(30);
    private static readonly HttpRequestOptionsKey<string> EmailKey = new("email");

    public static async Task<DrillRun> RunAsync(DrillSettings s, int number, CancellationToken ct)
    {
        var run = new DrillRun("two-nodes", number) { LoadBefore = DrillReport.Load() };
        var schema = $"{s.SchemaPrefix}_nodes";
        var probe = new StoreProbe(s.Connection, schema);
        using var sink = new MailSink();
        // Deadline work due during the drill: the deadline clock 11 days ahead (every unpaid pledge is due for its reminder,
        // Deadlines:PledgeReminderDays = 10) and a sweep every 5 s on each node. (A sweep queues every due item that is not yet
        // reminded, also one still waiting in the queue: a sweep every 2 s under the unthrottled background load queued
        // 20,000 messages faster than two nodes worked them off; see README "Drills".)
        var env = ServiceProcess.Environment(s.Connection, schema, sink.Port, new Dictionary<string, string>(s.ServiceSettings)
        {
            ["Deadlines__DrillClockOffset"] = "11.00:00:00",
            ["Deadlines__SweepInterval"] = "00:00:05",
        });
        await KillDrill.DropSchemaAsync(s.Connection, schema, ct);
        var tag = Guid.NewGuid().ToString("N")[..8];
        var token = await ServiceProcess.TokenAsync(s.ApiDll, "treasurer", ct);
        var nodes = new List<(ServiceProcess Service, Guid NodeId)>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Task? watcher = null;
        try
        {
            foreach (var port in new[] { s.Port, s.SecondPort })
            {
                var service = await KillDrill.StartAsync(s, new Uri($"http://127.0.0.1:{port}/"), env, $"drill-two-nodes-{number}-{port}.log", ct);
                var known = nodes.Select(n => n.NodeId).ToHashSet();
                Guid id = Guid.Empty;
                var registered = await Waiting.UntilAsync(async () =>
                {
                    var ids = await probe.RowsAsync("select id from {s}.wolverine_nodes", r => r.GetGuid(0), ct);
                    id = ids.FirstOrDefault(i => !known.Contains(i));
                    return id != Guid.Empty;
                }, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(100), ct);
                nodes.Add((service, id));
                if (registered is null) throw new InvalidOperationException($"the node on port {port} did not register in wolverine_nodes");
            }
            var (a, b) = (nodes[0], nodes[1]);

            // the agents spread over both nodes
            var spread = await Waiting.UntilAsync(async () => (await AssignmentsAsync(probe, ct)).Select(x => x.Node).Distinct().Count() == 2,
                TimeSpan.FromSeconds(90), TimeSpan.FromMilliseconds(250), ct);
            run.Figure("both nodes own agents after s", spread?.TotalSeconds);

            // watch ownership all along
            var samples = 0;
            var violations = new ConcurrentQueue<string>();
            var deadId = Guid.Empty;
            watcher = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        var assignments = await AssignmentsAsync(probe, stop.Token);
                        var live = (await probe.RowsAsync("select id from {s}.wolverine_nodes", r => r.GetGuid(0), stop.Token)).ToHashSet();
                        foreach (var g in assignments.GroupBy(x => x.Agent).Where(g => g.Count() > 1)) violations.Enqueue($"{g.Key} owned by {g.Count()} nodes");
                        foreach (var x in assignments.Where(x => x.Node is { } n && n != deadId && !live.Contains(n))) violations.Enqueue($"{x.Agent} owned by a node that is not registered");
                        Interlocked.Increment(ref samples);
                        await Task.Delay(250, stop.Token);
                    }
                    catch (OperationCanceledException) when (stop.IsCancellationRequested)
                    {
                        return;
                    }
                    catch (Npgsql.NpgsqlException)
                    {
                    }
                }
            }, CancellationToken.None);

            // load: pledges with receipts on both nodes, plain pledges in the background, one statement through node A
            var pledges = new ConcurrentBag<(Guid Id, string Reference, long Cents, string Email)>();
            string? iban = null;
            using var client = HttpLoad.Client(s.Connections * 2, TimeSpan.FromSeconds(60));
            var wanted = s.Receipts;
            var next = -1;
            await Task.WhenAll(nodes.Select(n => HttpLoad.RunAsync(client, n.Service.Url, s.Connections, TimeSpan.FromMinutes(10), wanted / 2, () =>
            {
                var i = Interlocked.Increment(ref next);
                var request = Requests.Pledge(Requests.Pledges(n.Service.Url, s.Appeal), new PledgeBody(2_000 + i % 30 * 100L, null,
                    new DonorBody($"Bärbel Weiß {i}", "Königstraße 12", "52062", "Aachen", "DE", $"nodes-{tag}-{i}@example.org"), true));
                request.Options.Set(EmailKey, $"nodes-{tag}-{i}@example.org");
                return request;
            }, (resp, bytes) =>
            {
                if (resp.StatusCode != HttpStatusCode.Created) return $"{(int)resp.StatusCode} {HttpLoad.Snippet(bytes)}";
                using var json = JsonDocument.Parse(bytes);
                var root = json.RootElement;
                iban ??= root.GetProperty("payment").GetProperty("iban").GetString();
                resp.RequestMessage!.Options.TryGetValue(EmailKey, out var email);
                pledges.Add((root.GetProperty("donationId").GetGuid(), root.GetProperty("reference").GetString()!, root.GetProperty("amountCents").GetInt64(), email!));
                return null;
            }, ct)));
            // background pledges on both nodes all along, never paid: each is due for its reminder at the next sweep; every
            // tenth gives an e-mail address (a reminder mail), the others are reminded without mail (the fact only); about
            // 2 pledges per second per node, so that the reminders keep up with them
            var backgroundStops = nodes.Select(_ => CancellationTokenSource.CreateLinkedTokenSource(stop.Token)).ToList();
            var unpaid = new ConcurrentBag<(Guid Id, string? Email)>();
            var nextBackground = -1;
            var background = nodes.Select((n, i) => HttpLoad.RunAsync(client, n.Service.Url, 2, TimeSpan.FromMinutes(10), null, () =>
            {
                Thread.Sleep(1000); // two workers per node, each a pledge a second at most
                var k = Interlocked.Increment(ref nextBackground);
                var email = k % 10 == 0 ? $"remind-{tag}-{k}@example.org" : null;
                var request = Requests.Pledge(Requests.Pledges(n.Service.Url, s.Appeal),
                    new PledgeBody(1000, null, email is null ? null : new DonorBody($"Jörg Schröder {k}", "Marktstraße 3", "52249", "Eschweiler", "DE", email), false));
                if (email is not null) request.Options.Set(EmailKey, email);
                return request;
            }, (resp, bytes) =>
            {
                if (resp.StatusCode != HttpStatusCode.Created) return $"{(int)resp.StatusCode}";
                using var json = JsonDocument.Parse(bytes);
                resp.RequestMessage!.Options.TryGetValue(EmailKey, out var email);
                unpaid.Add((json.RootElement.GetProperty("donationId").GetGuid(), email));
                return null;
            }, backgroundStops[i].Token)).ToList();
            var paying = pledges.ToList();
            run.Figure("receipt pledges", paying.Count);
            var statement = CamtWriter.Write053v08($"NODES-{tag}", iban!, paying.Select(p => new GeneratedCredit(p.Cents, DateOnly.FromDateTime(DateTime.UtcNow), StructuredReference: p.Reference)).ToList());
            using (var import = new HttpRequestMessage(HttpMethod.Post, new Uri(a.Service.Url, "api/bank-statements")) { Content = new ByteArrayContent(statement) })
            {
                import.Content.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
                import.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var response = await client.SendAsync(import, ct);
                if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"the import answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
            }

            // SIGKILL the leader once some receipts went out
            await Waiting.UntilAsync(() => Task.FromResult(sink.CountsFor(tag).Count >= paying.Count / 5), TimeSpan.FromMinutes(3), TimeSpan.FromMilliseconds(20), ct);
            var before = await AssignmentsAsync(probe, ct);
            var leaderId = before.FirstOrDefault(x => x.Agent.StartsWith("wolverine://leader", StringComparison.Ordinal)).Node ?? a.NodeId;
            var (victim, survivor) = leaderId == b.NodeId ? (b, a) : (a, b);
            var victimAgents = before.Where(x => x.Node == victim.NodeId).Select(x => x.Agent).ToList();
            var allAgents = before.Select(x => x.Agent).ToHashSet();
            run.Figure("agents", allAgents.Count);
            run.Figure("agents on killed node", victimAgents.Count);
            deadId = victim.NodeId;
            await victim.Service.KillAsync();
            await backgroundStops[nodes.IndexOf(victim)].CancelAsync();
            var killed = Stopwatch.StartNew();
            var sequenceAtKill = await probe.CountAsync("select coalesce(max(seq_id), 0) from {s}.mt_events", ct);
            run.Figure("mails at kill", sink.CountsFor(tag).Count);
            var recordedAtKill = (await probe.RowsAsync(
                "select (l->>'donationId')::uuid from {s}.mt_events i join {s}.mt_events m on m.type = 'receipt_mailed' and m.data->>'number' = i.data->>'number', "
                + "jsonb_array_elements(i.data->'lines') l where i.type = 'receipt_issued'", r => r.GetGuid(0), ct)).ToHashSet();
            var mailedAtKill = sink.CountsFor(tag).Keys.ToHashSet(StringComparer.OrdinalIgnoreCase);
            var remindersAtKill = await probe.CountAsync("select count(*) from {s}.mt_events where type = 'unpaid_pledge_reminded'", ct);
            var remindMailedAtKill = sink.RemindersFor("remind-" + tag).Keys.ToHashSet(StringComparer.OrdinalIgnoreCase);
            HashSet<string> remindRecordedAtKill;
            try
            {
                remindRecordedAtKill = (await probe.RowsAsync("select id from {s}.mt_doc_sentdeadlinemail", r => r.GetString(0), ct)).ToHashSet(StringComparer.Ordinal);
            }
            catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.UndefinedTable)
            {
                remindRecordedAtKill = []; // no reminder mail marked yet
            }
            run.Figure("reminders at kill", remindersAtKill);

            var takeover = await Waiting.UntilAsync(async () =>
            {
                var now = await AssignmentsAsync(probe, ct);
                return allAgents.All(agent => now.Any(x => x.Agent == agent && x.Node == survivor.NodeId));
            }, TimeSpan.FromMinutes(3), TimeSpan.FromMilliseconds(100), ct);
            run.Figure("takeover s", takeover?.TotalSeconds);
            run.Check(takeover is not null && takeover <= TakeoverGoal, $"the survivor owned all agents only after {takeover?.TotalSeconds.ToString("F1", System.Globalization.CultureInfo.InvariantCulture) ?? "more than 180"} s (goal ≤ {TakeoverGoal.TotalSeconds:F0} s)");
            var deadNumber = await probe.CountAsync("select coalesce(max(owner_id), 0) from {s}.wolverine_incoming_envelopes", ct);
            var caughtUp = await Waiting.UntilAsync(async () =>
            {
                var lines = await probe.ReceiptLinesPerDonationAsync(ct);
                if (paying.Any(p => !lines.ContainsKey(p.Id))) return false;
                if (sink.CountsFor(tag).Count < paying.Count) return false;
                var (inbox, outbox, _, _) = await probe.QueuesAsync(ct);
                // the projections have processed every event written before the kill (new pledges keep coming)
                return inbox == 0 && outbox == 0 && await probe.CountAsync("select coalesce(min(last_seq_id), 0) from {s}.mt_event_progression where name like '%:%'", ct) >= sequenceAtKill;
            }, s.SettleCap, TimeSpan.FromMilliseconds(250), ct);
            run.Figure("kill → caught up s", caughtUp is null ? null : killed.Elapsed.TotalSeconds);
            run.Check(caughtUp is not null, $"the survivor did not catch up within {s.SettleCap.TotalSeconds:F0} s");
            await stop.CancelAsync();
            var loads = await Task.WhenAll(background);
            await watcher;
            var survivorLoad = loads[nodes.IndexOf(survivor)];
            run.Figure("background pledges", $"{loads.Sum(l => l.Ok)} ok");
            run.Figure("survivor's pledges refused", survivorLoad.StatusText.Contains("500", StringComparison.Ordinal) ? survivorLoad.StatusText : $"{survivorLoad.Failed}");
            run.Check(!survivorLoad.Statuses.ContainsKey("500"), $"the survivor answered pledges with 500: {survivorLoad.StatusText}");
            foreach (var cts in backgroundStops) cts.Dispose();
            run.Figure("ownership samples", samples);
            run.Figure("ownership violations", violations.Count);
            run.Check(violations.IsEmpty, $"ownership: {string.Join("; ", violations.Distinct().Take(3))}");

            // receipts once, numbers gapless, mails once (a mail accepted but not recorded at the kill may come twice)
            var linesAfter = await probe.ReceiptLinesPerDonationAsync(ct);
            var twice = paying.Count(p => linesAfter.GetValueOrDefault(p.Id) > 1);
            var missing = paying.Count(p => linesAfter.GetValueOrDefault(p.Id) == 0);
            run.Figure("receipts issued", paying.Count - missing);
            run.Figure("receipts twice", twice);
            run.Check(twice == 0 && missing == 0, $"{missing} receipts missing, {twice} donations on two receipts");
            foreach (var (year, issued, distinct, max) in await probe.ReceiptNumbersAsync(ct))
                run.Check(issued == distinct && distinct == max, $"{year}: receipt numbers not gapless and unique ({issued} issued, {distinct} distinct, highest {max})");
            var mails = sink.CountsFor(tag);
            var mailedTwice = mails.Where(m => m.Value > 1).ToList();
            run.Figure("mails", mails.Count);
            run.Figure("mails twice", mailedTwice.Count);
            run.Check(mails.Count == paying.Count, $"{paying.Count - mails.Count} mails never arrived");
            // at least once: only a mail the sink accepted before the kill whose ReceiptMailed fact was not committed may come twice
            var unrecorded = paying.Where(p => mailedAtKill.Contains(p.Email) && !recordedAtKill.Contains(p.Id)).Select(p => p.Email).ToHashSet(StringComparer.OrdinalIgnoreCase);
            run.Figure("mailed, not recorded at kill", unrecorded.Count);
            run.Check(mailedTwice.All(m => m.Value == 2 && unrecorded.Contains(m.Key)), "a mail went out twice that was recorded as sent (or three times)");
            var (inboxAfter, outboxAfter, dead, projectionDead) = await probe.QueuesAsync(ct);
            run.Figure("inbox/outbox/dead letters", $"{inboxAfter}/{outboxAfter}/{dead + projectionDead}");
            run.Check(dead + projectionDead == 0, $"{dead + projectionDead} dead letters");
            await CheckRemindersAsync(run, probe, sink, "remind-" + tag, unpaid.ToList(), remindersAtKill, remindMailedAtKill, remindRecordedAtKill, ct);
            run.Figure("survivor fail lines", survivor.Service.FailLines);
            _ = deadNumber;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            run.Failures.Add($"the drill stopped: {e.GetType().Name}: {e.Message}");
        }
        finally
        {
            await stop.CancelAsync();
            if (watcher is not null) await watcher;
            foreach (var (service, _) in nodes) await service.DisposeAsync();
            run.LoadAfter = DrillReport.Load();
        }
        return run;
    }

    /// <summary>
    /// Scheduled work fired once across both nodes and the kill: every background pledge (never paid, due at the first sweep)
    /// reminded exactly once, no donation reminded twice, no pledge expired twice, no proof-of-use stage sent twice; every
    /// reminder mail arrived, and a second one only for a mail the sink had at the kill whose sent-mark was not committed.
    /// </summary>
    private static async Task CheckRemindersAsync(DrillRun run, StoreProbe probe, MailSink sink, string tag, List<(Guid Id, string? Email)> unpaid,
        long remindersAtKill, HashSet<string> mailedAtKill, HashSet<string> recordedAtKill, CancellationToken ct)
    {
        var ids = unpaid.Select(u => u.Id).ToArray();
        var withMail = unpaid.Where(u => u.Email is not null).ToList();
        var done = await Waiting.UntilAsync(async () =>
        {
            var reminded = await probe.CountAsync("select count(distinct stream_id) from {s}.mt_events where type = 'unpaid_pledge_reminded' and stream_id = any(@ids)", ct, ("ids", ids));
            var (inbox, outbox, _, _) = await probe.QueuesAsync(ct);
            return reminded == ids.Length && sink.RemindersFor(tag).Count >= withMail.Count && inbox == 0 && outbox == 0;
        }, TimeSpan.FromMinutes(2), TimeSpan.FromMilliseconds(250), ct);
        run.Check(done is not null, "not every background pledge was reminded (and mailed) within 2 minutes after the load");
        var remindedPerStream = await probe.RowsAsync("select stream_id, count(*) from {s}.mt_events where type = 'unpaid_pledge_reminded' group by 1",
            r => (r.GetGuid(0), r.GetInt64(1)), ct);
        var counts = remindedPerStream.ToDictionary(x => x.Item1, x => x.Item2);
        var total = remindedPerStream.Sum(x => x.Item2);
        var remindedTwice = remindedPerStream.Count(x => x.Item2 > 1);
        var missing = unpaid.Count(u => counts.GetValueOrDefault(u.Id) == 0);
        run.Figure("reminders (before kill → all)", $"{remindersAtKill} → {total}");
        run.Figure("background pledges reminded / missing / twice", $"{unpaid.Count - missing}/{missing}/{remindedTwice}");
        run.Check(missing == 0, $"{missing} unpaid background pledges were never reminded");
        run.Check(remindedTwice == 0, $"{remindedTwice} donations were reminded more than once");
        run.Check(total > remindersAtKill, "no reminder was decided after the kill (the survivor's sweep did nothing)");
        var expiredTwice = await probe.CountAsync("select count(*) from (select stream_id from {s}.mt_events where type = 'pledge_expired' group by 1 having count(*) > 1) x", ct);
        var expired = await probe.CountAsync("select count(*) from {s}.mt_events where type = 'pledge_expired'", ct);
        var stagesTwice = await probe.CountAsync("select count(*) from (select stream_id, data->>'stage' from {s}.mt_events where type = 'proof_of_use_reminder_sent' group by 1, 2 having count(*) > 1) x", ct);
        var stages = await probe.CountAsync("select count(*) from {s}.mt_events where type = 'proof_of_use_reminder_sent'", ct);
        run.Figure("pledges expired / twice", $"{expired}/{expiredTwice}");
        run.Figure("proof-of-use reminders / twice", $"{stages}/{stagesTwice}");
        run.Check(expiredTwice == 0, $"{expiredTwice} pledges expired twice");
        run.Check(stagesTwice == 0, $"{stagesTwice} proof-of-use reminder stages were sent twice");
        var mails = sink.RemindersFor(tag);
        var mailMissing = withMail.Count(u => !mails.ContainsKey(u.Email!));
        var mailTwice = mails.Where(m => m.Value > 1).ToList();
        var unrecorded = withMail.Where(u => mailedAtKill.Contains(u.Email!) && !recordedAtKill.Contains($"pledge-reminder:{u.Id}")).Select(u => u.Email!).ToHashSet(StringComparer.OrdinalIgnoreCase);
        run.Figure("reminder mails / missing / twice", $"{mails.Count}/{mailMissing}/{mailTwice.Count}");
        run.Figure("reminder mails at sink, not marked at kill", unrecorded.Count);
        run.Check(mailMissing == 0, $"{mailMissing} reminder mails never arrived");
        run.Check(mailTwice.All(m => m.Value == 2 && unrecorded.Contains(m.Key)), "a reminder mail went out twice that was marked as sent at the kill (or three times)");
    }

    private static Task<List<(string Agent, Guid? Node)>> AssignmentsAsync(StoreProbe probe, CancellationToken ct) => probe.RowsAsync(
        "select id, node_id from {s}.wolverine_node_assignments", r => (r.GetString(0), r.IsDBNull(1) ? (Guid?)null : r.GetGuid(1)), ct);
}
