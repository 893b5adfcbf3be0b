using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using FlutHilfe.Documents.Receipts;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.TestSupport;
using FlutHilfe.Domain.Receipts;
using FlutHilfe.Domain.Receipts.Issuing;
using FlutHilfe.Domain.Shared;
using Npgsql;

namespace FlutHilfe.Bench.Scenarios;

/// <summary>
/// Goal 5: payment fact → receipt issued (gapless number) → PDF rendered and stored → mail accepted by the SMTP sink.
/// N pledges with `receiptWanted` and a donor with umlauts and an e-mail address are paid by ONE camt.053; T0 is the
/// import's answer, T1 the last of the N mails at the sink. Context: one PDF render in isolation.
/// </summary>
internal static class ReceiptScenario
{
    /// <summary>The service mails a batch of receipts (IssueDueReceiptsOf, ≤ 100) over up to this many connections, 20+ mails each.</summary>
    private const int ServiceBatch = 100, ServiceConnections = 4, MailsPerConnectionMin = 20;

    private sealed record Round(double Rate, double ImportSeconds, double FirstMail, double LastMail, int Issued, int Mails, int Duplicates, int Missing,
        string Stages, string Answer, bool Stalled);

    public static async Task RunAsync(SuiteContext c, ScenarioResult r, CancellationToken ct)
    {
        var s = c.Settings;
        var n = s.ReceiptsCount;
        var render = MeasureRender(s.Quick ? 5 : 50, out var pdf);
        var treasurer = await c.TreasurerAsync(ct);
        var auditor = await c.AuditorAsync(ct);
        await using var lease = await c.ServiceAsync("receipts", ct);
        var schema = c.SchemaFor("receipts");
        using var client = HttpLoad.Client(8, TimeSpan.FromMinutes(10));
        var year = DateTimeOffset.UtcNow.Year;

        // Interleaved: raw MailKit baseline, ours, baseline, ours, … (medians); each of ours pays N new pledges with one statement.
        var ours = new List<Round>();
        var raw = new List<double>();
        var setupSeconds = 0.0;
        // One round of each first, not counted: the service's first receipts run through cold code (tiered JIT, first PDF
        // fonts, first SMTP connections), as its first pledges do in the pledge scenario's warm-up.
        double? warmUp = null;
        if (!s.Quick)
        {
            await RawMailsAsync(c, n, pdf, ct);
            var (warm, _) = await OursAsync(c, lease, client, treasurer, auditor, schema, year, n, trace: null, ct);
            warmUp = warm.Rate;
            Log.Info($"  receipts warm-up round (not counted): ours {warm.Rate:F1} receipts/s");
        }
        for (var round = 0; round < s.Rounds; round++)
        {
            var baseline = await RawMailsAsync(c, n, pdf, ct);
            raw.Add(baseline);
            Log.Info($"  receipts round {round + 1}: raw MailKit {baseline:F1} mails/s");
            var (result, setup) = await OursAsync(c, lease, client, treasurer, auditor, schema, year, n, trace: null, ct);
            setupSeconds += setup;
            ours.Add(result);
            Log.Info($"  receipts round {round + 1}: ours {result.Rate:F1} receipts/s (load {Machine.LoadAverage()})");
        }
        // Optional profile (BENCH_TRACE_DIR): one more round of ours, not counted, with dotnet-trace attached to the service.
        var traceDir = Environment.GetEnvironmentVariable("BENCH_TRACE_DIR");
        if (!string.IsNullOrEmpty(traceDir) && !s.Quick)
        {
            var traced = await OursAsync(c, lease, client, treasurer, auditor, schema, year, n, Path.Combine(traceDir, "receipts.nettrace"), ct);
            Log.Info($"  receipts traced round: {traced.Result.Rate:F1} receipts/s (not counted)");
        }

        var rate = Stats.Median(ours.Select(o => o.Rate).ToList());
        var rawRate = Stats.Median(raw);
        var anyStalled = ours.Any(o => o.Stalled);
        if (anyStalled) rate = double.NaN;
        var ratio = rate / rawRate;
        r.Measures.Add(new Measure("5", "receipts end to end (payment → PDF stored → mail accepted)", rate, "/s", rawRate,
            $"raw MailKit mails to the same sink; one PDF render in isolation: {Stats.F(render.MedianMs, 1)} ms", double.IsFinite(ratio) ? ratio : null,
            "≥ 100/s", double.IsFinite(rate) && rate >= 100));
        r.Facts["receipts.mailed"] = ours.Min(o => o.Mails); // every round mailed all N
        r.Facts["receipts.duplicates"] = ours.Sum(o => o.Duplicates);
        r.Facts["receipts.missingSequences"] = ours.Max(o => o.Missing);
        r.Facts["receipts.rawPerSecond"] = rawRate;
        for (var i = 0; i < ours.Count; i++)
        {
            var o = ours[i];
            if (o.Stalled) r.Problems.Add($"round {i + 1}: only {o.Mails} of {n} mails arrived");
            if (o.Duplicates > 0) r.Problems.Add($"round {i + 1}: {o.Duplicates} donors got more than one mail");
            if (o.Missing > 0) r.Problems.Add($"round {i + 1}: the register has {o.Missing} missing receipt numbers");
        }
        if (!double.IsFinite(rawRate) || rawRate <= 0) r.Problems.Add("the raw MailKit baseline did not run");

        r.Line("| round | raw MailKit mails/s (baseline) | receipts/s (ours) | ours ÷ raw | import answer s | T0 → first mail s | T0 → last mail s | issued | mails | duplicate mails | missing numbers |");
        r.Line("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (var i = 0; i < ours.Count; i++)
        {
            var o = ours[i];
            r.Line($"| {i + 1} | {Stats.F(raw[i], 1)} | {Stats.F(o.Rate, 1)} | {Stats.F(o.Rate / raw[i], 2)} | {Stats.F(o.ImportSeconds, 2)} | {Stats.F(o.FirstMail, 2)} | "
                   + $"{Stats.F(o.LastMail, 2)} | {o.Issued} | {o.Mails} | {o.Duplicates} | {o.Missing} |");
        }
        r.Line($"| **median** | **{Stats.F(rawRate, 1)}** | **{Stats.F(rate, 1)}** | **{Stats.F(ratio, 2)}** | | | | | | | |");
        r.Line();
        r.Line((warmUp is { } w ? $"After one round of each not counted (warm-up; ours {Stats.F(w, 1)} receipts/s). " : "")
               + $"{n} receipts per round. Stages from the event store (server timestamps, from the last `donation_payment_received` of the import), per round:");
        r.Line();
        for (var i = 0; i < ours.Count; i++) r.Line($"- round {i + 1}: {ours[i].Stages}");
        r.Line();
        r.Line($"Baseline: the bench tool itself sends {n} MIME messages with MailKit to the same SMTP sink (`SmtpSink`: SmtpServer in this process, accepting without parsing), shaped as the service "
               + $"sends them: in batches of {ServiceBatch}, each batch over up to {ServiceConnections} connections side by side ({MailsPerConnectionMin}+ mails each, "
               + "Nagle off), every message composed for its recipient (`BodyBuilder`, German text, subject, Message-ID) with a receipt PDF of the same size "
               + $"({pdf.Length / 1024.0:F0} KiB, base64 in the message); timed from the first connection to the last mail at the sink. Ours: T0 is the import's "
               + "answer, the rate N ÷ (T0 → last mail at the sink).");
        r.Line();
        r.Line($"One `ReceiptPdf.Render` in isolation (this process, after a warm-up): median {Stats.F(render.MedianMs, 1)} ms, p90 {Stats.F(render.P90Ms, 1)} ms, "
               + $"first (cold) {Stats.F(render.FirstMs, 0)} ms, {render.Bytes / 1024.0:F0} KiB. Set-up, not measured: {n * ours.Count} pledges in {Stats.F(setupSeconds, 1)} s. "
               + $"Import answer (last round): `{ApiClient.Snippet(ours[^1].Answer)}`. Service: {lease.Service.LogSummary()}.");
    }

    /// <summary>N comparable MIME messages to the sink over reused connections, as the service's delivery shapes them. Mails/s.</summary>
    private static async Task<double> RawMailsAsync(SuiteContext c, int n, byte[] pdf, CancellationToken ct)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        bool Mine((long Timestamp, string[] To, int Bytes) m) => m.To.Any(t => t.Contains($"raw-{tag}-", StringComparison.Ordinal));
        var port = c.Smtp.Port;
        var start = Stopwatch.GetTimestamp();
        for (var first = 0; first < n; first += ServiceBatch)
        {
            var batch = Math.Min(ServiceBatch, n - first);
            var lanes = Math.Clamp((batch + MailsPerConnectionMin - 1) / MailsPerConnectionMin, 1, ServiceConnections);
            await Task.WhenAll(Enumerable.Range(0, lanes).Select(async lane =>
            {
                using var smtp = new MailKit.Net.Smtp.SmtpClient();
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync("127.0.0.1", port, ct);
                await smtp.ConnectAsync(socket, "127.0.0.1", port, MailKit.Security.SecureSocketOptions.None, ct);
                for (var i = first + lane; i < first + batch; i += lanes) await smtp.SendAsync(RawMail(tag, i, pdf), ct);
                await smtp.DisconnectAsync(true, ct);
            }));
        }
        var deadline = Stopwatch.StartNew();
        while (c.Mails.Count(Mine) < n && deadline.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(10, ct);
        var ticks = c.Mails.Where(Mine).Select(m => m.Timestamp).ToArray();
        if (ticks.Length < n) throw new InvalidOperationException($"the raw baseline: only {ticks.Length} of {n} mails reached the sink");
        return n / Stopwatch.GetElapsedTime(start, ticks.Max()).TotalSeconds;
    }

    private static MimeKit.MimeMessage RawMail(string tag, int i, byte[] pdf)
    {
        var number = $"{DateTime.UtcNow.Year}-{i + 1:D6}";
        var message = new MimeKit.MimeMessage();
        message.From.Add(new MimeKit.MailboxAddress("Region Aachen Zweckverband – Fluthilfe", "spenden@fluthilfe.example"));
        message.To.Add(new MimeKit.MailboxAddress($"Zoë Krämer-Üzümcü {i}", $"raw-{tag}-{i}@example.org"));
        message.Subject = $"Ihre Zuwendungsbestätigung Nr. {number}";
        message.MessageId = $"raw-{tag}-{i}@fluthilfe.example";
        var body = new MimeKit.BodyBuilder
        {
            TextBody = $"""
                Guten Tag Zoë Krämer-Üzümcü {i},

                vielen Dank für Ihre Spende über 123,45 € vom {DateTime.UtcNow:dd.MM.yyyy}.
                Im Anhang finden Sie Ihre Zuwendungsbestätigung Nr. {number} für das Finanzamt.

                Mit freundlichen Grüßen
                Region Aachen Zweckverband
                """,
        };
        body.Attachments.Add($"Zuwendungsbestaetigung-{number}.pdf", pdf, new MimeKit.ContentType("application", "pdf"));
        message.Body = body.ToMessageBody();
        return message;
    }

    private static async Task<(Round Result, double SetupSeconds)> OursAsync(SuiteContext c, ServiceLease lease, HttpClient client, string treasurer, string auditor,
        string schema, int year, int n, string? trace, CancellationToken ct)
    {
        var s = c.Settings;
        var tag = Guid.NewGuid().ToString("N")[..8];
        var issuedBefore = (await RegisterAsync(client, lease.Url, auditor, year, ct)).GetProperty("issued").GetInt32();

        // N pledges with receiptWanted and an e-mail address unique to this round
        var pledged = new ConcurrentBag<(string Reference, long Cents)>();
        string? iban = null;
        var endpoint = Requests.Pledges(lease.Url, s.Appeal);
        string[] names = ["Jürgen Müller", "Bärbel Weiß", "Günther Schäfer", "Özlem Yılmaz", "Zoë Krämer-Üzümcü", "Søren Ångström"];
        var next = -1;
        var setup = Stopwatch.StartNew();
        var load = await HttpLoad.RunAsync(client, lease.Url, 8, TimeSpan.FromHours(1), n, () =>
        {
            var i = Interlocked.Increment(ref next);
            var cents = 1_000 + (i % 50) * 500L;
            return Requests.Pledge(endpoint, new PledgeBody(cents, null,
                new DonorBody($"{names[i % names.Length]} {i}", "Königstraße 12", "52062", "Aachen", "DE", $"spender-{tag}-{i}@example.org"), true));
        }, (resp, bytes) =>
        {
            if (resp.StatusCode != HttpStatusCode.Created) return $"{(int)resp.StatusCode} {HttpLoad.Snippet(bytes)}";
            using var json = JsonDocument.Parse(bytes);
            pledged.Add((json.RootElement.GetProperty("reference").GetString()!, json.RootElement.GetProperty("amountCents").GetInt64()));
            iban ??= json.RootElement.GetProperty("payment").GetProperty("iban").GetString();
            return null;
        }, ct);
        if (pledged.Count != n) throw new InvalidOperationException($"only {pledged.Count} of {n} pledges: {string.Join("; ", load.ErrorSamples)}");
        var setupSeconds = setup.Elapsed.TotalSeconds;
        // let the service settle after the set-up (the daemon projects the pledges) so the round starts alike
        await Task.Delay(TimeSpan.FromSeconds(s.Quick ? 0.2 : 2), ct);

        Process? tracer = null;
        if (trace is not null)
        {
            tracer = Process.Start(new ProcessStartInfo("dotnet-trace", ["collect", "-p", lease.Service.Pid.ToString(CultureInfo.InvariantCulture), "-o", trace, "--duration", "00:00:01:00"])
                { UseShellExecute = false }); // its progress goes to our own output (a redirected, unread pipe would fill and stall it)
            await Task.Delay(TimeSpan.FromSeconds(3), ct);
        }

        // one statement pays them all
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var statement = CamtWriter.Write053v08("RCPT-" + tag, iban!, pledged.Select(p => new GeneratedCredit(p.Cents, today, StructuredReference: p.Reference)).ToList());
        bool Ours((long Timestamp, string[] To, int Bytes) m) => m.To.Any(t => t.Contains($"spender-{tag}-", StringComparison.Ordinal));
        using var import = new HttpRequestMessage(HttpMethod.Post, new Uri(lease.Url, "api/bank-statements")) { Content = new ByteArrayContent(statement) };
        import.Content.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
        import.Headers.Authorization = new AuthenticationHeaderValue("Bearer", treasurer);
        var importStartedAt = DateTimeOffset.UtcNow;
        var start = Stopwatch.GetTimestamp();
        using var response = await client.SendAsync(import, ct);
        var answer = await response.Content.ReadAsStringAsync(ct);
        var t0 = Stopwatch.GetTimestamp();
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"the import answered {(int)response.StatusCode}: {ApiClient.Snippet(answer)}");

        // wait for N mails (stop when none arrives for a while)
        var stall = TimeSpan.FromSeconds(s.Quick ? 30 : 60);
        var lastCount = 0;
        var lastProgress = Stopwatch.GetTimestamp();
        var stalled = false;
        while (c.Mails.Count(Ours) < n)
        {
            var count = c.Mails.Count(Ours);
            if (count != lastCount) (lastCount, lastProgress) = (count, Stopwatch.GetTimestamp());
            else if (Stopwatch.GetElapsedTime(lastProgress) > stall || lease.Service.Exited)
            {
                stalled = true;
                break;
            }
            await Task.Delay(20, ct);
        }
        if (tracer is not null)
        {
            await tracer.WaitForExitAsync(ct); // it stops after its --duration (60 s from just before the import)
            Log.Info($"  trace written: {trace}");
        }
        var mails = c.Mails.Where(Ours).ToList();
        var ticks = mails.Select(m => m.Timestamp).Order().ToArray();
        var lastMail = ticks.Length > 0 ? Stopwatch.GetElapsedTime(t0, ticks[^1]).TotalSeconds : double.NaN;
        var firstMail = ticks.Length > 0 ? Stopwatch.GetElapsedTime(t0, ticks[0]).TotalSeconds : double.NaN;
        await Task.Delay(TimeSpan.FromSeconds(s.Quick ? 0.5 : 2), ct); // a redelivered (duplicate) mail would show up now
        var duplicates = c.Mails.Where(Ours).SelectMany(m => m.To).GroupBy(t => t, StringComparer.OrdinalIgnoreCase).Count(g => g.Count() > 1);
        var register = await RegisterAsync(client, lease.Url, auditor, year, ct);
        var issued = register.GetProperty("issued").GetInt32() - issuedBefore;
        var missing = register.GetProperty("missingSequences").GetArrayLength();
        var stages = await StagesAsync(c.Connection, schema, importStartedAt, ct);
        var rate = stalled ? double.NaN : n / lastMail;
        return (new Round(rate, Stopwatch.GetElapsedTime(start, t0).TotalSeconds, firstMail, lastMail, issued, mails.Count, duplicates, missing, stages, answer, stalled),
            setupSeconds);
    }

