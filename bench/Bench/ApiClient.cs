using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace FlutHilfe.Bench;

/// <summary>Small helpers for the set-up requests of the import and balance benchmarks.</summary>
internal static class ApiClient
{
    public static HttpClient Create(int connections, TimeSpan timeout) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
    })
    { Timeout = timeout };

    public static async Task<(HttpStatusCode Status, string Body)> PostJsonAsync(HttpClient client, Uri url, object body, string? token, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url);
        request.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, PledgeBodies.Json));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request, ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(ct));
    }

    /// <summary>Pledges one donation; returns its reference and amount, or throws with the answer.</summary>
    public static async Task<(string Reference, long AmountCents)> PledgeAsync(HttpClient client, Uri baseUrl, string appeal, PledgeBody body, CancellationToken ct)
    {
        var (status, text) = await PostJsonAsync(client, new Uri(baseUrl, $"api/appeals/{Uri.EscapeDataString(appeal)}/donations"), body, null, ct);
        if (status != HttpStatusCode.Created) throw new InvalidOperationException($"pledge answered {(int)status}: {Snippet(text)}");
        using var json = JsonDocument.Parse(text);
        return (json.RootElement.GetProperty("reference").GetString()!, json.RootElement.GetProperty("amountCents").GetInt64());
    }

    /// <summary>POSTs a camt.053 file from disk; returns status, body and wall time.</summary>
    public static async Task<(HttpStatusCode? Status, string Body, TimeSpan Elapsed, string? Error)> PostStatementAsync(
        HttpClient client, Uri baseUrl, string path, string token, bool idempotencyKey, CancellationToken ct)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            await using var file = File.OpenRead(path);
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl, "api/bank-statements"));
            request.Content = new StreamContent(file, 1 << 20);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
            request.Content.Headers.ContentLength = file.Length;
            // With an Idempotency-Key the idempotency middleware reads the whole body before the endpoint raises
            // Kestrel's request body limit (30 MB by default), so large statements fail that way: off by default.
            if (idempotencyKey) request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            return (response.StatusCode, body, clock.Elapsed, null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return (null, "", clock.Elapsed, $"{e.GetType().Name}: {e.Message}");
        }
    }

    public static string Snippet(string text, int max = 300) => (text.Length > max ? text[..max] + "…" : text).ReplaceLineEndings(" ").Replace('`', '\'');
}

/// <summary>Peak and current resident memory of a process, from /proc/&lt;pid&gt;/status.</summary>
internal static class ProcMemory
{
    public static (long? HwmKiB, long? RssKiB) Read(int? pid)
    {
        if (pid is null) return (null, null);
        try
        {
            long? hwm = null, rss = null;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) hwm = KiB(line);
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = KiB(line);
            }
            return (hwm, rss);
        }
        catch (IOException)
        {
            return (null, null);
        }
    }

    /// <summary>Resets VmHWM to the current RSS (Linux ≥ 4.0: write 5 to clear_refs); false if not allowed.</summary>
    public static bool ResetPeak(int? pid)
    {
        if (pid is null) return false;
        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>CPU time (user + system) of a process in clock ticks, from /proc/&lt;pid&gt;/stat.</summary>
    public static long? CpuTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Waits until the process used less than 5 % of a CPU in each of 3 consecutive seconds; false after <paramref name="cap"/>.</summary>
    public static async Task<(bool Idle, TimeSpan Waited)> WaitIdleAsync(int pid, TimeSpan cap, CancellationToken ct)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var quiet = 0;
        var last = CpuTicks(pid);
        while (clock.Elapsed < cap && last is not null)
        {
            await Task.Delay(1000, ct);
            var now = CpuTicks(pid);
            if (now is null) break;
            quiet = now - last < 5 ? quiet + 1 : 0; // 100 ticks per second
            last = now;
            if (quiet >= 3) return (true, clock.Elapsed);
        }
        return (false, clock.Elapsed);
    }

    public static string MiB(long? kib) => kib is { } k ? Stats.F(k / 1024.0, 0) : "–";

    private static long KiB(string line) => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
}
