using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace FlutHilfe.Bench;

/// <summary>
/// Fires N pledges from C concurrent workers that share one counter, after a warm-up that is not
/// counted; reports throughput, latency percentiles, status codes and errors as markdown.
/// </summary>
internal static class PledgeBenchmark
{
    private const int ErrorSamplesMax = 10;

    internal sealed class Run(int count)
    {
        public int Next = -1;
        public readonly double[] LatencyMs = new double[count];
        public readonly bool[] Ok = new bool[count];
        public readonly ConcurrentDictionary<string, int> Statuses = new(StringComparer.Ordinal);
        public readonly ConcurrentDictionary<PledgeKind, int> Kinds = new();
        public readonly ConcurrentQueue<string> ErrorSamples = new();
        public int Errors;
        public int Attempted;
    }

    public static async Task<int> RunAsync(Options options, CancellationToken cancel)
    {
        var baseUrl = options.Url("url", "http://127.0.0.1:5080");
        var count = options.Int("count", 10_000, 1);
        var concurrency = options.Int("concurrency", 16, 1);
        var appeal = options.Text("appeal") ?? "freude-schenken-2021";
        var warmup = options.Int("warmup", 200);
        var timeout = TimeSpan.FromSeconds(options.Int("timeout-seconds", 600, 1));
        options.RejectUnknown();

        var endpoint = new Uri(baseUrl, $"api/appeals/{Uri.EscapeDataString(appeal)}/donations");
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = concurrency,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };

        using var overall = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        overall.CancelAfter(timeout);

        if (warmup > 0)
        {
            Console.Error.WriteLine($"bench: warm-up, {warmup} pledges to {endpoint} ({concurrency} workers, not counted)");
            var w = await FireAsync(client, endpoint, warmup, concurrency, overall.Token);
            var warmErrors = w.Run.Errors;
            if (w.Run.Statuses.ContainsKey("429"))
            {
                Console.Error.WriteLine("bench: the service answers 429 during warm-up: its per-client rate limit is active. "
                                        + "Start it with Pledging__PledgesPerMinutePerClient=1000000.");
                return 1;
            }
            if (warmErrors == warmup)
            {
                Console.Error.WriteLine($"bench: every warm-up pledge failed, e.g. {w.Run.ErrorSamples.FirstOrDefault()}");
                return 1;
            }
            if (warmErrors > 0) Console.Error.WriteLine($"bench: {warmErrors} warm-up errors, e.g. {w.Run.ErrorSamples.FirstOrDefault()}");
        }

        Console.Error.WriteLine($"bench: measuring {count} pledges, {concurrency} concurrent workers, timeout {timeout.TotalSeconds:F0} s");
        var (run, elapsed) = await FireAsync(client, endpoint, count, concurrency, overall.Token);
        var timedOut = overall.IsCancellationRequested && !cancel.IsCancellationRequested;

        var ok = run.LatencyMs.Where((_, i) => run.Ok[i]).Order().ToArray();
        var seconds = elapsed.TotalSeconds;
        var statuses = string.Join(", ", run.Statuses.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}×{s.Value}"));
        var kinds = string.Join(", ", run.Kinds.OrderBy(k => k.Key).Select(k => $"{k.Key.ToString().ToLowerInvariant()} {k.Value}"));

        var o = Console.Out;
        o.WriteLine("| pledges sent | ok (201) | concurrency | wall s | pledges/s | p50 ms | p90 ms | p99 ms | max ms | status codes | errors |");
        o.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|");
        o.WriteLine($"| {run.Attempted} | {ok.Length} | {concurrency} | {Stats.F(seconds, 2)} | {Stats.F(ok.Length / seconds)} | "
                    + $"{Stats.F(Stats.Percentile(ok, 50))} | {Stats.F(Stats.Percentile(ok, 90))} | {Stats.F(Stats.Percentile(ok, 99))} | "
                    + $"{Stats.F(ok.Length == 0 ? double.NaN : ok[^1])} | {statuses} | {run.Errors} |");
        o.WriteLine();
        o.WriteLine($"Body mix: {kinds} (earmarked = split over stolberg/kita-schulmaterial and eschweiler; donor = umlauts, receiptWanted=true). "
                    + $"Warm-up: {warmup} pledges, not counted. Latency over the 201 answers, from send to the last byte read.");
        if (timedOut) o.WriteLine($"\n**Stopped by the overall timeout of {timeout.TotalSeconds:F0} s after {run.Attempted} of {count} pledges.**");
        if (!run.ErrorSamples.IsEmpty)
        {
            o.WriteLine();
            o.WriteLine("Error samples:");
            foreach (var sample in run.ErrorSamples) o.WriteLine($"- `{sample}`");
        }
        return run.Errors == 0 && !timedOut && ok.Length == count ? 0 : 1;
    }

    internal static async Task<(Run Run, TimeSpan Elapsed)> FireAsync(HttpClient client, Uri endpoint, int count, int concurrency, CancellationToken ct)
    {
        var run = new Run(count);
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(w => Task.Run(() => WorkerAsync(client, endpoint, run, count, new Random(7919 * (w + 1)), ct), CancellationToken.None));
        await Task.WhenAll(workers);
        return (run, clock.Elapsed);
    }

    private static async Task WorkerAsync(HttpClient client, Uri endpoint, Run run, int count, Random rng, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var i = Interlocked.Increment(ref run.Next);
            if (i >= count) return;
            Interlocked.Increment(ref run.Attempted);

            var (body, kind) = PledgeBodies.Next(rng);
            run.Kinds.AddOrUpdate(kind, 1, (_, n) => n + 1);
            using var request = new HttpRequestMessage(HttpMethod.Post, endpoint);
            request.Content = new ByteArrayContent(PledgeBodies.Serialize(body));
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());

            var started = Stopwatch.GetTimestamp();
            string status;
            string? error = null;
            try
            {
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
                var bytes = await response.Content.ReadAsByteArrayAsync(ct);
                run.LatencyMs[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    error = CheckPledged(bytes, body.AmountCents);
                    run.Ok[i] = error is null;
                }
                else
                {
                    error = $"{status} {Snippet(bytes)}";
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                status = "cancelled";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                status = e is TaskCanceledException ? "client-timeout" : "connection-error";
                error = $"{status} {e.GetType().Name}: {e.Message}";
            }

            run.Statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            if (error is not null)
            {
                Interlocked.Increment(ref run.Errors);
                if (run.ErrorSamples.Count < ErrorSamplesMax) run.ErrorSamples.Enqueue(error);
            }
        }
    }

    /// <summary>A 201 must carry a pledged donation for the amount sent; returns the problem or null.</summary>
    private static string? CheckPledged(byte[] bytes, long amountCents)
    {
        try
        {
            using var json = JsonDocument.Parse(bytes);
            var root = json.RootElement;
            var status = root.TryGetProperty("status", out var s) ? s.GetString() : null;
            var amount = root.TryGetProperty("amountCents", out var a) ? a.GetInt64() : -1;
            var reference = root.TryGetProperty("reference", out var r) ? r.GetString() : null;
            return status == "pledged" && amount == amountCents && reference?.StartsWith("RF", StringComparison.Ordinal) == true
                ? null
                : $"201 with unexpected body {Snippet(bytes)}";
        }
        catch (JsonException e)
        {
            return $"201 with invalid JSON ({e.Message}) {Snippet(bytes)}";
        }
    }

    private static string Snippet(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 300)).ReplaceLineEndings(" ");
        return text.Replace('`', '\'');
    }
}