    private static async Task<JsonElement> RegisterAsync(HttpClient client, Uri url, string auditor, int year, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url, $"api/receipts?year={year}"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", auditor);
        using var response = await client.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"GET /api/receipts answered {(int)response.StatusCode}: {ApiClient.Snippet(text)}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<string> StagesAsync(string connection, string schema, DateTimeOffset since, CancellationToken ct)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand($"""
            with t0 as (select max(timestamp) as t from "{schema}".mt_events where type = 'donation_payment_received' and timestamp >= @since)
            select e.type, count(*), extract(epoch from min(e.timestamp) - t0.t)::float8, extract(epoch from max(e.timestamp) - t0.t)::float8
            from "{schema}".mt_events e, t0 where e.type in ('receipt_issued', 'receipt_mailed') and e.timestamp >= @since group by e.type, t0.t order by 1
            """, db);
        cmd.Parameters.AddWithValue("since", since.AddSeconds(-1));
        var parts = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var count = reader.GetInt64(1);
            var last = reader.GetDouble(3);
            parts.Add($"`{reader.GetString(0)}` ×{count}, first after {Stats.F(reader.GetDouble(2), 2)} s, last after {Stats.F(last, 2)} s ({Stats.F(count / last, 1)}/s)");
        }
        return parts.Count == 0 ? "none found." : string.Join("; ", parts) + ".";
    }

    private sealed record RenderFigures(double FirstMs, double MedianMs, double P90Ms, int Bytes);

    private static RenderFigures MeasureRender(int n, out byte[] pdf)
    {
        var amount = Money.FromCents(12_345);
        var issuer = new Issuer("Region Aachen Zweckverband", new PostalAddress("Dennewartstraße 25–27", "52068", "Aachen", "DE"));
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        ReceiptIssued Issued(int seq) => new(ReceiptNumber.Format(today.Year, seq), today.Year, seq, ReceiptKind.Single, "freude-schenken-2021",
            [new ReceiptLine(Guid.NewGuid(), today, amount)], amount, GermanAmount.InWords(amount), today, null, null, Guid.NewGuid(), "", issuer,
            "der Jugendhilfe sowie der Hilfe für durch Naturkatastrophen Geschädigte", "Aachen", today, "Geschäftsführung", false,
            "bench", null, DateTimeOffset.UtcNow);
        var donor = new PrintedDonor("Zoë Krämer-Üzümcü", "Mühlenstraße 19", "53879", "Euskirchen", "DE");
        const string Note = "Diese Zuwendungsbestätigung wurde maschinell erstellt und ist ohne Unterschrift gültig.";
        var clock = Stopwatch.StartNew();
        pdf = ReceiptPdf.Render(Issued(1), donor, Note, "https://fluthilfe.example/api/receipts/x/verify?c=abc", false);
        var bytes = pdf.Length;
        var first = clock.Elapsed.TotalMilliseconds;
        var samples = new double[n];
        for (var i = 0; i < n; i++)
        {
            var started = Stopwatch.GetTimestamp();
            ReceiptPdf.Render(Issued(i + 2), donor, Note, $"https://fluthilfe.example/api/receipts/{i}/verify?c=abc", false);
            samples[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
        Array.Sort(samples);
        return new RenderFigures(first, Stats.Percentile(samples, 50), Stats.Percentile(samples, 90), bytes);
    }
}
