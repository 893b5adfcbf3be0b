using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FlutHilfe.Bench.Scenarios;
using FlutHilfe.TestSupport;

namespace FlutHilfe.Bench.Drills;

/// <summary>Sizes and knobs of `ops/soak` (`bench soak`).</summary>
internal sealed record SoakSettings
{
    public required string Connection { get; init; }
    public required string ApiDll { get; init; }
    public required string WorkDir { get; init; }
    public double Minutes { get; init; } = 30;
    public int Port { get; init; } = 5093;
    public string Schema { get; init; } = "soak";
    public string Appeal { get; init; } = "freude-schenken-2021";
    /// <summary>Pledges per second over all pledge workers (a steady rate, not the most the service can take).</summary>
    public double PledgesPerSecond { get; init; } = 8;
    /// <summary>Public and staff reads per second (each).</summary>
    public double ReadsPerSecond { get; init; } = 4;
    /// <summary>A camt.053 statement paying most of the pledges made since the last one.</summary>
    public TimeSpan ImportEvery { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>An allocation with a transfer and a spending item.</summary>
    public TimeSpan AllocationEvery { get; init; } = TimeSpan.FromSeconds(15);
    /// <summary>How often the service's resident memory is sampled (each minute; quick runs more often).</summary>
    public TimeSpan RssEvery { get; init; } = TimeSpan.FromMinutes(1);
    /// <summary>Memory is flat when the least-squares slope of RSS after the warm-up is at most this (MiB per minute).</summary>
    public double RssSlopeMaxMiBPerMinute { get; init; } = 2;
    /// <summary>Runs shorter than this report memory but do not judge it (start-up and JIT dominate a short run).</summary>
    public double JudgeMemoryFromMinutes { get; init; } = 10;
    public TimeSpan SettleCap { get; init; } = TimeSpan.FromMinutes(5);
    public IReadOnlyDictionary<string, string> ServiceSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>The warm-up left out of the memory slope: the first quarter of the run, at least one minute.</summary>
    public TimeSpan WarmUp => TimeSpan.FromMinutes(Math.Max(1, Minutes / 4));
}

/// <summary>
/// `ops/soak --minutes N`: the published service (as the drills start it) under a steady mixed load for N minutes —
/// pledges (a quarter with a donor wanting a receipt by mail, a third earmarked), camt.053 statements paying 70 % of the
/// pledges made since the previous one (plus a few unknown references), allocations each with a transfer (disbursement)
/// and a clerk's spending item, public reads (appeal, totals, transparency, appeal page) and staff reads (funds,
/// unmatched payments, receipts, deadlines). Then, after the outbox drained: fund sums equal the appeal totals, no fund
/// negative, exactly one receipt line per payment of each paid donation that wants one (none missing, none twice, none
/// cancelled), receipt numbers gapless, every receipt mail once at the sink, no dead letter, inbox/outbox drained,
/// projections caught up, no 5xx answer, resident memory flat (see <see cref="SoakSettings.RssSlopeMaxMiBPerMinute"/>).
/// </summary>
internal static class SoakDrill
{
    private sealed record Pledge(Guid Id, string Reference, long Cents, bool Wanted, string? Email);

    /// <summary>Requests per kind: answers by status, latencies of the answered ones.</summary>
    internal sealed class Operations
    {
        private readonly ConcurrentDictionary<string, ConcurrentQueue<double>> _latencies = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<(string Kind, string Status), int> _statuses = new();
        private readonly ConcurrentQueue<string> _errors = new();

