using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using FlutHilfe.Documents.Receipts;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Receipts;
using FlutHilfe.Domain.Receipts.Issuing;
using FlutHilfe.Domain.Shared;
using FlutHilfe.TestSupport;
using netDumbster.smtp;

namespace FlutHilfe.Bench;

/// <summary>
/// Receipts end to end: starts an SMTP sink on loopback and the published service (mailing to that sink),
/// pledges N donations with receiptWanted and a donor with an e-mail address, pays all of them with ONE
/// camt.053 statement, and measures from the import's answer (T0) until the sink holds N mails (T1) and the
/// receipt register shows N more receipts, all mailed. Also renders one receipt PDF in isolation.
/// </summary>
internal static class ReceiptBenchmark
{
    private sealed record Pledged(Guid DonationId, string Reference, long AmountCents);

    public static async Task<int> RunAsync(Options options, CancellationToken cancel)
    {
        var dll = Path.GetFullPath(options.Required("dll"));
        var url = options.Url("url", "http://127.0.0.1:5094");
        var count = options.Int("count", 1000, 1);
        var concurrency = options.Int("concurrency", 8, 1);
        var appeal = options.Text("appeal") ?? "freude-schenken-2021";
        var schema = options.Text("schema") ?? "bench3";
        var connection = options.Text("connection");
        var renders = options.Int("renders", 50, 0);
        var stall = TimeSpan.FromSeconds(options.Int("stall-seconds", 60, 5));
        var timeout = TimeSpan.FromSeconds(options.Int("timeout-seconds", 1800, 1));
        var log = Path.GetFullPath(options.Text("log") ?? Path.Combine(Path.GetDirectoryName(dll)!, "..", "receipts-service.log"));
        options.RejectUnknown();
        if (!File.Exists(dll)) throw new UsageException($"no such file: {dll}");
        var publish = Path.GetDirectoryName(dll)!;

        // --- 1. a PDF render in isolation ------------------------------------------------------------
        var renderMs = renders > 0 ? MeasureRender(renders) : null;

        // --- 2. tokens, SMTP sink, service ---------------------------------------------------------------
        var treasurer = await TokenAsync(dll, "treasurer", cancel);
        var auditor = await TokenAsync(dll, "auditor", cancel);

        using var smtp = SimpleSmtpServer.Start(FreePort());
        var smtpPort = smtp.Configuration.Port;
        var mailTicks = new ConcurrentQueue<long>();
        var mailBytes = 0L;
        var recipients = new ConcurrentDictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        smtp.MessageReceived += (_, e) =>
        {
            mailTicks.Enqueue(Stopwatch.GetTimestamp());
            Interlocked.Add(ref mailBytes, e.Message.Data?.Length ?? 0);
            foreach (var to in e.Message.ToAddresses) recipients.AddOrUpdate(to.Address, 1, (_, n) => n + 1);
        };
        // The sink keeps every message in memory; the event above is all we need.
        smtp.ClearReceivedEmail();
        Console.Error.WriteLine($"bench: SMTP sink on 127.0.0.1:{smtpPort}");

        var env = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DemoData__Seed"] = "true",
            ["Pledging__PledgesPerMinutePerClient"] = "1000000",
            ["Marten__Schema"] = schema,
            ["Smtp__Host"] = "127.0.0.1",
            ["Smtp__Port"] = smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["DOTNET_NOLOGO"] = "1",
        };
        if (connection is not null) env["ConnectionStrings__FlutHilfe"] = connection;
        // The same default the service has in appsettings.Development.json; only for reading facts after the run.
        var dbConnection = connection ?? "Host=127.0.0.1;Port=54329;Database=fluthilfe;Username=fluthilfe;Password=fluthilfe";

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = Timeout.InfiniteTimeSpan, UseCookies = false };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromMinutes(10) };
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        cts.CancelAfter(timeout);

        await using var service = await ServiceProcess.StartAsync(dll, publish, url, env, log, client, cts.Token);
        if (service is null) return 1;

        try
        {
            var year = DateTimeOffset.UtcNow.Year;
            var before = await RegisterAsync(client, url, auditor, year, cts.Token);
            var issuedBefore = before.GetProperty("issued").GetInt32();
            Console.Error.WriteLine($"bench: register {year} before the run: {issuedBefore} receipts");

            // --- 3. N pledges ---------------------------------------------------------------------------------
            Console.Error.WriteLine($"bench: {count} pledges with receiptWanted and e-mail ({concurrency} workers)");
            var pledgeClock = Stopwatch.StartNew();
            var (pledges, iban) = await PledgeAsync(client, url, appeal, count, concurrency, cts.Token);
            var pledgeSeconds = pledgeClock.Elapsed.TotalSeconds;
            Console.Error.WriteLine($"bench:   {pledges.Count} pledged in {pledgeSeconds:F1} s; appeal account {iban}");
            if (pledges.Count != count) return 1;

            // --- 4. one statement pays them all ---------------------------------------------------------------
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            var statement = CamtWriter.Write053v08("BENCH-" + Guid.NewGuid().ToString("N")[..10], iban,
                pledges.Select(p => new GeneratedCredit(p.AmountCents, today, StructuredReference: p.Reference)).ToList());
            var mailsBefore = mailTicks.Count;
            if (mailsBefore != 0) Console.Error.WriteLine($"bench: {mailsBefore} mails arrived before the import (ignored in the figures)");
            Console.Error.WriteLine($"bench: importing one camt.053 ({statement.Length / 1024.0:F0} KiB, {count} credits)");

            using var import = new HttpRequestMessage(HttpMethod.Post, new Uri(url, "api/bank-statements"));
            import.Headers.Authorization = new AuthenticationHeaderValue("Bearer", treasurer);
            import.Content = new ByteArrayContent(statement);
            import.Content.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
            var importStartedAt = DateTimeOffset.UtcNow;
            var importStart = Stopwatch.GetTimestamp();
            using var importResponse = await client.SendAsync(import, cts.Token);
            var importBody = await importResponse.Content.ReadAsStringAsync(cts.Token);
            var t0 = Stopwatch.GetTimestamp();
            var importMs = Stopwatch.GetElapsedTime(importStart, t0).TotalMilliseconds;
            Console.Error.WriteLine($"bench:   import answered {(int)importResponse.StatusCode} after {importMs:F0} ms: {Snip(importBody)}");
            if (importResponse.StatusCode != HttpStatusCode.OK) return 1;
            var matched = JsonDocument.Parse(importBody).RootElement.GetProperty("matched").GetInt32();
            if (matched != count) Console.Error.WriteLine($"bench:   only {matched} of {count} payments matched");

            // --- 5. wait for N mails, then for the register ----------------------------------------------------
            var progress = new List<(double Seconds, int Mails)>();
            var nextReport = 5.0;
            var lastCount = 0;
            var lastProgress = Stopwatch.GetTimestamp();
            var stalled = false;
            while (mailTicks.Count - mailsBefore < count)
            {
                if (cts.IsCancellationRequested || service.Exited)
                {
                    Console.Error.WriteLine($"bench: stopped with {mailTicks.Count - mailsBefore} of {count} mails ({(service.Exited ? "the service exited" : "timeout")}); see {log}");
                    return 1;
                }
                var mails = mailTicks.Count - mailsBefore;
                if (mails != lastCount) { lastCount = mails; lastProgress = Stopwatch.GetTimestamp(); }
                else if (Stopwatch.GetElapsedTime(lastProgress) > stall)
                {
                    Console.Error.WriteLine($"bench: no new mail for {stall.TotalSeconds:F0} s, stuck at {mails} of {count}: reporting what arrived");
                    stalled = true;
                    break;
                }
                var s = Stopwatch.GetElapsedTime(t0).TotalSeconds;
                if (s >= nextReport)
                {
                    progress.Add((s, mails));
                    Console.Error.WriteLine($"bench:   {s,6:F0} s: {mails} mails");
                    nextReport += 5;
                }
                await Task.Delay(50, CancellationToken.None);
            }
            var ticks = mailTicks.Skip(mailsBefore).Order().ToArray();
            var received = ticks.Length;
            if (received == 0) { Console.Error.WriteLine("bench: no mail at all"); return 1; }
            var firstMailS = Stopwatch.GetElapsedTime(t0, ticks[0]).TotalSeconds;
            var lastMailS = Stopwatch.GetElapsedTime(t0, ticks[^1]).TotalSeconds;

            JsonElement register;
            while (true)
            {
                register = await RegisterAsync(client, url, auditor, year, cts.Token);
                var lines = register.GetProperty("receipts").EnumerateArray().ToList();
                if (lines.Count - issuedBefore >= (stalled ? 0 : count) && lines.All(l => l.GetProperty("mailed").GetBoolean())) break;
                if (cts.IsCancellationRequested) { Console.Error.WriteLine("bench: the register never showed every receipt mailed"); return 1; }
                await Task.Delay(100, CancellationToken.None);
            }
            var registerS = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            // A little longer: a duplicate mail (redelivered message) would show up now.
            await Task.Delay(2000, CancellationToken.None);

            var issued = register.GetProperty("issued").GetInt32() - issuedBefore;
            var missing = register.GetProperty("missingSequences").EnumerateArray().Select(m => m.GetInt32()).ToList();
            var allMailed = register.GetProperty("receipts").EnumerateArray().Count(l => l.GetProperty("mailed").GetBoolean());
            var duplicates = recipients.Where(r => r.Value > 1).ToList();
            var logFacts = service.LogFacts();
            var db = await DatabaseFacts.ReadAsync(dbConnection, schema, importStartedAt, CancellationToken.None);

            // --- 6. figures -----------------------------------------------------------------------------------------
            var o = Console.Out;
            var t1 = stalled ? double.NaN : registerS;
            o.WriteLine("| receipts (N) | import request s | T0 → first mail s | T0 → last mail s | T0 → register complete (T1) s | **receipts/s** N / (T1 − T0) | issued | mailed | missingSequences | dead letters | duplicate mails |");
            o.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|");
            o.WriteLine($"| {count} | {Stats.F(importMs / 1000, 2)} | {Stats.F(firstMailS, 2)} | {Stats.F(lastMailS, 2)} | {(stalled ? "never (stalled)" : Stats.F(registerS, 2))} | "
                        + $"**{Stats.F(count / t1, 1)}** | {issued} | {received} | {(missing.Count == 0 ? "[] (none)" : string.Join(", ", missing.Take(20)))} | {db.DeadLetters} | {duplicates.Count} |");
            o.WriteLine();
            if (stalled)
                o.WriteLine($"**Incomplete: after {Stats.F(lastMailS, 1)} s no further mail arrived for {stall.TotalSeconds:F0} s; {count - issued} paid donations got no receipt.** "
                            + $"Rate over what arrived: {Stats.F(received / lastMailS, 1)} mails/s.\n");
            o.WriteLine($"T0 = the import request's answer; T1 = the first poll of the register (`GET /api/receipts?year={year}`, auditor) that shows every new receipt "
                        + $"with `mailed: true` ({allMailed} mailed in total). Mail rate at the sink: {Stats.F(received / lastMailS, 1)} mails/s. "
                        + $"Import answer: `{Snip(importBody)}`. Setup, not in the figure: {count} pledges in {Stats.F(pledgeSeconds, 1)} s "
                        + $"({concurrency} workers); mails averaged {Stats.F(Interlocked.Read(ref mailBytes) / (double)Math.Max(1, received) / 1024, 0)} KiB.");
            o.WriteLine();
            o.WriteLine($"Stages from the event store (server timestamps, from the last `donation_payment_received` of the import): {db.Stages}");
            if (db.DeadLetterSamples.Length > 0) o.WriteLine($"\nDead letters: {db.DeadLetterSamples}");
            if (progress.Count > 0)
                o.WriteLine($"\nMails received after T0: {string.Join(", ", progress.Select(p => $"{p.Seconds:F0} s → {p.Mails}"))}.");
            if (renderMs is { } r)
                o.WriteLine($"\nOne `ReceiptPdf.Render` in isolation (this process, after one warm-up, {renders} renders, {r.Bytes / 1024.0:F0} KiB each): "
                            + $"median {Stats.F(r.MedianMs, 1)} ms, p90 {Stats.F(r.P90Ms, 1)} ms, first (cold) {Stats.F(r.FirstMs, 0)} ms.");
            o.WriteLine($"\nService log ({Path.GetFileName(log)}): {logFacts}");
            return !stalled && issued == count && missing.Count == 0 && duplicates.Count == 0 && db.DeadLetters == 0 ? 0 : 1;
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            Console.Error.WriteLine($"bench: no result within {timeout.TotalSeconds:F0} s; see {log}");
            return 1;
        }
    }

    private static async Task<(List<Pledged> Pledges, string Iban)> PledgeAsync(HttpClient client, Uri url, string appeal, int count, int concurrency, CancellationToken ct)
    {
        var endpoint = new Uri(url, $"api/appeals/{Uri.EscapeDataString(appeal)}/donations");
        var results = new Pledged?[count];
        string? iban = null;
        var next = -1;
        string[] names = ["Jürgen Müller", "Bärbel Weiß", "Günther Schäfer", "Özlem Yılmaz", "Zoë Krämer-Üzümcü", "Søren Ångström"];
        string[] streets = ["Kaiserplatz 1", "Königstraße 12", "Würselener Straße 3a", "Düppelstraße 48", "Mühlenstraße 19"];
        string[] cities = ["Aachen", "Stolberg (Rhld.)", "Eschweiler", "Würselen", "Düren"];
        async Task Worker()
        {
            while (true)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= count) return;
                var cents = 1_000 + (i % 50) * 500L;
                var body = new PledgeBody(cents, null,
                    new DonorBody($"{names[i % names.Length]} {i}", streets[i % streets.Length], "52062", cities[i % cities.Length], "DE", $"spender-{i}@example.org"), true);
                using var request = new HttpRequestMessage(HttpMethod.Post, endpoint);
                request.Content = new ByteArrayContent(PledgeBodies.Serialize(body));
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
                request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
                using var response = await client.SendAsync(request, ct);
                var text = await response.Content.ReadAsStringAsync(ct);
                if (response.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException($"pledge {i} answered {(int)response.StatusCode}: {Snip(text)}");
                var json = JsonDocument.Parse(text).RootElement;
                results[i] = new Pledged(json.GetProperty("donationId").GetGuid(), json.GetProperty("reference").GetString()!, cents);
                iban ??= json.GetProperty("payment").GetProperty("iban").GetString();
            }
        }
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(Worker, ct)));
        return (results.Where(r => r is not null).Select(r => r!).ToList(), iban ?? throw new InvalidOperationException("no IBAN in the pledge answers"));
    }

    private static async Task<JsonElement> RegisterAsync(HttpClient client, Uri url, string auditor, int year, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url, $"api/receipts?year={year}"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", auditor);
        using var response = await client.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"GET /api/receipts answered {(int)response.StatusCode}: {Snip(text)}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private sealed record RenderFigures(double FirstMs, double MedianMs, double P90Ms, int Bytes);

    /// <summary>Renders a typical single receipt <paramref name="n"/> times after a warm-up, in this process.</summary>
    private static RenderFigures MeasureRender(int n)
    {
        var amount = Money.FromCents(12_345);
        var issuer = new Issuer("Region Aachen Zweckverband", new PostalAddress("Dennewartstraße 25–27", "52068", "Aachen", "DE"));
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        ReceiptIssued Issued(int seq) => new(ReceiptNumber.Format(today.Year, seq), today.Year, seq, ReceiptKind.Single, "freude-schenken-2021",
            [new ReceiptLine(Guid.NewGuid(), today, amount)], amount, GermanAmount.InWords(amount), today, null, null, Guid.NewGuid(), "", issuer,
            "der Jugendhilfe sowie der Hilfe für durch Naturkatastrophen Geschädigte", "Aachen", today, "Geschäftsführung", false,
            ReceiptTemplate.Default.Version, null, DateTimeOffset.UtcNow);
        var donor = new PrintedDonor("Zoë Krämer-Üzümcü", "Mühlenstraße 19", "53879", "Euskirchen", "DE");
        const string note = "Diese Zuwendungsbestätigung wurde maschinell erstellt und ist ohne Unterschrift gültig.";

        var clock = Stopwatch.StartNew();
        var bytes = ReceiptPdf.Render(Issued(1), donor, note, "/api/receipts/x/verify?c=abc", false).Length;
        var first = clock.Elapsed.TotalMilliseconds;
        var samples = new double[n];
        for (var i = 0; i < n; i++)
        {
            var started = Stopwatch.GetTimestamp();
            ReceiptPdf.Render(Issued(i + 2), donor, note, $"/api/receipts/{i}/verify?c=abc", false);
            samples[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
        Array.Sort(samples);
        var figures = new RenderFigures(first, Stats.Percentile(samples, 50), Stats.Percentile(samples, 90), bytes);
        Console.Error.WriteLine($"bench: ReceiptPdf.Render: first {first:F0} ms, median {figures.MedianMs:F1} ms, p90 {figures.P90Ms:F1} ms, {bytes} bytes");
        return figures;
    }

    /// <summary>`dotnet FlutHilfe.Api.dll token ROLE` in the publish folder; the token is the last line.</summary>
    private static async Task<string> TokenAsync(string dll, string role, CancellationToken ct)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(dll)!, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("token");
        info.ArgumentList.Add(role);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        using var p = Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet");
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        var last = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        if (p.ExitCode != 0 || string.IsNullOrEmpty(last)) throw new InvalidOperationException($"token {role} failed ({p.ExitCode}): {await stderr}");
        return last;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Snip(string text) => (text.Length > 300 ? text[..300] + "…" : text).ReplaceLineEndings(" ").Replace('`', '\'');

    /// <summary>The published service as a child process, its output in a log file.</summary>
    private sealed class ServiceProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StreamWriter _log;
        private readonly Lock _lock = new();
        private int _fail, _warn, _deadLetters;
        private readonly List<string> _examples = [];

        private ServiceProcess(Process process, StreamWriter log)
        {
            _process = process;
            _log = log;
        }

        public bool Exited => _process.HasExited;

        public static async Task<ServiceProcess?> StartAsync(string dll, string workingDirectory, Uri url, Dictionary<string, string> env, string log,
            HttpClient client, CancellationToken ct)
        {
            using (var probe = new TcpClient())
            {
                try
                {
                    await probe.ConnectAsync(url.Host, url.Port, ct);
                    Console.Error.WriteLine($"bench: something already listens on {url.Authority}: pick a free port with --url");
                    return null;
                }
                catch (SocketException)
                {
                }
            }
            var info = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add(dll);
            info.ArgumentList.Add("--urls");
            info.ArgumentList.Add(url.GetLeftPart(UriPartial.Authority));
            foreach (var (k, v) in env) info.Environment[k] = v;
            var writer = new StreamWriter(log, append: false, Encoding.UTF8) { AutoFlush = true };
            Console.Error.WriteLine($"bench: starting dotnet {dll} --urls {url.GetLeftPart(UriPartial.Authority)} (Marten schema {env["Marten__Schema"]}, log {log})");
            var process = Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet");
            var service = new ServiceProcess(process, writer);
            process.OutputDataReceived += (_, e) => service.Append(e.Data);
            process.ErrorDataReceived += (_, e) => service.Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var clock = Stopwatch.StartNew();
            if (!await Health.PollAsync(client, new Uri(url, "health"), HttpStatusCode.OK, () => !process.HasExited, ct))
            {
                Console.Error.WriteLine($"bench: the service never answered 200 on /health; see {log}");
                await service.DisposeAsync();
                return null;
            }
            Console.Error.WriteLine($"bench: service healthy after {clock.ElapsedMilliseconds} ms");
            return service;
        }

        private readonly Dictionary<string, int> _exceptions = new(StringComparer.Ordinal);

        private void Append(string? line)
        {
            if (line is null) return;
            lock (_lock)
            {
                _log.WriteLine(line);
                if (line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal)) _fail++;
                if (line.StartsWith("warn:", StringComparison.Ordinal)) _warn++;
                if (line.Contains("moved to the error queue", StringComparison.Ordinal) || line.Contains("dead letter", StringComparison.OrdinalIgnoreCase))
                {
                    _deadLetters++;
                    if (_examples.Count < 3) _examples.Add(line.Trim().Length > 200 ? line.Trim()[..200] + "…" : line.Trim());
                }
                // "      Some.Namespace.FooException: message" or "Npgsql.PostgresException (0x80004005): 23505: …": the first line of an exception.
                var m = ExceptionLine.Match(line);
                if (m.Success)
                {
                    var key = m.Groups[1].Value + (line.Contains("23505", StringComparison.Ordinal) ? " 23505 (unique violation)" : "");
                    _exceptions[key] = _exceptions.GetValueOrDefault(key) + 1;
                    if (!_exceptionSamples.ContainsKey(key)) _exceptionSamples[key] = line.Trim().Length > 200 ? line.Trim()[..200] + "…" : line.Trim();
                }
            }
        }

        private static readonly System.Text.RegularExpressions.Regex ExceptionLine = new(@"^\s+([A-Za-z_][\w.]*Exception)( \(0x[0-9A-F]+\))?: ");
        private readonly Dictionary<string, string> _exceptionSamples = new(StringComparer.Ordinal);

        public string LogFacts()
        {
            lock (_lock)
            {
                var text = $"{_fail} `fail`/`crit` entries, {_warn} `warn` entries, {_deadLetters} messages moved to the error queue (dead letters).";
                if (_exceptions.Count > 0)
                    text += " Exceptions logged: " + string.Join("; ", _exceptions.OrderByDescending(e => e.Value).Select(e => $"{e.Value}× `{e.Key}`")) + ".";
                if (_examples.Count > 0) text += " E.g. " + string.Join(" ", _examples.Select(e => $"`{e.Replace('`', '\'')}`"));
                return text;
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
            _process.WaitForExit();
            lock (_lock) _log.Dispose();
            _process.Dispose();
        }
    }

    /// <summary>What the service's database says after the run: how fast each stage went, and what landed in the dead letters.</summary>
    private sealed record DatabaseFacts(string Stages, int DeadLetters, string DeadLetterSamples)
    {
        public static async Task<DatabaseFacts> ReadAsync(string connection, string schema, DateTimeOffset since, CancellationToken ct)
        {
            try
            {
                await using var db = new Npgsql.NpgsqlConnection(connection);
                await db.OpenAsync(ct);
                var s = schema.Replace("\"", "", StringComparison.Ordinal);
                await using var stages = new Npgsql.NpgsqlCommand($"""
                    with t0 as (select max(timestamp) as t from "{s}".mt_events where type = 'donation_payment_received' and timestamp >= @since)
                    select e.type, count(*), extract(epoch from min(e.timestamp) - t0.t), extract(epoch from max(e.timestamp) - t0.t)
                    from "{s}".mt_events e, t0 where e.type in ('receipt_issued', 'receipt_mailed') and e.timestamp >= @since group by e.type, t0.t order by 1
                    """, db);
                stages.Parameters.AddWithValue("since", since.AddSeconds(-5));
                var parts = new List<string>();
                await using (var r = await stages.ExecuteReaderAsync(ct))
                {
                    while (await r.ReadAsync(ct))
                    {
                        var n = r.GetInt64(1);
                        var first = Convert.ToDouble(r.GetValue(2), System.Globalization.CultureInfo.InvariantCulture);
                        var last = Convert.ToDouble(r.GetValue(3), System.Globalization.CultureInfo.InvariantCulture);
                        parts.Add($"`{r.GetString(0)}` ×{n}, first after {Stats.F(first, 2)} s, last after {Stats.F(last, 2)} s ({Stats.F(n / last, 1)}/s)");
                    }
                }
                await using var dead = new Npgsql.NpgsqlCommand(
                    $"select message_type, exception_type, count(*), min(left(exception_message, 160)) from \"{s}\".wolverine_dead_letters group by 1, 2 order by 3 desc", db);
                var deadCount = 0;
                var samples = new List<string>();
                await using (var r = await dead.ExecuteReaderAsync(ct))
                {
                    while (await r.ReadAsync(ct))
                    {
                        var n = (int)r.GetInt64(2);
                        deadCount += n;
                        samples.Add($"{n}× {r.GetString(0)} after {r.GetString(1)} (e.g. `{r.GetString(3).Replace('`', '\'')}`)");
                    }
                }
                return new DatabaseFacts(parts.Count == 0 ? "none found" : string.Join("; ", parts) + ".", deadCount, string.Join("; ", samples));
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or InvalidOperationException)
            {
                Console.Error.WriteLine($"bench: could not read the database facts: {e.Message}");
                return new DatabaseFacts($"not read ({e.GetType().Name})", -1, "");
            }
        }
    }
}
