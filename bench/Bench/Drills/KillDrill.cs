using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using FlutHilfe.Bench.Scenarios;
using FlutHilfe.TestSupport;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Bench.Drills;

/// <summary>
/// kill -9 during work. <c>kill-import</c>: a camt.053 of N transactions (half paying pledges, every tenth of those
/// wanting a receipt by mail) is being imported when the service gets SIGKILL; after a restart the same file is imported
/// again. <c>kill-receipts</c>: a statement paying R pledges that all want a receipt by mail was imported, and the service
/// gets SIGKILL while issuing and mailing them; the restarted service finishes by itself. Then, both: every transaction
/// booked once, every paying pledge paid once, every wanted receipt issued once (no unwanted one), receipt numbers
/// gapless and unique, every mail once at the sink, Wolverine's inbox and outbox drained, no dead letter, every
/// asynchronous projection caught up.
/// </summary>
internal static class KillDrill
{
    private sealed record Pledged(Guid DonationId, string Reference, long Cents, bool Wanted, string? Email);

    public static async Task<DrillRun> RunAsync(string drill, DrillSettings s, int number, CancellationToken ct)
    {
        var run = new DrillRun(drill, number) { LoadBefore = DrillReport.Load() };
        var receiptsDrill = drill == "kill-receipts";
        var schema = $"{s.SchemaPrefix}_{(receiptsDrill ? "receipts" : "import")}";
        var probe = new StoreProbe(s.Connection, schema);
        using var sink = new MailSink();
        var url = new Uri($"http://127.0.0.1:{s.Port}/");
        var env = ServiceProcess.Environment(s.Connection, schema, sink.Port, s.ServiceSettings);
        var token = await ServiceProcess.TokenAsync(s.ApiDll, "treasurer", ct);
        await DropSchemaAsync(s.Connection, schema, ct);
        var tag = Guid.NewGuid().ToString("N")[..8];

        ServiceProcess? service = await StartAsync(s, url, env, $"drill-{drill}-{number}-a.log", ct);
        try
        {
            // 1. the pledges to pay
            var pledgeCount = receiptsDrill ? s.Receipts : s.Transactions / 2;
            var (pledges, iban) = await PledgeAsync(url, s, pledgeCount, receiptsDrill ? 1 : s.ReceiptEvery, tag, ct);
            if (pledges.Count != pledgeCount) throw new InvalidOperationException($"only {pledges.Count} of {pledgeCount} pledges were created");
            var wanted = pledges.Where(p => p.Wanted).ToList();

            // 2. the statement: receipts drill → exactly the pledges; import drill → N, even positions pay a pledge
            var statementId = $"DRILL-{tag}-{number}";
            var file = Path.Combine(s.WorkDir, $"drill-{drill}-{number}.xml");
            var transactions = WriteStatement(file, statementId, iban, pledges, receiptsDrill ? pledges.Count : s.Transactions);
            run.Figure("transactions", transactions);
            run.Figure("receipts wanted", wanted.Count);

            // 3. the work, and SIGKILL in its middle
            var clock = Stopwatch.StartNew();
            long bookedAtKill = 0;
            int mailsAtKill = 0;
            var import = ApiClient.PostStatementAsync(ApiClient.Create(1, TimeSpan.FromMinutes(10)), url, file, token, idempotencyKey: false, ct);
            if (!receiptsDrill)
            {
                var threshold = transactions * 2 / 5;
                var seen = await Waiting.UntilAsync(async () => import.IsCompleted || await BookedAsync(probe, statementId, ct) >= threshold,
                    TimeSpan.FromMinutes(10), TimeSpan.FromMilliseconds(25), ct);
                if (import.IsCompleted) throw new InvalidOperationException($"the import answered ({(await import).Status}) before the kill; nothing to drill");
                if (seen is null) throw new InvalidOperationException("the import booked nothing within 10 minutes");
            }
            else
            {
                var (status, body, _, error) = await import;
                if (status != HttpStatusCode.OK) throw new InvalidOperationException($"the import answered {status}: {error} {ApiClient.Snippet(body)}");
                var threshold = wanted.Count * 3 / 10;
                var seen = await Waiting.UntilAsync(() => Task.FromResult(sink.CountsFor(tag).Count >= threshold), TimeSpan.FromMinutes(5), TimeSpan.FromMilliseconds(10), ct);
                if (seen is null) throw new InvalidOperationException($"not even {threshold} mails arrived within 5 minutes");
                if (sink.CountsFor(tag).Count >= wanted.Count) throw new InvalidOperationException("every mail went out before the kill; nothing to drill");
            }
            await service.KillAsync();
            var killedAt = Stopwatch.GetTimestamp();
            await import; // the connection broke: an error, never an answer
            run.Figure("kill after s", clock.Elapsed.TotalSeconds);
            bookedAtKill = await BookedAsync(probe, statementId, ct);
            var mailedAtKill = sink.CountsFor(tag).Keys.ToHashSet(StringComparer.OrdinalIgnoreCase);
            mailsAtKill = mailedAtKill.Count;
            // Mails the sink accepted whose ReceiptMailed fact was not yet committed: the only ones a restart may send again.
            var recordedAtKill = (await probe.RowsAsync(
                "select (l->>'donationId')::uuid from {s}.mt_events i join {s}.mt_events m on m.type = 'receipt_mailed' and m.data->>'number' = i.data->>'number', "
                + "jsonb_array_elements(i.data->'lines') l where i.type = 'receipt_issued'", r => r.GetGuid(0), ct)).ToHashSet();
            var unrecorded = pledges.Where(p => p.Email is not null && mailedAtKill.Contains(p.Email) && !recordedAtKill.Contains(p.DonationId))
                .Select(p => p.Email!).ToHashSet(StringComparer.OrdinalIgnoreCase);
            run.Figure("mailed, not recorded at kill", unrecorded.Count);
            var issuedAtKill = await probe.CountAsync("select count(*) from {s}.mt_events where type = 'receipt_issued'", ct);
            if (!receiptsDrill) run.Figure("booked at kill", bookedAtKill);
            run.Figure("receipts issued at kill", issuedAtKill);
            run.Figure("mails at kill", mailsAtKill);
            await service.DisposeAsync();
            service = null;

            // 4. restart: the same build, the same database
            service = await StartAsync(s, url, env, $"drill-{drill}-{number}-b.log", ct);
            run.Figure("kill → healthy s", Stopwatch.GetElapsedTime(killedAt).TotalSeconds);
            if (!receiptsDrill)
            {
                using var client = ApiClient.Create(1, TimeSpan.FromMinutes(10));
                var (status, body, elapsed, error) = await ApiClient.PostStatementAsync(client, url, file, token, idempotencyKey: false, ct);
                run.Figure("re-import s", elapsed.TotalSeconds);
                run.Check(status == HttpStatusCode.OK, $"the re-import answered {status}: {error} {ApiClient.Snippet(body)}");
                if (status == HttpStatusCode.OK)
                {
                    using var json = JsonDocument.Parse(body);
                    var duplicates = json.RootElement.GetProperty("duplicates").GetInt32();
                    run.Figure("re-import duplicates", duplicates);
                    run.Check(duplicates == bookedAtKill, $"the re-import counted {duplicates} duplicates, but {bookedAtKill} transactions were booked before the kill");
                }
            }

            // 5. settle: every wanted receipt issued and mailed, the queues drained, the projections caught up
            var settled = await Waiting.UntilAsync(async () =>
            {
                var lines = await probe.ReceiptLinesPerDonationAsync(ct);
                if (wanted.Any(p => !lines.ContainsKey(p.DonationId))) return false;
                if (sink.CountsFor(tag).Count < wanted.Count(p => p.Email is not null)) return false;
                var (inbox, outbox, _, _) = await probe.QueuesAsync(ct);
                return inbox == 0 && outbox == 0 && await probe.ProjectionLagAsync(ct) == 0;
            }, s.SettleCap, TimeSpan.FromMilliseconds(250), ct);
            run.Figure("restart → settled s", settled?.TotalSeconds);
            run.Check(settled is not null, $"not settled within {s.SettleCap.TotalSeconds:F0} s after the restart");
            await Task.Delay(TimeSpan.FromSeconds(2), ct); // a late duplicate mail would arrive now

            // 6. invariants
            await CheckAsync(run, probe, sink, tag, statementId, transactions, pledges, unrecorded, ct);
            run.Figure("service fail lines", service.FailLines);
            File.Delete(file);
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

    private static async Task CheckAsync(DrillRun run, StoreProbe probe, MailSink sink, string tag, string statementId, int transactions,
        List<Pledged> pledges, HashSet<string> unrecordedAtKill, CancellationToken ct)
    {
        var booked = await BookedAsync(probe, statementId, ct);
        var keys = await probe.CountAsync("select count(distinct data->>'transactionKey') from {s}.mt_events where type = 'bank_transaction_recorded' and data->>'statementId' = @id", ct, ("id", statementId));
        var statements = await probe.CountAsync("select count(*) from {s}.mt_events where type = 'bank_statement_recorded' and data->>'statementId' = @id", ct, ("id", statementId));
        run.Figure("booked", booked);
        run.Figure("transactions lost", transactions - keys);
        run.Figure("transactions twice", booked - keys);
        run.Check(keys == transactions, $"{transactions - keys} transactions of the statement were never booked");
        run.Check(booked == keys, $"{booked - keys} transactions were booked twice");
        run.Check(statements == 1, $"the statement was recorded {statements} times");

        var payments = await probe.PaymentsPerDonationAsync(ct);
        var unpaid = pledges.Count(p => payments.GetValueOrDefault(p.DonationId) == 0);
        var paidTwice = pledges.Count(p => payments.GetValueOrDefault(p.DonationId) > 1);
        run.Figure("pledges paid", pledges.Count - unpaid);
        run.Check(unpaid == 0, $"{unpaid} paying pledges received no payment");
        run.Check(paidTwice == 0, $"{paidTwice} pledges received their payment twice");

        var lines = await probe.ReceiptLinesPerDonationAsync(ct);
        var wanted = pledges.Where(p => p.Wanted).ToList();
        var missingReceipts = wanted.Count(p => lines.GetValueOrDefault(p.DonationId) == 0);
        var receiptsTwice = wanted.Count(p => lines.GetValueOrDefault(p.DonationId) > 1);
        var unwanted = pledges.Count(p => !p.Wanted && lines.ContainsKey(p.DonationId));
        run.Figure("receipts issued", wanted.Count - missingReceipts);
        run.Figure("receipts twice", receiptsTwice);
        run.Check(missingReceipts == 0, $"{missingReceipts} wanted receipts were never issued");
        run.Check(receiptsTwice == 0, $"{receiptsTwice} donations are on more than one receipt");
        run.Check(unwanted == 0, $"{unwanted} donations got a receipt nobody wanted");

        foreach (var (year, issued, distinct, max) in await probe.ReceiptNumbersAsync(ct))
        {
            run.Check(issued == distinct, $"{year}: {issued - distinct} receipt numbers were issued twice");
            run.Check(distinct == max, $"{year}: {max - distinct} receipt numbers are missing (gaps)");
        }

        var mails = sink.CountsFor(tag);
        var mailed = pledges.Where(p => p.Email is not null).ToList();
        var missingMails = mailed.Count(p => !mails.ContainsKey(p.Email!));
        var mailedTwice = mails.Where(m => m.Value > 1).ToList();
        // SMTP has no transaction with PostgreSQL: a mail accepted by the server just before the kill, whose ReceiptMailed
        // fact was not committed, goes out again after the restart (at least once). That is measured, not hidden; every
        // other second mail (one already recorded, a third copy, one sent twice without a kill) breaks the invariant.
        var beyond = mailedTwice.Where(m => m.Value > 2 || !unrecordedAtKill.Contains(m.Key)).ToList();
        run.Figure("mails", mails.Count);
        run.Figure("mails lost", missingMails);
        run.Figure("mails twice", mailedTwice.Count);
        run.Figure("mails twice, not unrecorded at kill", beyond.Count);
        run.Check(missingMails == 0, $"{missingMails} receipt mails never arrived at the sink");
        run.Check(beyond.Count == 0, $"{beyond.Count} donors got their receipt mail more than once although it was recorded as sent (or 3+ times), e.g. {beyond.FirstOrDefault().Key}");

        var (inbox, outbox, dead, projectionDead) = await probe.QueuesAsync(ct);
        run.Figure("inbox/outbox/dead letters", $"{inbox}/{outbox}/{dead + projectionDead}");
        run.Check(inbox == 0 && outbox == 0, $"Wolverine's inbox ({inbox}) or outbox ({outbox}) is not drained");
        run.Check(dead == 0 && projectionDead == 0, $"{dead} Wolverine dead letters, {projectionDead} projection dead letters");
    }

    private static Task<long> BookedAsync(StoreProbe probe, string statementId, CancellationToken ct) => probe.CountAsync(
        "select count(*) from {s}.mt_events where type = 'bank_transaction_recorded' and data->>'statementId' = @id", ct, ("id", statementId));

    internal static async Task<ServiceProcess> StartAsync(DrillSettings s, Uri url, IReadOnlyDictionary<string, string> env, string log, CancellationToken ct)
    {
        var service = await ServiceProcess.StartAsync(s.ApiDll, url, env, Path.Combine(s.WorkDir, log), ct);
        try
        {
            await service.WaitHealthyAsync(TimeSpan.FromMinutes(3), ct);
            return service;
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
    }

    internal static async Task DropSchemaAsync(string connection, string schema, CancellationToken ct)
        => await Db.ExecuteAsync(connection, $"set client_min_messages = warning; drop schema if exists \"{schema}\" cascade", ct);

    /// <summary><paramref name="count"/> pledges; every <paramref name="wantedEvery"/>-th wants a receipt and gives an e-mail address with <paramref name="tag"/>.</summary>
    private static async Task<(List<Pledged>, string)> PledgeAsync(Uri url, DrillSettings s, int count, int wantedEvery, string tag, CancellationToken ct)
    {
        var created = new ConcurrentBag<Pledged>();
        string? iban = null;
        var endpoint = Requests.Pledges(url, s.Appeal);
        using var client = HttpLoad.Client(s.Connections, TimeSpan.FromSeconds(60));
        var next = -1;
        var wantedById = new ConcurrentDictionary<string, string>();
        var result = await HttpLoad.RunAsync(client, url, s.Connections, TimeSpan.FromHours(1), count, () =>
        {
            var i = Interlocked.Increment(ref next);
            var cents = 1_000 + (i % 40) * 250L;
            var wanted = i % wantedEvery == 0;
            var email = $"drill-{tag}-{i}@example.org";
            var body = wanted
                ? new PledgeBody(cents, null, new DonorBody($"Jürgen Müller {i}", "Königstraße 12", "52062", "Aachen", "DE", email), true)
                : new PledgeBody(cents, null, null, false);
            var request = Requests.Pledge(endpoint, body);
            if (wanted) request.Options.Set(new HttpRequestOptionsKey<string>("email"), email);
            return request;
        }, (resp, bytes) =>
        {
            if (resp.StatusCode != HttpStatusCode.Created) return $"{(int)resp.StatusCode} {HttpLoad.Snippet(bytes)}";
            using var json = JsonDocument.Parse(bytes);
            var root = json.RootElement;
            resp.RequestMessage!.Options.TryGetValue(new HttpRequestOptionsKey<string>("email"), out var email);
            created.Add(new Pledged(root.GetProperty("donationId").GetGuid(), root.GetProperty("reference").GetString()!, root.GetProperty("amountCents").GetInt64(), email is not null, email));
            iban ??= root.GetProperty("payment").GetProperty("iban").GetString();
            return null;
        }, ct);
        if (result.Failed > 0) Log.Info($"  {result.Failed} pledges failed, e.g. {result.ErrorSamples.FirstOrDefault()}");
        return (created.ToList(), iban ?? throw new InvalidOperationException("no pledge answered"));
    }

    /// <summary>A camt.053 of <paramref name="n"/> credits: even positions pay the pledges in turn, odd ones carry an RF nobody pledged.</summary>
    private static int WriteStatement(string file, string statementId, string iban, List<Pledged> pledges, int n)
    {
        var rng = new Random(4242 + n);
        var bookings = new List<GeneratedCredit>(n);
        var paid = 0;
        Span<byte> guid = stackalloc byte[16];
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        for (var i = 0; i < n; i++)
        {
            if ((n == pledges.Count || i % 2 == 0) && paid < pledges.Count)
            {
                var p = pledges[paid++];
                bookings.Add(new GeneratedCredit(p.Cents, today, StructuredReference: p.Reference));
            }
            else
            {
                rng.NextBytes(guid);
                bookings.Add(new GeneratedCredit(5000, today, StructuredReference: CreditorReference.FromGuid(new Guid(guid)).Value));
            }
        }
        using (var stream = File.Create(file))
            CamtWriter.Write053v08(stream, statementId, iban, bookings, new CamtWriterOptions { Indent = false });
        return n;
    }
}
