using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Receipts;
using FlutHilfe.Domain.Receipts.Covering;
using FlutHilfe.Domain.Receipts.Issuing;
using Marten;
using Npgsql;
using static Marten.Services.Json.Transformations.SystemTextJson.JsonTransformations;

namespace FlutHilfe.Architecture.Tests.EventContracts;

/// <summary>
/// Older shapes read through Marten itself, from rows in <c>mt_events</c> as an older build left them (real PostgreSQL,
/// a schema of this class's own): an optional field added later, and an event stored under a former name that an
/// upcaster reads into today's type (the recipes of <c>docs/evolving-events.md</c>).
/// </summary>
public sealed class StoredEventTests : IAsyncLifetime
{
    private static string ConnectionString => Environment.GetEnvironmentVariable("FLUTHILFE_TEST_DB")
        ?? "Host=127.0.0.1;Port=54329;Database=fluthilfe;Username=fluthilfe;Password=fluthilfe";

    private readonly string _schema = "contract_" + Guid.NewGuid().ToString("N")[..12];

    private DocumentStore Store(Action<StoreOptions>? configure = null)
    {
        var options = EventContract.CreateOptions();
        options.Connection(ConnectionString);
        options.DatabaseSchemaName = _schema;
        configure?.Invoke(options);
        return new DocumentStore(options);
    }

    [Fact]
    public async Task a_receipt_assigned_stored_before_payment_ids_reads_and_folds_as_covering_the_donation()
    {
        var ct = TestContext.Current.CancellationToken;
        using var store = Store();
        var donationId = Guid.CreateVersion7();
        var (pledged, received) = OlderShapeTests.PledgedAndPaid(donationId);
        var old = EventSample.Read(OlderShapeTests.HistoryPath("ReceiptAssigned.before-payment-ids.json")).Data;
        old["donationId"] = donationId.ToString();

        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream<Donation>(donationId, pledged, received, new ReceiptAssigned(donationId, "2021-000001", DateTimeOffset.UnixEpoch, [Guid.Empty]));
            await session.SaveChangesAsync(ct);
        }
        // The row as a build from before receipts covered payments wrote it.
        await ExecuteAsync($"update {_schema}.mt_events set data = @data::jsonb where stream_id = @id and type = 'receipt_assigned'",
            ("data", old.ToJsonString()), ("id", donationId));

        await using var query = store.QuerySession();
        var assigned = (await query.Events.FetchStreamAsync(donationId, token: ct)).Select(e => e.Data).OfType<ReceiptAssigned>().Single();
        assigned.PaymentIds.ShouldBeNull();
        assigned.Number.ShouldBe("Number");
        var folded = (await query.Events.AggregateStreamAsync<Donation>(donationId, token: ct)).ShouldNotBeNull();
        ReceiptCoverage.Open(folded).ShouldBeEmpty("a receipt from before payment ids stated every payment of its donation");
    }

    /// <summary>
    /// The recipe for a change an optional field cannot express: suppose <see cref="ReceiptMailed"/> had first been stored
    /// as <c>receipt_sent</c> with <c>receiptNumber</c> and <c>sentAt</c>. A Marten upcaster registered for the old name
    /// reads those rows into today's type, so aggregates and projections only ever see the current shape.
    /// </summary>
    [Fact]
    public async Task an_upcaster_reads_an_event_stored_under_a_former_name_into_todays_type()
    {
        var ct = TestContext.Current.CancellationToken;
        using var store = Store(options => options.Events.Upcast<ReceiptMailed>("receipt_sent", Upcast(json =>
        {
            var old = json.RootElement;
            return new ReceiptMailed(old.GetProperty("receiptNumber").GetString()!, old.GetProperty("sentAt").GetDateTimeOffset());
        })));
        var receiptId = Guid.CreateVersion7();
        var issued = (ReceiptIssued)Representative.Of(typeof(ReceiptIssued));
        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream<Receipt>(receiptId, issued, new ReceiptMailed(issued.Number, DateTimeOffset.UnixEpoch));
            await session.SaveChangesAsync(ct);
        }
        // The row as the former build wrote it: another name, other fields, a CLR type that no longer exists.
        await ExecuteAsync($"update {_schema}.mt_events set type = 'receipt_sent', mt_dotnet_type = 'FlutHilfe.Domain.Receipts.ReceiptSent, FlutHilfe.Domain', "
                           + "data = @data::jsonb where stream_id = @id and type = 'receipt_mailed'",
            ("data", $$"""{"receiptNumber": "{{issued.Number}}", "sentAt": "2021-11-23T08:00:00+01:00"}"""), ("id", receiptId));

        await using var query = store.QuerySession();
        var mailed = (await query.Events.FetchStreamAsync(receiptId, token: ct)).Select(e => e.Data).OfType<ReceiptMailed>().Single();
        mailed.ShouldBe(new ReceiptMailed(issued.Number, new DateTimeOffset(2021, 11, 23, 8, 0, 0, TimeSpan.FromHours(1))));
        (await query.Events.AggregateStreamAsync<Receipt>(receiptId, token: ct)).ShouldNotBeNull().Mailed.ShouldBeTrue();
    }

    private async Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        (await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken)).ShouldBe(1, "one stored row rewritten");
    }

    public async ValueTask InitializeAsync()
    {
        using var store = Store();
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"drop schema if exists {_schema} cascade", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
