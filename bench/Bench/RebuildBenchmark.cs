using FlutHilfe.Projections;
using System.Diagnostics;
using System.Security.Cryptography;
using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Pledging;
using FlutHilfe.Domain.Donations.Receiving;
using FlutHilfe.Domain.Payments;
using FlutHilfe.Domain.Receipts;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Projections.Appeals.Reporting;
using FlutHilfe.Projections.Funds;
using FlutHilfe.Projections.Municipalities;
using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Npgsql;
using Weasel.Core;

namespace FlutHilfe.Bench;

/// <summary>
/// Fills a schema of its own with N donation streams (DonationPledged + DonationPaymentReceived each, one appeal)
/// through a store without projections, then opens a second store with the projections of the service
/// (as in src/Api/Infrastructure/MartenModel.cs, without the documents only the API knows) and rebuilds each
/// one with the projection daemon, timing each rebuild.
/// </summary>
internal static class RebuildBenchmark
{
    private const string Appeal = "freude-schenken-2021";
    private static readonly long[] TypicalAmounts = [500, 1000, 2000, 2500, 5000, 5000, 10000, 10000, 15000, 25000, 50000, 100000];

    /// <summary>The projections of the service, in the order they are rebuilt, with the document table each one writes.</summary>
    private static readonly (string Name, Type Type, Type Document)[] Rebuilt =
    [
        ("Donation (snapshot, inline)", typeof(Donation), typeof(Donation)),
        ("FundBalanceProjection (inline)", typeof(FundBalanceProjection), typeof(FundBalance)),
        ("AppealTotalsProjection (async)", typeof(AppealTotalsProjection), typeof(AppealTotals)),
        ("MunicipalityBalanceProjection (async)", typeof(MunicipalityBalanceProjection), typeof(MunicipalityBalance)),
        ("TransparencyProjection (async)", typeof(TransparencyProjection), typeof(TransparencyReport)),
        ("Appeal (snapshot, inline)", typeof(Appeal), typeof(Appeal)),
        ("Payment (snapshot, inline)", typeof(Payment), typeof(Payment)),
        ("Allocation (snapshot, inline)", typeof(Allocation), typeof(Allocation)),
        ("Receipt (snapshot, inline)", typeof(Receipt), typeof(Receipt)),
    ];

    public static async Task<int> RunAsync(Options options, CancellationToken cancel)
    {
        var connection = options.Text("connection") ?? Db.UrlFromOps();
        var schema = options.Text("schema") ?? "bench_rebuild";
        var streams = options.Int("streams", 500_000, 1);
        var batch = options.Int("batch", 5_000, 1);
        var writers = options.Int("writers", 2, 1);
        var keep = options.Text("keep") is "true";
        options.RejectUnknown();
        if (!System.Text.RegularExpressions.Regex.IsMatch(schema, "^[a-z_][a-z0-9_]{0,62}$"))
            throw new UsageException($"--schema must be a plain lower-case identifier, got '{schema}'");

        // Marten prints notices (e.g. "The async daemon is disabled") to stdout, where the markdown goes: send them to stderr.
        var markdown = Console.Out;
        Console.SetOut(Console.Error);
        await DropSchemaAsync(connection, schema, cancel);
        try
        {
            // --- 1. events, through a store that knows no projection -----------------------------------
            var generation = Stopwatch.StartNew();
            using (var plain = DocumentStore.For(o => Configure(o, connection, schema, projections: false)))
            {
                await plain.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
                var next = -1;
                var written = 0;
                var batches = (streams + batch - 1) / batch;
                var tasks = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
                {
                    while (true)
                    {
                        var b = Interlocked.Increment(ref next);
                        if (b >= batches) return;
                        var rng = new Random(104_729 * (b + 1));
                        await using var session = plain.LightweightSession();
                        var from = b * batch;
                        var to = Math.Min(streams, from + batch);
                        for (var i = from; i < to; i++)
                        {
                            var (pledged, received) = Donation(i, rng);
                            session.Events.StartStream<Donation>(pledged.DonationId, pledged, received);
                        }
                        await session.SaveChangesAsync(cancel);
                        var done = Interlocked.Add(ref written, to - from);
                        if (b % 10 == 0 || done == streams)
                            Console.Error.WriteLine($"bench: {done:N0}/{streams:N0} streams ({2L * done:N0} events) after {generation.Elapsed.TotalSeconds:F0} s");
                    }
                }, cancel)).ToList();
                await Task.WhenAll(tasks);
            }
            generation.Stop();
            var events = await ScalarAsync(connection, $"select count(*) from {schema}.mt_events", cancel);
            Console.Error.WriteLine($"bench: {events:N0} events appended in {generation.Elapsed.TotalSeconds:F1} s");

