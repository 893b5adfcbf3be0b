using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Pledging;
using FlutHilfe.Domain.Donations.Receiving;
using FlutHilfe.Domain.Payments;
using FlutHilfe.Domain.Receipts;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Projections;
using FlutHilfe.Projections.Appeals;
using FlutHilfe.Projections.Appeals.Reporting;
using FlutHilfe.Projections.Funds;
using FlutHilfe.Projections.Municipalities;
using JasperFx.Events;
using Marten;
using Npgsql;
using JasperFx;
using Weasel.Core;

namespace FlutHilfe.Bench.Scenarios;

/// <summary>
/// Goal 6: over N donation streams (DonationPledged + DonationPaymentReceived each), Marten's rebuild of the appeal
/// totals projection against a raw read-and-fold of the same events (Npgsql reading mt_events, System.Text.Json, the
/// projection's own fold function), interleaved; then, once, the rebuild of every projection of the service.
/// </summary>
internal static class RebuildScenario
{
    private static readonly long[] TypicalAmounts = [500, 1000, 2000, 2500, 5000, 5000, 10000, 10000, 15000, 25000, 50000, 100000];

    private static readonly (string Name, Type Type, Type Document)[] Every =
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

    public static async Task RunAsync(SuiteContext c, ScenarioResult r, CancellationToken ct)
    {
        var s = c.Settings;
        var schema = s.SchemaPrefix + "_rebuild";
        var appeal = s.Appeal;
        // Marten prints notices (e.g. "The async daemon is disabled") to stdout: keep them off the results.
        var stdout = Console.Out;
        Console.SetOut(Console.Error);
        await c.DropSchemaAsync(schema, ct);
        try
        {
            var generation = await GenerateAsync(c.Connection, schema, s.RebuildStreams, appeal, ct);
            var events = await Db.ScalarAsync<long>(c.Connection, $"select count(*) from {schema}.mt_events", ct);
            r.Line($"Events: {events:N0} in {s.RebuildStreams:N0} donation streams (`DonationPledged` + `DonationPaymentReceived` each, one appeal, about a third "
                   + $"earmarked), appended in {Stats.F(generation, 1)} s by a Marten store without projections and with the event store settings of the service "
                   + "(`EventStoreModel.ConfigureEventStore`: quick append, System.Text.Json, headers). No service runs meanwhile.");

            using var store = DocumentStore.For(o =>
            {
                o.Connection(c.Connection);
                o.DatabaseSchemaName = schema;
                o.AutoCreateSchemaObjects = AutoCreate.All;
                o.ConfigureEventStore();
                o.AddFlutHilfeProjections();
            });
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            using var daemon = await store.BuildProjectionDaemonAsync();

            AppealTotals? raw = null;
            var (baseline, ours) = await Interleaved.RunAsync(s.Rounds,
                async _ =>
                {
                    var clock = Stopwatch.StartNew();
                    raw = (await ReadAndFoldAsync(c.Connection, schema, ct)).GetValueOrDefault(appeal);
                    return events / clock.Elapsed.TotalSeconds;
                },
                async _ =>
                {
                    var clock = Stopwatch.StartNew();
                    await daemon.RebuildProjectionAsync(typeof(AppealTotalsProjection), TimeSpan.FromMinutes(60), ct);
                    return events / clock.Elapsed.TotalSeconds;
                }, "events/s (appeal totals)");
            await using (var session = store.QuerySession())
            {
                var rebuilt = await session.LoadAsync<AppealTotals>(appeal, ct);
                var same = raw is not null && rebuilt is not null && raw.Pledges == rebuilt.Pledges && raw.Pledged == rebuilt.Pledged && raw.Received == rebuilt.Received;
                r.Facts["rebuild.sameResult"] = same ? 1 : 0;
                r.Facts["rebuild.pledges"] = rebuilt?.Pledges ?? -1;
                if (!same) r.Problems.Add($"the raw fold ({raw?.Pledges} pledges, {raw?.Pledged}) and the rebuild ({rebuilt?.Pledges} pledges, {rebuilt?.Pledged}) disagree");
                if (rebuilt?.Pledges != s.RebuildStreams) r.Problems.Add($"the rebuilt totals count {rebuilt?.Pledges} pledges, expected {s.RebuildStreams}");
                r.Line();
                r.Line($"Rounds: {s.Rounds} × (raw read-and-fold, then `IProjectionDaemon.RebuildProjectionAsync(AppealTotalsProjection)`); events/s over the "
                       + $"{events:N0} events of the log. Raw: events/s per round {Interleaved.Rounds(baseline)}; Marten rebuild: {Interleaved.Rounds(ours)}. "
                       + $"Both end with the same totals ({rebuilt?.Pledges:N0} pledges, {rebuilt?.Pledged.Cents:N0} cents pledged, {rebuilt?.Received.Cents:N0} cents received): {(same ? "yes" : "**no**")}.");
                r.Line("The raw read-and-fold: one Npgsql command `select type, data from mt_events where type = any(…) order by seq_id` read row by row, "
                       + "`JsonSerializer.Deserialize` of each row into its event type (the store's casing and enum settings), and `AppealTotals.Fold`, the "
                       + "function the projection's `Evolve` calls, over an in-memory dictionary; the one document is not written.");
            }
            r.Measures.Add(Measure.Rate("6", $"rebuild of the appeal totals over {events:N0} events", Stats.Median(ours), "events/s",
                Stats.Median(baseline), "raw read-and-fold, same events and fold", 0.25, "≥ 0.25 × baseline"));

            if (s.RebuildEveryProjection)
            {
                r.Line();
                r.Line("Every projection of the service, rebuilt once, one after another (each walks the whole log):");
                r.Line();
                r.Line("| projection | rebuild s | events/s | documents after |");
                r.Line("|---|---:|---:|---:|");
                var total = Stopwatch.StartNew();
                foreach (var (name, type, document) in Every)
                {
                    Log.Info($"  rebuilding {name}");
                    var clock = Stopwatch.StartNew();
                    await daemon.RebuildProjectionAsync(type, TimeSpan.FromMinutes(60), ct);
                    var seconds = clock.Elapsed.TotalSeconds;
                    var documents = await Db.ScalarAsync<long>(c.Connection, $"select count(*) from {schema}.mt_doc_{document.Name.ToLowerInvariant()}", ct);
                    r.Line($"| {name} | {Stats.F(seconds, 1)} | {Stats.F(events / seconds, 0)} | {documents:N0} |");
                }
                r.Line($"| **all, one after another** | **{Stats.F(total.Elapsed.TotalSeconds, 1)}** | **{Stats.F(events / total.Elapsed.TotalSeconds, 0)}** | |");
            }
            await daemon.StopAllAsync();
        }
        finally
        {
            Console.SetOut(stdout);
            await c.DropSchemaAsync(schema, CancellationToken.None);
        }
    }

