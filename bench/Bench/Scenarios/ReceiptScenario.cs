using System.Collections.Concurrent;
using System.Diagnostics;
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
    public static async Task RunAsync(SuiteContext c, ScenarioResult r, CancellationToken ct)
    {
        var s = c.Settings;
        var n = s.ReceiptsCount;
        var render = MeasureRender(s.Quick ? 5 : 50);
        var treasurer = await c.TreasurerAsync(ct);
        var auditor = await c.AuditorAsync(ct);
        await using var lease = await c.ServiceAsync("receipts", ct);
        var schema = c.SchemaFor("receipts");
        using var client = HttpLoad.Client(8, TimeSpan.FromMinutes(10));
        var tag = Guid.NewGuid().ToString("N")[..8];
        var year = DateTimeOffset.UtcNow.Year;
        var issuedBefore = (await RegisterAsync(client, lease.Url, auditor, year, ct)).GetProperty("issued").GetInt32();

        // N pledges with receiptWanted and an e-mail address unique to this run
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
            await Task.Delay(50, ct);
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
        r.Measures.Add(new Measure("5", "receipts end to end (payment → PDF stored → mail accepted)", rate, "/s", null, $"– (one PDF render in isolation: {Stats.F(render.MedianMs, 1)} ms)", null, "≥ 100/s", double.IsFinite(rate) && rate >= 100));
        r.Facts["receipts.mailed"] = mails.Count;
        r.Facts["receipts.duplicates"] = duplicates;
        r.Facts["receipts.missingSequences"] = missing;
        if (stalled) r.Problems.Add($"only {mails.Count} of {n} mails arrived (no new one for {stall.TotalSeconds:F0} s)");
        if (duplicates > 0) r.Problems.Add($"{duplicates} donors got more than one mail");
        if (missing > 0) r.Problems.Add($"the register has {missing} missing receipt numbers");

        r.Line("| receipts | import answer s | T0 → first mail s | T0 → last mail s | receipts/s | issued | mails | duplicate mails | missing numbers |");
        r.Line("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        r.Line($"| {n} | {Stats.F(Stopwatch.GetElapsedTime(start, t0).TotalSeconds, 2)} | {Stats.F(firstMail, 2)} | {Stats.F(lastMail, 2)} | **{Stats.F(rate, 1)}** | "
               + $"{issued} | {mails.Count} | {duplicates} | {missing} |");
        r.Line();
        r.Line($"Stages from the event store (server timestamps, from the last `donation_payment_received` of the import): {stages}");
        r.Line();
        r.Line($"One `ReceiptPdf.Render` in isolation (this process, after a warm-up): median {Stats.F(render.MedianMs, 1)} ms, p90 {Stats.F(render.P90Ms, 1)} ms, "
               + $"first (cold) {Stats.F(render.FirstMs, 0)} ms, {render.Bytes / 1024.0:F0} KiB. Set-up, not measured: {n} pledges in {Stats.F(setupSeconds, 1)} s. "
               + $"Import answer: `{ApiClient.Snippet(answer)}`. Service: {lease.Service.LogSummary()}.");
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
        cmd.Parameters.AddWithValue("since", since.AddSeconds(-5));
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

    private static RenderFigures MeasureRender(int n)
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
        var bytes = ReceiptPdf.Render(Issued(1), donor, Note, "https://fluthilfe.example/api/receipts/x/verify?c=abc", false).Length;
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