        public async Task<(HttpStatusCode? Status, byte[] Body)> SendAsync(HttpClient client, string kind, HttpRequestMessage request, CancellationToken ct)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
                var body = await response.Content.ReadAsByteArrayAsync(ct);
                _latencies.GetOrAdd(kind, _ => new()).Enqueue(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                var status = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
                _statuses.AddOrUpdate((kind, status), 1, (_, n) => n + 1);
                if ((int)response.StatusCode >= 500 && _errors.Count < 10) _errors.Enqueue($"{kind} {status} {HttpLoad.Snippet(body)}");
                return (response.StatusCode, body);
            }
            catch (Exception e) when (e is HttpRequestException or IOException || (e is TaskCanceledException && !ct.IsCancellationRequested))
            {
                var status = e is TaskCanceledException ? "client-timeout" : "connection-error";
                _statuses.AddOrUpdate((kind, status), 1, (_, n) => n + 1);
                if (_errors.Count < 10) _errors.Enqueue($"{kind} {status} {e.Message}");
                return (null, []);
            }
            finally
            {
                request.Dispose();
            }
        }

        public IEnumerable<string> Kinds => _statuses.Keys.Select(k => k.Kind).Distinct().Order(StringComparer.Ordinal);
        public int Count(string kind) => _statuses.Where(s => s.Key.Kind == kind).Sum(s => s.Value);
        public string StatusText(string kind) => string.Join(" ", _statuses.Where(s => s.Key.Kind == kind).OrderBy(s => s.Key.Status, StringComparer.Ordinal).Select(s => $"{s.Key.Status}×{s.Value}"));
        public int ServerErrors => _statuses.Where(s => s.Key.Status.StartsWith('5')).Sum(s => s.Value);
        public int TransportErrors => _statuses.Where(s => !char.IsDigit(s.Key.Status[0])).Sum(s => s.Value);
        public IReadOnlyCollection<string> Errors => _errors;

        public double P(string kind, double percentile)
            => _latencies.TryGetValue(kind, out var q) ? Stats.Percentile(q.Order().ToArray(), percentile) : double.NaN;
    }

