using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using FlutHilfe.Domain.Shared;
using FlutHilfe.TestSupport;

namespace FlutHilfe.Bench;

/// <summary>
/// `import-pledges` creates pledges through the API and writes their references; `import` writes a camt.053.001.08
/// statement whose credits pay about half of them (the rest carry references nobody pledged), POSTs it to
/// /api/bank-statements, then POSTs it again (all duplicates), measuring wall time and the service's peak memory.
/// </summary>
internal static class ImportBenchmark
{
    private const string DemoIban = "DE89370400440532013000";

    private static readonly (string Name, string Iban)[] Payers =
    [
        ("Jürgen Müller", "DE02120300000000202051"),
        ("Bärbel Weiß", "DE02100500000054540402"),
        ("Özlem Yılmaz", "DE12500105170648489890"),
        ("Günther Schäfer", "DE02300209000106531065"),
        ("Kita-Förderverein Weisweiler e.V.", "DE02200505501015871393"),
    ];

    public static async Task<int> CreatePledgesAsync(Options options, CancellationToken cancel)
    {
        var baseUrl = options.Url("url");
        var count = options.Int("count", 50_000, 1);
        var concurrency = options.Int("concurrency", 16, 1);
        var appeal = options.Text("appeal") ?? "freude-schenken-2021";
        var output = Path.GetFullPath(options.Text("out") ?? ".bench/import-pledges.tsv");
        var timeout = TimeSpan.FromSeconds(options.Int("timeout-seconds", 1800, 1));
        options.RejectUnknown();

        using var client = ApiClient.Create(concurrency, TimeSpan.FromSeconds(60));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        cts.CancelAfter(timeout);
        var created = new ConcurrentBag<(string Reference, long AmountCents)>();
        var errors = new ConcurrentQueue<string>();
        var next = -1;
        var clock = Stopwatch.StartNew();
        Console.Error.WriteLine($"bench: creating {count} pledges with {concurrency} workers for the import");
        var workers = Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            var rng = new Random(31 * (w + 1));
            while (!cts.IsCancellationRequested && Interlocked.Increment(ref next) < count)
            {
                var (body, _) = PledgeBodies.Next(rng);
                try
                {
                    created.Add(await ApiClient.PledgeAsync(client, baseUrl, appeal, body, cts.Token));
                    if (created.Count % 5000 == 0) Console.Error.WriteLine($"bench:   {created.Count} pledges after {clock.Elapsed.TotalSeconds:F0} s");
                }
                catch (Exception e) when (e is InvalidOperationException or HttpRequestException or TaskCanceledException or IOException)
                {
                    errors.Enqueue(e.Message);
                }
            }
        }, CancellationToken.None));
        await Task.WhenAll(workers);
        clock.Stop();

        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        await File.WriteAllLinesAsync(output, created.Select(c => $"{c.Reference}\t{c.AmountCents.ToString(CultureInfo.InvariantCulture)}"), CancellationToken.None);
        Console.Out.WriteLine($"Pledges for the import: {created.Count} of {count} created in {Stats.F(clock.Elapsed.TotalSeconds, 1)} s "
                              + $"({Stats.F(created.Count / clock.Elapsed.TotalSeconds, 1)}/s, {concurrency} workers), {errors.Count} errors"
                              + (errors.TryPeek(out var first) ? $", e.g. `{ApiClient.Snippet(first)}`." : "."));
        Console.Error.WriteLine($"bench: wrote {created.Count} references to {output}");
        return created.Count > 0 ? 0 : 1;
    }

    public static async Task<int> RunAsync(Options options, CancellationToken cancel)
    {
        var baseUrl = options.Url("url");
        var token = options.Required("token");
        var pledgesPath = options.Required("pledges");
        var count = options.Int("count", 100_000, 1);
        var iban = options.Text("iban") ?? DemoIban;
        var pidText = options.Text("pid");
        var file = Path.GetFullPath(options.Text("file") ?? $".bench/import-{count}.xml");
        var repeat = options.Int("repeat", 2, 0);
        var payerDetails = options.Text("payer-details") is "true";
        var indent = options.Text("indent") is "true";
        var skip = options.Int("skip-pledges", 0);
        var idempotencyKey = options.Text("idempotency-key") is "true";
        var settle = TimeSpan.FromSeconds(options.Int("settle-seconds", 300));
        var timeout = TimeSpan.FromSeconds(options.Int("timeout-seconds", 1800, 1));
        options.RejectUnknown();
        int? pid = pidText is null ? null : int.Parse(pidText, CultureInfo.InvariantCulture);

        var pledges = (await File.ReadAllLinesAsync(pledgesPath, cancel)).Where(l => l.Length > 0).Select(l =>
        {
            var parts = l.Split('\t');
            return (Reference: parts[0], AmountCents: long.Parse(parts[1], CultureInfo.InvariantCulture));
        }).ToList();
        pledges = pledges.Skip(skip).ToList();
        var toMatch = Math.Min(pledges.Count, count / 2);

        // Even positions pay a pledge while there are some left; the others carry a valid RF reference nobody pledged.
        var rng = new Random(4242 + count);
        var bookings = new GeneratedCredit[count];
        var matchedSoFar = 0;
        Span<byte> guid = stackalloc byte[16];
        for (var i = 0; i < count; i++)
        {
            var payer = Payers[i % Payers.Length];
            var bookingDate = new DateOnly(2021, 7, 20).AddDays(i * 150 / count);
            string reference;
            long amount;
            if (i % 2 == 0 && matchedSoFar < toMatch)
            {
                (reference, amount) = pledges[matchedSoFar++];
            }
            else
            {
                rng.NextBytes(guid);
                reference = CreditorReference.FromGuid(new Guid(guid)).Value;
                amount = rng.Next(4) == 0 ? rng.NextInt64(100, 250_001) : 5000;
            }
            bookings[i] = payerDetails
                ? new GeneratedCredit(amount, bookingDate, DebtorName: payer.Name, DebtorIban: payer.Iban, StructuredReference: reference)
                : new GeneratedCredit(amount, bookingDate, StructuredReference: reference);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var writeClock = Stopwatch.StartNew();
        await using (var stream = File.Create(file))
        {
            CamtWriter.Write053v08(stream, $"BENCH-{count}", iban, bookings, new CamtWriterOptions { Indent = indent });
        }
        var size = new FileInfo(file).Length;
        Console.Error.WriteLine($"bench: wrote {file}: {count} transactions ({toMatch} paying pledges), {size / 1e6:F1} MB in {writeClock.Elapsed.TotalSeconds:F1} s");

        using var client = ApiClient.Create(1, timeout);
        var rows = new List<string>();
        var answers = new List<string>();
        var failed = false;
        var settled = new List<string>();
        for (var run = 1; run <= repeat; run++)
        {
            if (run > 1 && pid is not null)
            {
                // The first import queues receipt messages (pledges with receiptWanted that got paid): let the service
                // finish them so that they do not run during the next measurement.
                var (idle, waited) = await ProcMemory.WaitIdleAsync(pid.Value, settle, cancel);
                settled.Add(idle
                    ? $"The service went idle {Stats.F(waited.TotalSeconds, 0)} s after import {run - 1} (receipts issued in the background); import {run} started then."
                    : $"**The service was still busy {Stats.F(waited.TotalSeconds, 0)} s after import {run - 1} (receipts in the background): import {run} overlapped with that work.**");
                Console.Error.WriteLine($"bench: {settled[^1]}");
            }
            var reset = run > 1 && ProcMemory.ResetPeak(pid);
            var before = ProcMemory.Read(pid);
            Console.Error.WriteLine($"bench: import {run}/{repeat}: POST {size / 1e6:F1} MB (service VmHWM {ProcMemory.MiB(before.HwmKiB)} MiB, VmRSS {ProcMemory.MiB(before.RssKiB)} MiB)");
            var (status, body, elapsed, error) = await ApiClient.PostStatementAsync(client, baseUrl, file, token, idempotencyKey, cancel);
            var after = ProcMemory.Read(pid);
            var seconds = elapsed.TotalSeconds;
            var what = run == 1 ? "first import" : "same file again (duplicates)";
            var statusText = status is { } s ? ((int)s).ToString(CultureInfo.InvariantCulture) : error ?? "?";
            Console.Error.WriteLine($"bench:   {statusText} after {seconds:F1} s, VmHWM {ProcMemory.MiB(after.HwmKiB)} MiB: {ApiClient.Snippet(body, 500)}");
            rows.Add($"| {run}: {what} | {count} | {ApiClient.Snippet(statusText)} | {Stats.F(seconds, 1)} | {(status == HttpStatusCode.OK ? Stats.F(count / seconds, 0) : "–")} | "
                     + $"{ProcMemory.MiB(before.RssKiB)} | {ProcMemory.MiB(after.HwmKiB)}{(run > 1 ? (reset ? " (peak reset before this run)" : " (peak not reset: includes run 1)") : "")} | {ProcMemory.MiB(after.RssKiB)} |");
            answers.Add($"{run}. `{(status == HttpStatusCode.OK ? Compact(body) : ApiClient.Snippet(body, 1000))}`");
            if (status != HttpStatusCode.OK) failed = true;
        }

        var o = Console.Out;
        o.WriteLine($"Statement: camt.053.001.08, {count:N0} credit transactions (one entry with one `TxDtls` each) to {iban}, "
                    + $"{size / 1e6:F1} MB; {toMatch:N0} pay a pledge by its RF reference (same amount), {count - toMatch:N0} carry an RF reference nobody pledged; "
                    + (payerDetails ? "with payer name and IBAN; " : "no payer name, IBAN or remittance text (as `GeneratedCredit(amount, date, StructuredReference: …)`); ")
                    + (indent ? "indented XML; " : "XML without indentation; ")
                    + (idempotencyKey ? "sent with an `Idempotency-Key`. " : "sent without `Idempotency-Key`. ")
                    + $"{pledges.Count:N0} pledges were created through the API beforehand.");
        o.WriteLine();
        o.WriteLine("| run | transactions | HTTP status | wall s | transactions/s | service VmRSS before (MiB) | service VmHWM after (MiB) | service VmRSS after (MiB) |");
        o.WriteLine("|---|---:|---|---:|---:|---:|---:|---:|");
        foreach (var row in rows) o.WriteLine(row);
        o.WriteLine();
        foreach (var line in settled) o.WriteLine(line);
        if (settled.Count > 0) o.WriteLine();
        o.WriteLine("Answers:");
        o.WriteLine();
        foreach (var answer in answers) o.WriteLine(answer);
        return failed ? 1 : 0;
    }

    private static string Compact(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return JsonSerializer.Serialize(doc.RootElement);
        }
        catch (JsonException)
        {
            return ApiClient.Snippet(json, 1000);
        }
    }
}
