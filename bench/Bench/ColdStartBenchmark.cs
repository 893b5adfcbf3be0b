using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace FlutHilfe.Bench;

/// <summary>
/// Starts the published service, measures the time from process start to the first 200 of
/// GET /health, the first 200 of GET /api/appeals and the first 201 of a pledge, then kills it.
/// </summary>
internal static class ColdStartBenchmark
{
    private sealed record Sample(double HealthMs, double AppealsMs, double PledgeMs);

    public static async Task<int> RunAsync(Options options, CancellationToken cancel)
    {
        var dll = Path.GetFullPath(options.Required("dll"));
        var url = options.Url("url", "http://127.0.0.1:5091");
        var runs = options.Int("runs", 3, 1);
        var appeal = options.Text("appeal") ?? "freude-schenken-2021";
        var timeout = TimeSpan.FromSeconds(options.Int("timeout-seconds", 180, 1));
        var connection = options.Text("connection") ?? Db.UrlFromOps();
        var log = Path.GetFullPath(options.Text("log") ?? Path.Combine(Path.GetDirectoryName(dll)!, "..", "coldstart.log"));
        options.RejectUnknown();

        if (!File.Exists(dll)) throw new UsageException($"no such file: {dll}");
        if (await IsListeningAsync(url, cancel))
        {
            Console.Error.WriteLine($"bench: something already listens on {url.Authority}: pick a free port with --url");
            return 1;
        }

        File.WriteAllText(log, "");
        var samples = new List<Sample>();
        for (var n = 1; n <= runs; n++)
        {
            Console.Error.WriteLine($"bench: cold start {n}/{runs}: dotnet {dll} --urls {url.GetLeftPart(UriPartial.Authority)}");
            var sample = await MeasureOnceAsync(dll, url, appeal, connection, log, n, timeout, cancel);
            if (sample is null) return 1;
            samples.Add(sample);
            Console.Error.WriteLine($"bench:   /health {sample.HealthMs:F0} ms, /api/appeals {sample.AppealsMs:F0} ms, first pledge {sample.PledgeMs:F0} ms");
        }

        var o = Console.Out;
        o.WriteLine("| run | process start → GET /health 200 (ms) | → GET /api/appeals 200 (ms) | → first pledge 201 (ms) |");
        o.WriteLine("|---|---:|---:|---:|");
        for (var i = 0; i < samples.Count; i++)
            o.WriteLine($"| {i + 1} | {Stats.F(samples[i].HealthMs, 0)} | {Stats.F(samples[i].AppealsMs, 0)} | {Stats.F(samples[i].PledgeMs, 0)} |");
        o.WriteLine($"| **median** | **{Stats.F(Stats.Median(samples.Select(s => s.HealthMs).ToList()), 0)}** | "
                    + $"**{Stats.F(Stats.Median(samples.Select(s => s.AppealsMs).ToList()), 0)}** | "
                    + $"**{Stats.F(Stats.Median(samples.Select(s => s.PledgeMs).ToList()), 0)}** |");
        return 0;
    }

    private static async Task<Sample?> MeasureOnceAsync(string dll, Uri url, string appeal, string connection, string log, int n, TimeSpan timeout, CancellationToken cancel)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            // The content root is the working directory: appsettings*.json are beside the dll.
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(url.GetLeftPart(UriPartial.Authority));
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["DemoData__Seed"] = "true";
        start.Environment["ConnectionStrings__FlutHilfe"] = connection;
        start.Environment["DOTNET_NOLOGO"] = "1";

        await using var logWriter = new StreamWriter(log, append: true) { AutoFlush = true };
        await logWriter.WriteLineAsync($"===== cold start {n} {DateTimeOffset.Now:O} =====");
        var logLock = new Lock();
        void Append(string? line)
        {
            if (line is null) return;
            lock (logLock) logWriter.WriteLine(line);
        }

        using var handler = new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        cts.CancelAfter(timeout);

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            bool Alive() => !process.HasExited;
            if (!await Health.PollAsync(client, new Uri(url, "health"), HttpStatusCode.OK, Alive, cts.Token))
                return Failed("GET /health never answered 200", process, log);
            var health = clock.Elapsed.TotalMilliseconds;

            if (!await Health.PollAsync(client, new Uri(url, "api/appeals"), HttpStatusCode.OK, Alive, cts.Token))
                return Failed("GET /api/appeals never answered 200", process, log);
            var appeals = clock.Elapsed.TotalMilliseconds;

            var pledgeUrl = new Uri(url, $"api/appeals/{Uri.EscapeDataString(appeal)}/donations");
            while (true)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, pledgeUrl);
                request.Content = new ByteArrayContent(PledgeBodies.Serialize(new PledgeBody(2500, null, null, false)));
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
                using var response = await client.SendAsync(request, cts.Token);
                if (response.StatusCode == HttpStatusCode.Created) break;
                var body = await response.Content.ReadAsStringAsync(cts.Token);
                Console.Error.WriteLine($"bench:   first pledge answered {(int)response.StatusCode}: {body}");
                if (!Alive() || (int)response.StatusCode is >= 400 and < 500) return Failed("the first pledge was refused", process, log);
                await Task.Delay(Health.PollInterval, cts.Token);
            }
            var pledge = clock.Elapsed.TotalMilliseconds;
            return new Sample(health, appeals, pledge);
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            return Failed($"no answer within {timeout.TotalSeconds:F0} s", process, log);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            process.WaitForExit(); // drains the redirected output into the log
        }
    }

    private static Sample? Failed(string what, Process process, string log)
    {
        var exited = process.HasExited ? $" (the service exited with {process.ExitCode})" : "";
        Console.Error.WriteLine($"bench: {what}{exited}; see {log}");
        return null;
    }

    private static async Task<bool> IsListeningAsync(Uri url, CancellationToken ct)
    {
        try
        {
            using var tcp = new TcpClient();
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(TimeSpan.FromSeconds(2));
            await tcp.ConnectAsync(url.Host, url.Port, cts.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