    public static async Task<DrillRun> RunAsync(SoakSettings s, CancellationToken ct)
    {
        var run = new DrillRun("soak", 1) { LoadBefore = DrillReport.Load() };
        var probe = new StoreProbe(s.Connection, s.Schema);
        using var sink = new MailSink();
        var url = new Uri($"http://127.0.0.1:{s.Port}/");
        var env = ServiceProcess.Environment(s.Connection, s.Schema, sink.Port, s.ServiceSettings);
        var tokens = await Task.WhenAll(ServiceProcess.TokenAsync(s.ApiDll, "treasurer", ct), ServiceProcess.TokenAsync(s.ApiDll, "municipality", ct, "stolberg"));
        var (treasurer, clerk) = (tokens[0], tokens[1]);
        await KillDrill.DropSchemaAsync(s.Connection, s.Schema, ct);
        var tag = Guid.NewGuid().ToString("N")[..8];
        var ops = new Operations();
        var pledges = new ConcurrentDictionary<Guid, Pledge>();
        var unpaid = new ConcurrentQueue<Pledge>();
        var paid = new ConcurrentDictionary<Guid, Pledge>();
        var rss = new List<(double Minute, double MiB)>();
        string? iban = null;

        var service = await ServiceProcess.StartAsync(s.ApiDll, url, env, Path.Combine(s.WorkDir, $"soak-{s.Schema}.log"), ct);
        try
        {
            await service.WaitHealthyAsync(TimeSpan.FromMinutes(3), ct);
            using var client = HttpLoad.Client(16, TimeSpan.FromSeconds(60));
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var duration = TimeSpan.FromMinutes(s.Minutes);
            var clock = Stopwatch.StartNew();
            Log.Info($"soak: {s.Minutes} min of mixed load on {url.Authority} (schema {s.Schema})");

            // a loop that does its step every `every` (from its own start), until the run's time is up
            Task Paced(TimeSpan every, Func<long, Task> step) => Task.Run(async () =>
            {
                var loopClock = Stopwatch.StartNew();
                for (long i = 0; clock.Elapsed < duration && !stop.IsCancellationRequested; i++)
                {
                    try
                    {
                        await step(i);
                    }
                    catch (OperationCanceledException) when (stop.IsCancellationRequested)
                    {
                        return;
                    }
                    var wait = every * (i + 1) - loopClock.Elapsed;
                    var left = duration - clock.Elapsed;
                    if (left <= TimeSpan.Zero) return;
                    if (wait > TimeSpan.Zero)
                    {
                        try
                        {
                            await Task.Delay(wait < left ? wait : left, stop.Token);
                        }
                        catch (OperationCanceledException)
                        {
                            return;
                        }
                    }
                }
            }, CancellationToken.None);

            var loops = new List<Task>();
            var nextPledge = -1;
            const int pledgeWorkers = 4;
            for (var w = 0; w < pledgeWorkers; w++)
            {
                var rng = new Random(1000 + w);
                loops.Add(Paced(TimeSpan.FromSeconds(pledgeWorkers / s.PledgesPerSecond), async _ =>
                {
                    var i = Interlocked.Increment(ref nextPledge);
                    var cents = new[] { 500L, 1000, 2000, 2500, 5000, 10000, 15000, 25000 }[rng.Next(8)];
                    var wanted = i % 4 == 0;
                    var email = wanted ? $"soak-{tag}-{i}@example.org" : null;
                    IReadOnlyList<EarmarkBody>? earmarks = i % 3 == 0 ? [new EarmarkBody("stolberg", "kita-schulmaterial", cents)] : null;
                    var body = new PledgeBody(cents, earmarks, wanted ? new DonorBody($"Jürgen Müller {i}", "Königstraße 12", "52062", "Aachen", "DE", email) : null, wanted);
                    var (status, bytes) = await ops.SendAsync(client, "pledge", Requests.Pledge(Requests.Pledges(url, s.Appeal), body), stop.Token);
                    if (status != HttpStatusCode.Created) return;
                    using var json = JsonDocument.Parse(bytes);
                    var root = json.RootElement;
                    iban ??= root.GetProperty("payment").GetProperty("iban").GetString();
                    var p = new Pledge(root.GetProperty("donationId").GetGuid(), root.GetProperty("reference").GetString()!, root.GetProperty("amountCents").GetInt64(), wanted, email);
                    pledges[p.Id] = p;
                    unpaid.Enqueue(p);
                }));
            }

            // statements: 70 % of what was pledged since the last one is paid in full, the rest stays unpaid; three unknown references
            var statementRng = new Random(77);
            loops.Add(Paced(s.ImportEvery, async i =>
            {
                await Task.Delay(s.ImportEvery / 2, stop.Token);
                var credits = new List<GeneratedCredit>();
                var paying = new List<Pledge>();
                while (unpaid.TryDequeue(out var p))
                {
                    if (statementRng.Next(10) >= 7) continue;
                    paying.Add(p);
                    credits.Add(new GeneratedCredit(p.Cents, DateOnly.FromDateTime(DateTime.UtcNow), StructuredReference: p.Reference));
                }
                if (iban is null || credits.Count == 0) return;
                for (var k = 0; k < 3; k++)
                    credits.Add(new GeneratedCredit(4200 + k, DateOnly.FromDateTime(DateTime.UtcNow), DebtorName: "Erika Mustermann", UnstructuredRemittance: $"Spende Hochwasser {tag} {i}-{k}"));
                var xml = CamtWriter.Write053v08($"SOAK-{tag}-{i}", iban, credits);
                var request = new HttpRequestMessage(HttpMethod.Post, new Uri(url, "api/bank-statements")) { Content = new ByteArrayContent(xml) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", treasurer);
                var (status, _) = await ops.SendAsync(client, "import", request, stop.Token);
                if (status == HttpStatusCode.OK) foreach (var p in paying) paid[p.Id] = p;
            }));

            // allocation → transfer → spending item
            loops.Add(Paced(s.AllocationEvery, async i =>
            {
                var amount = 10_000 + i % 5 * 5_000;
                var (status, bytes) = await ops.SendAsync(client, "allocate", Json(HttpMethod.Post, new Uri(url, $"api/appeals/{s.Appeal}/allocations"), treasurer,
                    new { municipalityId = "stolberg", purposeId = "kita-schulmaterial", amountCents = amount, decisionReference = $"SOAK/{tag}/{i}", decidedOn = Today() }), stop.Token);
                if (status != HttpStatusCode.Created) return;
                var allocationId = JsonDocument.Parse(bytes).RootElement.GetProperty("allocationId").GetGuid();
                await ops.SendAsync(client, "disburse", Json(HttpMethod.Post, new Uri(url, $"api/allocations/{allocationId}/disbursements"), treasurer,
                    new { amountCents = amount / 2, paidOn = Today(), bankReference = $"SOAK-{tag}-{i}" }), stop.Token);
                await ops.SendAsync(client, "spend", Json(HttpMethod.Post, new Uri(url, $"api/allocations/{allocationId}/spending"), clerk,
                    new
                    {
                        date = "2022-06-15", payee = "Spielwaren Becker GmbH", payeeIsOrganisation = true, reason = "Bastelmaterial für die Kita",
                        purposeId = "kita-schulmaterial", amountCents = amount / 3, voucherNumber = $"STO-{tag}-{i}", facility = "Kita Mühlener Bahnhof",
                    }), stop.Token);
            }));

            // reads: public and staff, in turn
            string[] publicReads = [$"api/appeals/{s.Appeal}", $"api/appeals/{s.Appeal}/totals", $"api/appeals/{s.Appeal}/transparency", $"aufrufe/{s.Appeal}"];
            string[] staffReads = [$"api/appeals/{s.Appeal}/funds", "api/payments/unmatched", $"api/receipts?year={DateTime.UtcNow.Year}", $"api/appeals/{s.Appeal}/deadlines"];
            loops.Add(Paced(TimeSpan.FromSeconds(1 / s.ReadsPerSecond), i =>
                ops.SendAsync(client, "read public", new HttpRequestMessage(HttpMethod.Get, new Uri(url, publicReads[i % publicReads.Length])), stop.Token)));
            loops.Add(Paced(TimeSpan.FromSeconds(1 / s.ReadsPerSecond), i =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url, staffReads[i % staffReads.Length]));
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", treasurer);
                return ops.SendAsync(client, "read staff", request, stop.Token);
            }));

