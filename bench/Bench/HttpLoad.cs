using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace FlutHilfe.Bench;

/// <summary>What one bounded load round saw.</summary>
internal sealed class LoadResult
{
    public required int Ok { get; init; }
    public required int Failed { get; init; }
    public required double Seconds { get; init; }
    /// <summary>Latencies of the accepted answers, ascending, in milliseconds (send → last byte read).</summary>
    public required double[] LatenciesMs { get; init; }
    public required IReadOnlyDictionary<string, int> Statuses { get; init; }
    public required IReadOnlyList<string> ErrorSamples { get; init; }

    public double Rate => Seconds > 0 ? Ok / Seconds : double.NaN;
    public double P(double percentile) => Stats.Percentile(LatenciesMs, percentile);
    public string StatusText => string.Join(", ", Statuses.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}×{s.Value}"));
}

/// <summary>
/// An HTTP load loop against 127.0.0.1 only: C workers on C pooled connections send requests back to back until the
/// round's time is up (or a request count is reached), then stop by themselves. The check decides whether an answer
/// counts (null) or is an error (its description).
/// </summary>
internal static class HttpLoad
{
    private const int ErrorSamplesMax = 5;

    public static HttpClient Client(int connections, TimeSpan timeout) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
    })
    { Timeout = timeout };

    public static async Task<LoadResult> RunAsync(HttpClient client, Uri target, int connections, TimeSpan duration, int? requestsMax,
        Func<HttpRequestMessage> request, Func<HttpResponseMessage, byte[], string?> check, CancellationToken ct)
    {
        if (!IPAddress.TryParse(target.Host, out var ip) || !IPAddress.IsLoopback(ip))
            throw new InvalidOperationException($"load goes to loopback addresses only, not {target.Host}");
        var statuses = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var errors = new ConcurrentQueue<string>();
        var latencies = new List<double>[connections];
        var failed = 0;
        var sent = 0;
        var clock = Stopwatch.StartNew();
        var deadline = duration;
        var workers = Enumerable.Range(0, connections).Select(w => Task.Run(async () =>
        {
            var mine = latencies[w] = new List<double>(1024);
            while (!ct.IsCancellationRequested && clock.Elapsed < deadline)
            {
                if (requestsMax is { } max && Interlocked.Increment(ref sent) > max) return;
                using var message = request();
                var started = Stopwatch.GetTimestamp();
                string status;
                string? error;
                try
                {
                    using var response = await client.SendAsync(message, HttpCompletionOption.ResponseContentRead, ct);
                    var bytes = await response.Content.ReadAsByteArrayAsync(ct);
                    var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    status = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
                    error = check(response, bytes);
                    if (error is null) mine.Add(ms);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                {
                    status = e is TaskCanceledException ? "client-timeout" : "connection-error";
                    error = $"{status} {e.GetType().Name}: {e.Message}";
                }
                statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                if (error is not null)
                {
                    Interlocked.Increment(ref failed);
                    if (errors.Count < ErrorSamplesMax) errors.Enqueue(error);
                }
            }
        }, CancellationToken.None)).ToArray();
        await Task.WhenAll(workers);
        var seconds = clock.Elapsed.TotalSeconds;
        var all = latencies.Where(l => l is not null).SelectMany(l => l).Order().ToArray();
        return new LoadResult
        {
            Ok = all.Length, Failed = failed, Seconds = seconds, LatenciesMs = all,
            Statuses = new Dictionary<string, int>(statuses), ErrorSamples = errors.ToList(),
        };
    }

    public static string Snippet(byte[] bytes, int max = 300)
        => System.Text.Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, max)).ReplaceLineEndings(" ").Replace('`', '\'');
}