    // --- the raw baseline ----------------------------------------------------------------------------------------

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>Reads the events the appeal totals handle, deserializes each, folds them with <see cref="AppealTotals.Fold"/>.</summary>
    public static async Task<Dictionary<string, AppealTotals>> ReadAndFoldAsync(string connection, string schema, CancellationToken ct)
    {
        var types = typeof(IAppealEvent).Assembly.GetTypes().Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(IAppealEvent).IsAssignableFrom(t))
            .ToDictionary(TypeName, t => (Type: t, Wrap: Wrapper(t)), StringComparer.Ordinal);
        var docs = new Dictionary<string, AppealTotals>(StringComparer.Ordinal);
        await using var conn = new NpgsqlConnection(connection);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand($"select type, data from {schema}.mt_events where type = any(@types) order by seq_id", conn) { CommandTimeout = 0 };
        cmd.Parameters.AddWithValue("types", types.Keys.ToArray());
        await using var reader = await cmd.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
        while (await reader.ReadAsync(ct))
        {
            var (type, wrap) = types[reader.GetString(0)];
            var data = JsonSerializer.Deserialize(reader.GetString(1), type, Json)!;
            var e = wrap(data);
            foreach (var id in AppealTotals.IdsFor((IAppealEvent)data)) docs[id] = AppealTotals.Fold(docs.GetValueOrDefault(id), id, e)!;
        }
        return docs;
    }

    /// <summary>Marten's default event type name: the class name in snake case (DonationPledged → donation_pledged).</summary>
    public static string TypeName(Type t) => string.Concat(t.Name.Select((ch, i) => char.IsUpper(ch) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(ch) : ch.ToString()));

    private static Func<object, IEvent> Wrapper(Type t)
        => (Func<object, IEvent>)typeof(RebuildScenario).GetMethod(nameof(Wrap), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(t).CreateDelegate(typeof(Func<object, IEvent>));

    private static IEvent Wrap<T>(object data) where T : notnull => new Event<T>((T)data);

    // --- the events ------------------------------------------------------------------------------------------------

    private static async Task<double> GenerateAsync(string connection, string schema, int streams, string appeal, CancellationToken ct)
    {
        const int Batch = 5_000;
        var clock = Stopwatch.StartNew();
        using var plain = DocumentStore.For(o =>
        {
            o.Connection(connection);
            o.DatabaseSchemaName = schema;
            o.AutoCreateSchemaObjects = AutoCreate.All;
            o.ConfigureEventStore();
        });
        await plain.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var next = -1;
        var batches = (streams + Batch - 1) / Batch;
        var writers = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var b = Interlocked.Increment(ref next);
                if (b >= batches) return;
                var rng = new Random(104_729 * (b + 1));
                await using var session = plain.LightweightSession();
                for (var i = b * Batch; i < Math.Min(streams, (b + 1) * Batch); i++)
                {
                    var (pledged, received) = Donation(i, rng, appeal);
                    session.Events.StartStream<Donation>(pledged.DonationId, pledged, received);
                }
                await session.SaveChangesAsync(ct);
                if (b % 20 == 0) Log.Info($"  {Math.Min(streams, (b + 1) * Batch):N0} of {streams:N0} streams after {clock.Elapsed.TotalSeconds:F0} s");
            }
        }, ct)).ToList();
        await Task.WhenAll(writers);
        return clock.Elapsed.TotalSeconds;
    }

    internal static (DonationPledged, DonationPaymentReceived) Donation(int i, Random rng, string appeal)
    {
        var id = Guid.CreateVersion7();
        var amount = Money.FromCents(rng.Next(4) == 0 ? rng.NextInt64(100, 250_001) : TypicalAmounts[rng.Next(TypicalAmounts.Length)]);
        var roll = rng.Next(100);
        IReadOnlyList<Earmark> earmarks;
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
        var pledged = new DonationPledged(id, appeal, amount, earmarks, CreditorReference.FromGuid(id),
            roll is >= 20 and < 60 ? Guid.CreateVersion7() : null, roll is >= 20 and < 60, Convert.ToHexStringLower(SHA256.HashData(token)), pledgedAt);
        var bookingDate = DateOnly.FromDateTime(pledgedAt.UtcDateTime).AddDays(1 + rng.Next(5));
        var received = new DonationPaymentReceived(id, appeal, Guid.CreateVersion7(), amount, bookingDate, bookingDate,
            DonationDecider.Scale(earmarks, amount), pledgedAt.AddDays(3));
        return (pledged, received);
    }
}