            // resident memory: at the start, then every RssEvery, and at the end of the load
            loops.Add(Paced(s.RssEvery, _ =>
            {
                if (ProcMemory.Read(service.Pid).RssKiB is { } kib)
                    lock (rss) rss.Add((clock.Elapsed.TotalMinutes, kib / 1024.0));
                return Task.CompletedTask;
            }));

            await Task.WhenAll(loops);
            if (ProcMemory.Read(service.Pid).RssKiB is { } endKib) rss.Add((clock.Elapsed.TotalMinutes, endKib / 1024.0));
            run.Figure("load minutes", clock.Elapsed.TotalMinutes);
            run.Figure("load average at end of load", DrillReport.Load());

            // settle: every wanted receipt issued and mailed, queues drained, projections caught up
            var wantedPaid = paid.Values.Where(p => p.Wanted).ToList();
            var settle = await Waiting.UntilAsync(async () =>
            {
                var lines = await probe.ReceiptLinesPerDonationAsync(ct);
                if (wantedPaid.Any(p => !lines.ContainsKey(p.Id))) return false;
                if (sink.CountsFor(tag).Count < wantedPaid.Count) return false;
                var (inbox, outbox, _, _) = await probe.QueuesAsync(ct);
                return inbox == 0 && outbox == 0 && await probe.ProjectionLagAsync(ct) == 0;
            }, s.SettleCap, TimeSpan.FromMilliseconds(500), ct);
            run.Figure("settle s", settle?.TotalSeconds);
            run.Check(settle is not null, $"not settled (receipts, mails, queues, projections) within {s.SettleCap.TotalSeconds:F0} s after the load");
            await Task.Delay(TimeSpan.FromSeconds(1), ct); // a late second mail would arrive now

