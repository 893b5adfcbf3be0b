using System.Diagnostics;
using System.Net;

namespace FlutHilfe.Bench;

internal static class Health
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>Polls GET {url} every 20 ms until it answers <paramref name="expected"/>; false on timeout or when <paramref name="alive"/> turns false.</summary>
    public static async Task<bool> PollAsync(HttpClient client, Uri url, HttpStatusCode expected, Func<bool> alive, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested && alive())
        {
            try
            {
                using var response = await client.GetAsync(url, ct);
                if (response.StatusCode == expected) return true;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                if (ct.IsCancellationRequested) return false;
            }
            try
            {
                await Task.Delay(PollInterval, ct);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
        return false;
    }

    public static async Task<int> WaitCommandAsync(Options options, CancellationToken cancel)
    {
        var url = options.Url("url");
        var timeout = TimeSpan.FromSeconds(options.Int("timeout-seconds", 120, 1));
        options.RejectUnknown();

        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        cts.CancelAfter(timeout);
        var clock = Stopwatch.StartNew();
        if (await PollAsync(client, new Uri(url, "health"), HttpStatusCode.OK, () => true, cts.Token))
        {
            Console.Error.WriteLine($"bench: {url}health answered 200 after {clock.ElapsedMilliseconds} ms");
            return 0;
        }
        Console.Error.WriteLine($"bench: {url}health did not answer 200 within {timeout.TotalSeconds:F0} s");
        return 1;
    }
}