            // --- 2. rebuild every projection ----------------------------------------------------------
            using var store = DocumentStore.For(o => Configure(o, connection, schema, projections: true));
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            var daemon = await store.BuildProjectionDaemonAsync();
            var rows = new List<(string Name, double Seconds, long Documents)>();
            var total = Stopwatch.StartNew();
            foreach (var (name, type, document) in Rebuilt)
            {
                Console.Error.WriteLine($"bench: rebuilding {name}");
                var clock = Stopwatch.StartNew();
                await daemon.RebuildProjectionAsync(type, TimeSpan.FromMinutes(60), cancel);
                clock.Stop();
                // Marten's default table name for a top-level document type.
                var table = $"{schema}.mt_doc_{document.Name.ToLowerInvariant()}";
                var documents = await ScalarAsync(connection, $"select count(*) from {table}", cancel);
                Console.Error.WriteLine($"bench:   {clock.Elapsed.TotalSeconds:F1} s, {documents:N0} documents in {table}");
                rows.Add((name, clock.Elapsed.TotalSeconds, documents));
            }
            total.Stop();
            await daemon.StopAllAsync();

            await using (var session = store.QuerySession())
            {
                var totals = await session.LoadAsync<AppealTotals>(Appeal, cancel);
                Console.Error.WriteLine($"bench: AppealTotals after rebuild: pledges {totals?.Pledges}, pledged {totals?.Pledged}, received {totals?.Received}");
                if (totals?.Pledges != streams) Console.Error.WriteLine($"bench: WARNING AppealTotals counts {totals?.Pledges} pledges, expected {streams}");
            }

            var o = markdown;
            o.WriteLine($"Events: {events:N0} in {streams:N0} donation streams (DonationPledged + DonationPaymentReceived each, one appeal, "
                        + "about a third earmarked to stolberg/kita-schulmaterial and eschweiler), appended in "
                        + $"{Stats.F(generation.Elapsed.TotalSeconds, 1)} s ({Stats.F(events / generation.Elapsed.TotalSeconds, 0)} events/s, "
                        + $"{batch:N0} streams per SaveChanges, {writers} writers, no projection registered).");
            o.WriteLine();
            o.WriteLine("| projection | rebuild s | events/s (all events in the log ÷ rebuild time) | documents after |");
            o.WriteLine("|---|---:|---:|---:|");
            foreach (var (name, seconds, documents) in rows)
                o.WriteLine($"| {name} | {Stats.F(seconds, 1)} | {Stats.F(events / seconds, 0)} | {documents:N0} |");
            o.WriteLine($"| **all, one after another** | **{Stats.F(total.Elapsed.TotalSeconds, 1)}** | **{Stats.F(events / total.Elapsed.TotalSeconds, 0)}** | |");
            return 0;
        }
        finally
        {
            if (!keep) await DropSchemaAsync(connection, schema, CancellationToken.None);
            Console.SetOut(markdown);
        }
    }

    /// <summary>The settings of src/Api/Infrastructure/HostConfiguration.cs and, with <paramref name="projections"/>, the projections of MartenModel.cs.</summary>
    private static void Configure(StoreOptions options, string connection, string schema, bool projections)
    {
        options.Connection(connection);
        options.DatabaseSchemaName = schema;
        options.AutoCreateSchemaObjects = AutoCreate.All;
        options.ConfigureEventStore();
        if (projections) options.AddFlutHilfeProjections();
    }

    /// <summary>A pledge and its payment, with the value mix of the pledge benchmark.</summary>
    private static (DonationPledged Pledged, DonationPaymentReceived Received) Donation(int i, Random rng)
    {
        var id = Guid.CreateVersion7();
        var amount = Money.FromCents(rng.Next(4) == 0 ? rng.NextInt64(100, 250_001) : TypicalAmounts[rng.Next(TypicalAmounts.Length)]);
        IReadOnlyList<Earmark> earmarks;
        var roll = rng.Next(100);
        if (roll < 35 && amount.Cents > 1)
        {
            var first = Math.Max(1, amount.Cents * rng.Next(10, 91) / 100);
            earmarks = [new Earmark("stolberg", "kita-schulmaterial", Money.FromCents(first)), new Earmark("eschweiler", null, Money.FromCents(amount.Cents - first))];
        }
        else
        {
            earmarks = [new Earmark(null, null, amount)];
        }
        var pledgedAt = new DateTimeOffset(2021, 7, 16, 8, 0, 0, TimeSpan.Zero).AddSeconds(i * 20L);
        Span<byte> token = stackalloc byte[32];
        rng.NextBytes(token);
        var pledged = new DonationPledged(id, Appeal, amount, earmarks, CreditorReference.FromGuid(id),
            roll is >= 20 and < 60 ? Guid.CreateVersion7() : null, roll is >= 20 and < 60, Convert.ToHexStringLower(SHA256.HashData(token)), pledgedAt);
        var bookingDate = DateOnly.FromDateTime(pledgedAt.UtcDateTime).AddDays(1 + rng.Next(5));
        var received = new DonationPaymentReceived(id, Appeal, Guid.CreateVersion7(), amount, bookingDate, bookingDate,
            DonationDecider.Scale(earmarks, amount), pledgedAt.AddDays(3));
        return (pledged, received);
    }

    private static async Task DropSchemaAsync(string connection, string schema, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connection);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand($"drop schema if exists \"{schema}\" cascade", conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task<long> ScalarAsync(string connection, string sql, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connection);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(sql, conn);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }
}