            // operations
            foreach (var kind in ops.Kinds)
            {
                run.Figure($"{kind}", ops.StatusText(kind));
                run.Figure($"{kind} p50/p99 ms", $"{Stats.F(ops.P(kind, 50), 0)}/{Stats.F(ops.P(kind, 99), 0)}");
            }
            run.Figure("5xx", ops.ServerErrors);
            run.Figure("transport errors", ops.TransportErrors);
            run.Check(ops.ServerErrors == 0, $"{ops.ServerErrors} answers were 5xx, e.g. {ops.Errors.FirstOrDefault()}");
            run.Check(ops.TransportErrors == 0, $"{ops.TransportErrors} requests got no answer, e.g. {ops.Errors.FirstOrDefault()}");
            run.Check(ops.Count("pledge") > 0 && ops.Count("import") > 0 && ops.Count("allocate") > 0, "a kind of load never ran (pledge, import, allocate)");
            foreach (var kind in new[] { "import", "disburse", "spend", "read public", "read staff" })
                run.Check(!ops.StatusText(kind).Split(' ').Any(x => x.Length > 0 && x[0] is '4' && !x.StartsWith("409", StringComparison.Ordinal)), $"{kind} was refused: {ops.StatusText(kind)}");

            await CheckStoreAsync(run, s, probe, url, client, treasurer, pledges, paid, sink, tag, ct);

