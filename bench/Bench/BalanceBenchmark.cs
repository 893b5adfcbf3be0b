using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using FlutHilfe.TestSupport;

namespace FlutHilfe.Bench;

/// <summary>
/// Latency of GET /api/municipalities/{id}/balance from one sequential client: first without load (baseline), then
/// while the pledge load of `bench pledges` runs. Before measuring, gives the municipality money and allocations:
/// earmarked pledges, a statement paying them, and a few allocations; waits until the async daemon shows them.
/// </summary>
internal static class BalanceBenchmark
{
    private sealed record Allocate(string MunicipalityId, long AmountCents, string DecisionReference, string DecidedOn);

    public static async Task<int> RunAsync(Options options, CancellationToken cancel)
    {
        var baseUrl = options.Url("url");
        var token = options.Required("token");
        var municipality = options.Text("municipality") ?? "stolberg";
        var appeal = options.Text("appeal") ?? "freude-schenken-2021";
        var iban = options.Text("iban") ?? "DE89370400440532013000";
        var pledges = options.Int("pledges", 20_000, 1);
        var concurrency = options.Int("concurrency", 16, 1);
        var baselineSamples = options.Int("baseline-samples", 2_000, 1);
        var minSamples = options.Int("min-samples", 2_000, 0);
        var allocations = options.Int("allocations", 5, 1);
        var timeout = TimeSpan.FromSeconds(options.Int("timeout-seconds", 900, 1));
        options.RejectUnknown();

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        cts.CancelAfter(timeout);
        var ct = cts.Token;
        var balanceUrl = new Uri(baseUrl, $"api/municipalities/{Uri.EscapeDataString(municipality)}/balance");
        using var client = ApiClient.Create(2, TimeSpan.FromSeconds(60));

        // --- set-up: money for the municipality, then allocations ------------------------------------
        var (allocatedBefore, allocationsBefore) = await ReadBalanceAsync(client, balanceUrl, token, ct);
        const long PledgeCents = 100_000;
        const long AllocationCents = 150_000;
        var paying = (int)Math.Ceiling(allocations * AllocationCents / (double)PledgeCents) + 2;
        var payments = new List<GeneratedCredit>();
        for (var i = 0; i < paying; i++)
        {
            var body = new PledgeBody(PledgeCents, [new EarmarkBody(municipality, null, PledgeCents)], null, false);
            var (reference, amount) = await ApiClient.PledgeAsync(client, baseUrl, appeal, body, ct);
            payments.Add(new GeneratedCredit(amount, new DateOnly(2021, 11, 2), EndToEndId: $"BAL-{Guid.NewGuid():N}"[..30],
                DebtorName: "Stadtwerke Aachen AG", StructuredReference: reference));
        }
        var statement = CamtWriter.Write053v08($"BAL-{DateTime.UtcNow:yyyyMMddHHmmss}", iban, payments);
        using (var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl, "api/bank-statements")))
        {
            request.Content = new ByteArrayContent(statement);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            using var response = await client.SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"statement import answered {(int)response.StatusCode}: {ApiClient.Snippet(text)}");
            Console.Error.WriteLine($"bench: paid {paying} pledges of {PledgeCents} cents earmarked to {municipality}: {ApiClient.Snippet(text)}");
        }
        var allocateUrl = new Uri(baseUrl, $"api/appeals/{Uri.EscapeDataString(appeal)}/allocations");
        for (var i = 1; i <= allocations; i++)
        {
            var (status, text) = await ApiClient.PostJsonAsync(client, allocateUrl,
                new Allocate(municipality, AllocationCents, $"SI/{allocationsBefore + i}", "2021-12-10"), token, ct);
            if (status != HttpStatusCode.Created) throw new InvalidOperationException($"allocation answered {(int)status}: {ApiClient.Snippet(text)}");
        }
        var expected = allocatedBefore + allocations * AllocationCents;
        var wait = Stopwatch.StartNew();
        int balanceAllocations;
        while (true)
        {
            var (allocated, count) = await ReadBalanceAsync(client, balanceUrl, token, ct);
            balanceAllocations = count;
            if (allocated >= expected) break;
            if (wait.Elapsed > TimeSpan.FromMinutes(2)) throw new InvalidOperationException($"the balance shows {allocated} cents allocated after 2 min, expected {expected}");
            await Task.Delay(100, ct);
        }
        wait.Stop();
        Console.Error.WriteLine($"bench: {allocations} allocations of {AllocationCents} cents visible in the balance after {wait.ElapsedMilliseconds} ms "
                                + $"(allocated {expected} cents over {balanceAllocations} allocations)");

        // --- baseline ------------------------------------------------------------------------------------
        for (var i = 0; i < 50; i++) await GetAsync(client, balanceUrl, token, ct);
        var baseline = new Samples();
        var baselineClock = Stopwatch.StartNew();
        for (var i = 0; i < baselineSamples; i++) baseline.Add(await GetAsync(client, balanceUrl, token, ct));
        baselineClock.Stop();
        Console.Error.WriteLine($"bench: baseline {baseline.Latencies.Count} samples in {baselineClock.Elapsed.TotalSeconds:F1} s, p50 {Stats.F(baseline.P(50))} ms, p99 {Stats.F(baseline.P(99))} ms");

        // --- under the pledge load ---------------------------------------------------------------------
        var endpoint = new Uri(baseUrl, $"api/appeals/{Uri.EscapeDataString(appeal)}/donations");
        using var loadClient = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = Timeout.InfiniteTimeSpan, UseCookies = false })
        { Timeout = TimeSpan.FromSeconds(30) };
        Console.Error.WriteLine($"bench: warm-up, 200 pledges, then {pledges} pledges from {concurrency} workers while polling the balance");
        await PledgeBenchmark.FireAsync(loadClient, endpoint, 200, concurrency, ct);
        var loaded = new Samples();
        var load = Task.Run(() => PledgeBenchmark.FireAsync(loadClient, endpoint, pledges, concurrency, ct), CancellationToken.None);
        var loadedClock = Stopwatch.StartNew();
        while (!load.IsCompleted) loaded.Add(await GetAsync(client, balanceUrl, token, ct));
        loadedClock.Stop();
        var (run, elapsed) = await load;
        var pledgeStatuses = string.Join(", ", run.Statuses.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}×{s.Value}"));
        var pledgeOk = run.Ok.Count(x => x);
        Console.Error.WriteLine($"bench: under load {loaded.Latencies.Count} samples in {loadedClock.Elapsed.TotalSeconds:F1} s, p50 {Stats.F(loaded.P(50))} ms, p99 {Stats.F(loaded.P(99))} ms; "
                                + $"pledges {pledgeOk}/{pledges} in {elapsed.TotalSeconds:F1} s ({pledgeStatuses})");

        var o = Console.Out;
        o.WriteLine($"Set-up: {paying} pledges of {PledgeCents} cents earmarked to {municipality}, paid by one imported statement, then {allocations} allocations "
                    + $"of {AllocationCents} cents (the balance then lists {balanceAllocations} allocations, {expected} cents allocated; "
                    + $"the async daemon showed them after {wait.ElapsedMilliseconds} ms).");
        o.WriteLine();
        o.WriteLine("| condition | samples | wall s | requests/s | p50 ms | p90 ms | p99 ms | max ms | status codes |");
        o.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---|");
        o.WriteLine(baseline.Row("no load (baseline)", baselineClock.Elapsed));
        o.WriteLine(loaded.Row($"during {pledges} pledges from {concurrency} workers", loadedClock.Elapsed));
        o.WriteLine();
        o.WriteLine($"Pledge load meanwhile: {pledgeOk} of {pledges} answered 201 in {Stats.F(elapsed.TotalSeconds, 2)} s "
                    + $"({Stats.F(pledgeOk / elapsed.TotalSeconds)} pledges/s; {pledgeStatuses}; {run.Errors} errors). "
                    + "Latency from send to the last byte read, one request at a time, 50 warm-up requests not counted.");
        if (loaded.Latencies.Count < minSamples)
            o.WriteLine($"\n**Only {loaded.Latencies.Count} samples under load (wanted ≥ {minSamples}): raise --pledges.**");
        var ok = baseline.Failures == 0 && loaded.Failures == 0 && run.Errors == 0 && loaded.Latencies.Count >= minSamples;
        return ok ? 0 : 1;
    }

    private sealed class Samples
    {
        public readonly List<double> Latencies = [];
        public readonly Dictionary<string, int> Statuses = new(StringComparer.Ordinal);
        public int Failures;

        public void Add((string Status, double Ms) sample)
        {
            Statuses[sample.Status] = Statuses.GetValueOrDefault(sample.Status) + 1;
            if (sample.Status == "200") Latencies.Add(sample.Ms);
            else Failures++;
        }

        public double P(double p) => Stats.Percentile(Latencies.Order().ToArray(), p);

        public string Row(string condition, TimeSpan wall)
        {
            var sorted = Latencies.Order().ToArray();
            var statuses = string.Join(", ", Statuses.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}×{s.Value}"));
            return $"| {condition} | {sorted.Length} | {Stats.F(wall.TotalSeconds, 1)} | {Stats.F(sorted.Length / wall.TotalSeconds)} | "
                   + $"{Stats.F(Stats.Percentile(sorted, 50))} | {Stats.F(Stats.Percentile(sorted, 90))} | {Stats.F(Stats.Percentile(sorted, 99))} | "
                   + $"{Stats.F(sorted.Length == 0 ? double.NaN : sorted[^1])} | {statuses} |";
        }
    }

    private static async Task<(string Status, double Ms)> GetAsync(HttpClient client, Uri url, string token, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
            await response.Content.ReadAsByteArrayAsync(ct);
            return (((int)response.StatusCode).ToString(CultureInfo.InvariantCulture), Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            return (e is TaskCanceledException ? "client-timeout" : "connection-error", Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    /// <summary>Allocated cents and number of allocations the balance shows now.</summary>
    private static async Task<(long AllocatedCents, int Allocations)> ReadBalanceAsync(HttpClient client, Uri url, string token, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"GET {url} answered {(int)response.StatusCode}: {ApiClient.Snippet(text)}");
        using var json = JsonDocument.Parse(text);
        var root = json.RootElement;
        var allocations = root.GetProperty("appeals").EnumerateArray().Sum(a => a.GetProperty("allocations").GetArrayLength());
        return (root.GetProperty("total").GetProperty("allocatedCents").GetInt64(), allocations);
    }
}
