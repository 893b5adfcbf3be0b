using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace FlutHilfe.Bench.Scenarios;

/// <summary>Baseline, ours, baseline, ours, …: each round runs one after the other, and the medians are compared.</summary>
internal static class Interleaved
{
    public static async Task<(List<double> Baseline, List<double> Ours)> RunAsync(int rounds, Func<int, Task<double>> baseline, Func<int, Task<double>> ours, string what)
    {
        var b = new List<double>();
        var o = new List<double>();
        for (var i = 1; i <= rounds; i++)
        {
            b.Add(await baseline(i));
            o.Add(await ours(i));
            Log.Info($"  {what} round {i}/{rounds}: baseline {Stats.F(b[^1])}, ours {Stats.F(o[^1])}");
        }
        return (b, o);
    }

    public static string Rounds(IEnumerable<double> values) => string.Join(", ", values.Select(v => BenchmarkDoc.Number(v)));
}

/// <summary>Samples a process's resident memory every 100 ms while running.</summary>
internal sealed class RssSampler : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _peakKiB;

    public RssSampler(int pid)
    {
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                if (ProcMemory.Read(pid).RssKiB is { } rss) InterlockedMax(rss);
                try
                {
                    await Task.Delay(100, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        });
    }

    public long PeakKiB => Interlocked.Read(ref _peakKiB);

    private void InterlockedMax(long value)
    {
        long seen;
        while (value > (seen = Interlocked.Read(ref _peakKiB)) && Interlocked.CompareExchange(ref _peakKiB, value, seen) != seen)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}

internal static class Requests
{
    public static Uri Pledges(Uri baseUrl, string appeal) => new(baseUrl, $"api/appeals/{Uri.EscapeDataString(appeal)}/donations");

    public static HttpRequestMessage Pledge(Uri endpoint, PledgeBody body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(PledgeBodies.Serialize(body)) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        return request;
    }

    /// <summary>A 201 carrying a pledged donation; its id, or null with <paramref name="error"/>.</summary>
    public static Guid? Pledged(HttpResponseMessage response, byte[] bytes, out string? error)
    {
        error = null;
        if (response.StatusCode != HttpStatusCode.Created)
        {
            error = $"{(int)response.StatusCode} {HttpLoad.Snippet(bytes)}";
            return null;
        }
        try
        {
            using var json = JsonDocument.Parse(bytes);
            var root = json.RootElement;
            if (root.TryGetProperty("status", out var s) && s.GetString() == "pledged" && root.TryGetProperty("donationId", out var id)) return id.GetGuid();
        }
        catch (JsonException)
        {
        }
        error = $"201 with an unexpected body {HttpLoad.Snippet(bytes)}";
        return null;
    }

    /// <summary>The appeal totals' pledge count, read through the public endpoint.</summary>
    public static async Task<int> TotalsPledgesAsync(HttpClient client, Uri baseUrl, string appeal, CancellationToken ct)
    {
        using var response = await client.GetAsync(new Uri(baseUrl, $"api/appeals/{Uri.EscapeDataString(appeal)}/totals"), ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"totals answered {(int)response.StatusCode}: {ApiClient.Snippet(text)}");
        using var json = JsonDocument.Parse(text);
        return json.RootElement.GetProperty("pledges").GetInt32();
    }
}

internal static class Cpu
{
    /// <summary>CPU time of this process.</summary>
    public static TimeSpan Own() => Process.GetCurrentProcess().TotalProcessorTime;

    public static double TicksToMs(long ticks) => ticks * 10.0; // USER_HZ is 100 on Linux
}