            // memory
            List<(double Minute, double MiB)> samples;
            lock (rss) samples = rss.ToList();
            CheckMemory(run, s, samples);
            run.Figure("service fail lines", service.FailLines);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            run.Failures.Add($"the soak stopped: {e.GetType().Name}: {e.Message}");
        }
        finally
        {
            await service.DisposeAsync();
            run.LoadAfter = DrillReport.Load();
        }
        return run;
    }

    private static async Task CheckStoreAsync(DrillRun run, SoakSettings s, StoreProbe probe, Uri url, HttpClient client, string treasurer,
        ConcurrentDictionary<Guid, Pledge> pledges, ConcurrentDictionary<Guid, Pledge> paid, MailSink sink, string tag, CancellationToken ct)
    {
        // fund sums against the appeal totals (the public totals are an async projection: caught up above)
        using var fundsRequest = new HttpRequestMessage(HttpMethod.Get, new Uri(url, $"api/appeals/{s.Appeal}/funds"));
        fundsRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", treasurer);
        using var fundsResponse = await client.SendAsync(fundsRequest, ct);
        using var funds = JsonDocument.Parse(await fundsResponse.Content.ReadAsStringAsync(ct));
        using var totals = JsonDocument.Parse(await client.GetStringAsync(new Uri(url, $"api/appeals/{s.Appeal}/totals"), ct));
        long Sum(string field) => funds.RootElement.EnumerateArray().Sum(f => f.GetProperty(field).GetInt64());
        long Total(string field) => totals.RootElement.GetProperty(field).GetInt64();
        var fundCount = funds.RootElement.GetArrayLength();
        var negative = funds.RootElement.EnumerateArray().Count(f => f.GetProperty("availableCents").GetInt64() < 0 || f.GetProperty("overdrawn").GetBoolean());
        run.Figure("funds", fundCount);
        run.Figure("funds negative", negative);
        run.Figure("received / allocated cents", $"{Total("receivedCents")} / {Total("allocatedCents")}");
        run.Check(negative == 0, $"{negative} funds are negative");
        foreach (var (fund, total) in new[] { ("confirmedCents", "receivedCents"), ("refundedCents", "returnedByBankCents"), ("allocatedCents", "allocatedCents"), ("returnedCents", "returnedByMunicipalitiesCents") })
            run.Check(Sum(fund) == Total(total), $"the funds' {fund} add up to {Sum(fund)}, the totals' {total} is {Total(total)}");

        // receipts: one line per payment of each paid donation that wants one, none for the others, numbers gapless
        var payments = await probe.PaymentsPerDonationAsync(ct);
        var lines = await probe.ReceiptLinesPerDonationAsync(ct);
        var mine = pledges.Values.ToList();
        var paidTwice = mine.Count(p => payments.GetValueOrDefault(p.Id) > 1);
        var paidNotSent = mine.Count(p => payments.ContainsKey(p.Id) && !paid.ContainsKey(p.Id));
        var unpaidSent = paid.Values.Count(p => !payments.ContainsKey(p.Id));
        run.Figure("pledges", mine.Count);
        run.Figure("pledges paid", paid.Count);
        run.Check(paidTwice == 0 && paidNotSent == 0 && unpaidSent == 0, $"payments: {paidTwice} pledges paid twice, {paidNotSent} paid without a credit, {unpaidSent} credits not booked");
        var worthy = mine.Where(p => p.Wanted && payments.ContainsKey(p.Id)).ToList();
        var missing = worthy.Count(p => lines.GetValueOrDefault(p.Id) == 0);
        var twice = worthy.Count(p => lines.GetValueOrDefault(p.Id) > payments[p.Id]);
        var unwanted = mine.Count(p => !p.Wanted && lines.ContainsKey(p.Id));
        var cancelled = await probe.CountAsync("select count(*) from {s}.mt_events where type = 'receipt_cancelled'", ct);
        run.Figure("receipts wanted and paid", worthy.Count);
        run.Figure("receipts missing / twice / unwanted / cancelled", $"{missing}/{twice}/{unwanted}/{cancelled}");
        run.Check(missing == 0 && twice == 0 && unwanted == 0, $"receipts: {missing} missing, {twice} donations on a second receipt, {unwanted} nobody wanted");
        run.Check(cancelled == 0, $"{cancelled} receipts were cancelled (nothing in the soak cancels one)");
        foreach (var (year, issued, distinct, max) in await probe.ReceiptNumbersAsync(ct))
            run.Check(issued == distinct && distinct == max, $"{year}: receipt numbers not gapless and unique ({issued} issued, {distinct} distinct, highest {max})");
        var mails = sink.CountsFor(tag);
        var mailsMissing = worthy.Count(p => !mails.ContainsKey(p.Email!));
        var mailsTwice = mails.Count(m => m.Value > 1);
        run.Figure("receipt mails", mails.Count);
        run.Figure("receipt mails missing / twice", $"{mailsMissing}/{mailsTwice}");
        run.Check(mailsMissing == 0 && mailsTwice == 0, $"receipt mails: {mailsMissing} missing, {mailsTwice} sent twice (no process died: exactly once)");

        var (inbox, outbox, dead, projectionDead) = await probe.QueuesAsync(ct);
        run.Figure("inbox/outbox/dead letters", $"{inbox}/{outbox}/{dead + projectionDead}");
        run.Check(inbox == 0 && outbox == 0, $"Wolverine's inbox ({inbox}) or outbox ({outbox}) is not drained");
        run.Check(dead + projectionDead == 0, $"{dead} Wolverine dead letters, {projectionDead} projection dead letters");
    }

    /// <summary>
    /// Flat: the least-squares slope of the samples after the warm-up is at most <see cref="SoakSettings.RssSlopeMaxMiBPerMinute"/>
    /// (2 MiB/min: 60 MiB over 30 minutes). Judged from <see cref="SoakSettings.JudgeMemoryFromMinutes"/> minutes on, with 5 samples or more.
    /// </summary>
    internal static void CheckMemory(DrillRun run, SoakSettings s, IReadOnlyList<(double Minute, double MiB)> samples)
    {
        if (samples.Count == 0)
        {
            run.Failures.Add("no memory sample");
            return;
        }
        run.Figure("RSS samples", samples.Count);
        run.Figure("RSS start/peak/end MiB", $"{samples[0].MiB:F0}/{samples.Max(x => x.MiB):F0}/{samples[^1].MiB:F0}");
        var after = samples.Where(x => x.Minute >= s.WarmUp.TotalMinutes).ToList();
        var slope = Slope(after);
        run.Figure("RSS slope after warm-up MiB/min", slope is { } v ? v.ToString("F2", CultureInfo.InvariantCulture) : "–");
        var judged = s.Minutes >= s.JudgeMemoryFromMinutes && after.Count >= 5;
        run.Figure("memory judged", judged ? $"yes (flat: ≤ {s.RssSlopeMaxMiBPerMinute} MiB/min after {s.WarmUp.TotalMinutes:F1} min)" : "no (short run)");
        if (judged)
            run.Check(slope <= s.RssSlopeMaxMiBPerMinute, $"memory not flat: RSS grew {slope:F2} MiB/min after the warm-up (limit {s.RssSlopeMaxMiBPerMinute})");
    }

    /// <summary>Least-squares slope (MiB per minute), or null with fewer than two samples.</summary>
    internal static double? Slope(IReadOnlyList<(double Minute, double MiB)> xs)
    {
        if (xs.Count < 2) return null;
        var mx = xs.Average(x => x.Minute);
        var my = xs.Average(x => x.MiB);
        var sxx = xs.Sum(x => (x.Minute - mx) * (x.Minute - mx));
        return sxx == 0 ? null : xs.Sum(x => (x.Minute - mx) * (x.MiB - my)) / sxx;
    }

    private static string Today() => DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static HttpRequestMessage Json(HttpMethod method, Uri uri, string token, object body)
    {
        var request = new HttpRequestMessage(method, uri) { Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, PledgeBodies.Json)) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        return request;
    }

    /// <summary>The figures, one per line (the run's table would be too wide).</summary>
    public static void Print(DrillRun run)
    {
        var text = new StringBuilder();
        text.AppendLine().AppendLine("## soak").AppendLine("| figure | value |").AppendLine("|---|---|");
        foreach (var (name, value) in run.Figures) text.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {value} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| load average before → after | {run.LoadBefore} → {run.LoadAfter} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| result | {(run.Passed ? "pass" : "FAIL: " + string.Join("; ", run.Failures))} |");
        Console.Out.Write(text.ToString());
    }
}

/// <summary>`bench soak --minutes N …`: one soak run; prints its figures, exits 1 when an invariant failed.</summary>
internal static class SoakCommand
{
    public static async Task<int> RunAsync(Options o, CancellationToken ct)
    {
        var minutesText = o.Text("minutes") ?? "30";
        if (!double.TryParse(minutesText, NumberStyles.Float, CultureInfo.InvariantCulture, out var minutes) || minutes is <= 0 or > 24 * 60)
            throw new UsageException($"--minutes must be a number of minutes between 0 and 1440, got '{minutesText}'");
        var defaults = new SoakSettings { Connection = "", ApiDll = "", WorkDir = "" };
        var s = new SoakSettings
        {
            Connection = o.Text("connection") ?? Db.UrlFromOps(),
            ApiDll = Path.GetFullPath(o.Required("api-dll")),
            WorkDir = Path.GetFullPath(o.Text("work") ?? ".bench"),
            Minutes = minutes,
            Port = o.Int("port", defaults.Port, 1),
            Schema = o.Text("schema") ?? defaults.Schema,
            PledgesPerSecond = o.Int("pledges-per-second", (int)defaults.PledgesPerSecond, 1),
            ReadsPerSecond = o.Int("reads-per-second", (int)defaults.ReadsPerSecond, 1),
            // a short run samples memory and imports more often, so that it has figures at all
            RssEvery = minutes < 5 ? TimeSpan.FromSeconds(5) : defaults.RssEvery,
            ImportEvery = minutes < 5 ? TimeSpan.FromSeconds(6) : defaults.ImportEvery,
            AllocationEvery = minutes < 5 ? TimeSpan.FromSeconds(4) : defaults.AllocationEvery,
        };
        o.RejectUnknown();
        if (!System.Text.RegularExpressions.Regex.IsMatch(s.Schema, "^[a-z_][a-z0-9_]{0,40}$"))
            throw new UsageException($"--schema must be a plain lower-case identifier, got '{s.Schema}'");
        Directory.CreateDirectory(s.WorkDir);
        await Db.EnsureDatabaseAsync(s.Connection, ct);
        Log.Info($"=== soak, {minutes} min, load average {DrillReport.Load()}");
        var run = await SoakDrill.RunAsync(s, ct);
        SoakDrill.Print(run);
        return run.Passed ? 0 : 1;
    }
}
