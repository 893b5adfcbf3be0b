using System.Text.Json;
using FlutHilfe.Api.BankStatements.Importing;
using FlutHilfe.BankFiles;
using FlutHilfe.Domain.BankStatements.Continuity;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Receiving;
using FlutHilfe.Domain.Payments;
using FlutHilfe.Domain.Receipts;
using FlutHilfe.TestSupport;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;
using Wolverine.Marten.Publishing;
using Wolverine.Runtime;
using Wolverine.Tracking;

namespace FlutHilfe.Api.Tests.BankStatements;

/// <summary>Receipts switched on, and imports written two bookings per transaction (so a small file has several batches).</summary>
public sealed class SmallBatchFixture : AppFixture
{
    public const int BatchSize = 2;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["PublicBaseUrl"] = "https://spenden.example.org",
        ["Receipts:VerificationKey"] = "test-verification-key-for-interrupted-imports-0123456789",
        ["Receipts:TaxOfficeNoticeDate"] = "2021-11-15",
        ["BankStatements:ImportBatchSize"] = BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>
/// An import is written in batches (one transaction each, statements last). A crash between batches leaves only whole
/// bookings behind, and importing the same file again books exactly the rest: every transaction once, every donation
/// paid once per transfer, each receipt requested once, the statement recorded once all of its bookings are in.
/// </summary>
public class InterruptedImportTests(SmallBatchFixture app) : IClassFixture<SmallBatchFixture>, IAsyncLifetime
{
    private static readonly DateOnly Day = new(2021, 11, 20);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public async ValueTask InitializeAsync()
    {
        await app.ResetAsync();
        await app.OpenAppealAsync();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed class SimulatedCrash : Exception;

    private async Task<(Guid Id, string Reference)> Pledge(long cents)
    {
        var pledge = await app.PledgeAsync(new
        {
            amountCents = cents,
            donor = new { name = "Jürgen Müller", street = "Kaiserplatz 1", postalCode = "52146", city = "Würselen", country = "DE" },
            receiptWanted = true,
        });
        return (pledge.GetProperty("donationId").GetGuid(), pledge.GetProperty("reference").GetString()!);
    }

    private async Task Tracked(Func<Task> action)
        => await app.Host.TrackActivity(Timeout).DoNotAssertOnExceptionsDetected().ExecuteAndWaitAsync((Func<IMessageContext, Task>)(_ => action()));

    /// <summary>Plans and writes the file as the endpoint does (same outbox), but crashes after the batch <paramref name="crashAfter"/> commits.</summary>
    private async Task ImportCrashingAfterAsync(byte[] file, int crashAfter)
    {
        var ct = TestContext.Current.CancellationToken;
        ImportPlan plan;
        await using (var query = app.Store.QuerySession())
        {
            plan = await new StatementImport(query, DateTimeOffset.UtcNow) { BatchSize = SmallBatchFixture.BatchSize }
                .PlanAsync([("statement.xml", CamtParser.Parse(new MemoryStream(file)))], ct);
        }
        var batches = ImportBankStatementsHandler.OutboxedBatches(
            app.Host.Services.GetRequiredService<OutboxedSessionFactory>(), app.Host.Services.GetRequiredService<IWolverineRuntime>());
        await Should.ThrowAsync<SimulatedCrash>(() => plan.WriteAsync(batches, ct, batch => batch == crashAfter ? throw new SimulatedCrash() : Task.CompletedTask));
    }

    private async Task<(int Recorded, int Streams, int Statements)> BookedAsync()
    {
        await using var session = app.Store.QuerySession();
        var ct = TestContext.Current.CancellationToken;
        var recorded = await session.Events.QueryRawEventDataOnly<BankTransactionRecorded>().ToListAsync(ct);
        return (recorded.Count, recorded.Select(e => e.PaymentId).Distinct().Count(), await session.Query<BankStatement>().CountAsync(ct));
    }

    private async Task<IReadOnlyList<Receipt>> Receipts()
    {
        await using var session = app.Store.QuerySession();
        return await session.Query<Receipt>().ToListAsync(TestContext.Current.CancellationToken);
    }

    private async Task<Donation> Donation(Guid id)
    {
        await using var session = app.Store.QuerySession();
        return (await session.LoadAsync<Donation>(id, TestContext.Current.CancellationToken))!;
    }

    [Fact]
    public async Task an_import_interrupted_between_batches_is_completed_by_importing_the_file_again_and_books_each_transaction_once()
    {
        var a = await Pledge(1_000);
        var b = await Pledge(2_000);
        var d = await Pledge(5_000);
        // Batches of two: [d 30 €, a], [unmatched, b], [d 20 €, unmatched], then the statement. D is paid in the first and the third.
        var file = CamtWriter.Write053v08("S-INT", Requests.AppealIban,
        [
            new GeneratedCredit(3_000, Day, StructuredReference: d.Reference, AccountServicerReference: "T1"),
            new GeneratedCredit(1_000, Day, StructuredReference: a.Reference, AccountServicerReference: "T2"),
            new GeneratedCredit(777, Day, DebtorName: "Anonym", AccountServicerReference: "T3"),
            new GeneratedCredit(2_000, Day, StructuredReference: b.Reference, AccountServicerReference: "T4"),
            new GeneratedCredit(2_000, Day.AddDays(1), StructuredReference: d.Reference, AccountServicerReference: "T5"),
            new GeneratedCredit(888, Day.AddDays(1), DebtorName: "Anonym", AccountServicerReference: "T6"),
        ]);

        await Tracked(() => ImportCrashingAfterAsync(file, crashAfter: 1));

        // Only whole bookings of the two committed batches; the statement waits for all of its bookings.
        (await BookedAsync()).ShouldBe((4, 4, 0));
        (await Donation(d.Id)).Net.Cents.ShouldBe(3_000);
        (await Donation(a.Id)).Net.Cents.ShouldBe(1_000);
        // D's receipt waits for its last booking in the file (not yet written); A's and B's are issued.
        (await Receipts()).SelectMany(r => r.Lines).Select(l => l.DonationId).Order().ShouldBe(new[] { a.Id, b.Id }.Order());

        JsonElement again = default;
        await Tracked(async () => again = await app.ImportAsync(file));
        again.GetProperty("transactions").GetInt32().ShouldBe(6);
        again.GetProperty("duplicates").GetInt32().ShouldBe(4);
        again.GetProperty("matched").GetInt32().ShouldBe(1);
        again.GetProperty("unmatched").GetInt32().ShouldBe(1);
        again.GetProperty("creditedCents").GetInt64().ShouldBe(2_888);
        again.GetProperty("statementsRecorded").GetInt32().ShouldBe(1);

        (await BookedAsync()).ShouldBe((6, 6, 1));
        (await Donation(d.Id)).Net.Cents.ShouldBe(5_000);
        (await Donation(d.Id)).Payments.Count.ShouldBe(2);
        (await Donation(a.Id)).Payments.Count.ShouldBe(1);
        (await Donation(b.Id)).Payments.Count.ShouldBe(1);
        var receipts = await Receipts();
        receipts.Count.ShouldBe(3);
        receipts.Single(r => r.Lines.Any(l => l.DonationId == d.Id)).Amount.Cents.ShouldBe(5_000);

        // A third time: nothing new, nothing twice.
        JsonElement third = default;
        await Tracked(async () => third = await app.ImportAsync(file));
        third.GetProperty("duplicates").GetInt32().ShouldBe(6);
        third.GetProperty("statementsRecorded").GetInt32().ShouldBe(0);
        (await BookedAsync()).ShouldBe((6, 6, 1));
        (await Receipts()).Count.ShouldBe(3);
    }

    [Fact]
    public async Task a_donation_changed_between_planning_and_writing_an_import_fails_that_write_and_the_upload_planned_again_books_on_its_current_state()
    {
        var ct = TestContext.Current.CancellationToken;
        var d = await Pledge(5_000);
        var file = CamtWriter.Write053v08("S-RACE", Requests.AppealIban,
            [new GeneratedCredit(5_000, Day, StructuredReference: d.Reference, AccountServicerReference: "R1")]);

        ImportPlan plan;
        await using (var query = app.Store.QuerySession())
        {
            plan = await new StatementImport(query, DateTimeOffset.UtcNow) { BatchSize = SmallBatchFixture.BatchSize }
                .PlanAsync([("statement.xml", CamtParser.Parse(new MemoryStream(file)))], ct);
        }
        plan.Result.Matched.ShouldBe(1);

        // Another writer (here: the unpaid-pledge reminder) changes the donation after the plan read it.
        var remindedAt = new DateTimeOffset(2021, 11, 19, 8, 0, 0, TimeSpan.Zero);
        await using (var writer = app.Store.LightweightSession())
        {
            var stream = await writer.Events.FetchForWriting<Donation>(d.Id, ct);
            stream.AppendOne(new Domain.Donations.Reminding.UnpaidPledgeReminded(d.Id, Requests.AppealId, new Domain.Shared.Money(5_000), Day, true, remindedAt));
            await writer.SaveChangesAsync(ct);
        }

        // The planned append names the version it read: the write is refused (the endpoint's policy retries it), rather than
        // booking a decision made on a state the donation no longer has.
        var batches = ImportBankStatementsHandler.OutboxedBatches(
            app.Host.Services.GetRequiredService<OutboxedSessionFactory>(), app.Host.Services.GetRequiredService<IWolverineRuntime>());
        var refused = await Should.ThrowAsync<Exception>(() => plan.WriteAsync(batches, ct));
        (refused is JasperFx.ConcurrencyException or Marten.Exceptions.ExistingStreamIdCollisionException).ShouldBeTrue(refused.GetType().FullName);
        (await BookedAsync()).ShouldBe((0, 0, 0));

        JsonElement again = default;
        await Tracked(async () => again = await app.ImportAsync(file));
        again.GetProperty("matched").GetInt32().ShouldBe(1);
        var stored = await Donation(d.Id);
        stored.RemindedAt.ShouldBe(remindedAt);
        stored.Net.Cents.ShouldBe(5_000);
        await using var session = app.Store.QuerySession();
        var replayed = (await session.Events.AggregateStreamAsync<Donation>(d.Id, token: ct)).ShouldNotBeNull();
        JsonSerializer.Serialize(stored).ShouldBe(JsonSerializer.Serialize(replayed));
    }

    [Fact]
    public async Task an_upload_written_in_several_batches_answers_for_the_whole_upload_and_requests_each_receipt_once()
    {
        var d = await Pledge(5_000);
        var others = new[] { await Pledge(1_000), await Pledge(1_500) };
        // D paid in the first and in the last batch: one receipt over both payments, requested after the last.
        var file = CamtWriter.Write053v08("S-MANY", Requests.AppealIban,
        [
            new GeneratedCredit(2_500, Day, StructuredReference: d.Reference, AccountServicerReference: "M1"),
            new GeneratedCredit(1_000, Day, StructuredReference: others[0].Reference, AccountServicerReference: "M2"),
            new GeneratedCredit(1_500, Day, StructuredReference: others[1].Reference, AccountServicerReference: "M3"),
            new GeneratedCredit(2_500, Day.AddDays(1), StructuredReference: d.Reference, AccountServicerReference: "M4"),
            new GeneratedCredit(999, Day.AddDays(1), DebtorName: "Anonym", AccountServicerReference: "M5"),
        ]);

        JsonElement result = default;
        await Tracked(async () => result = await app.ImportAsync(file));
        result.GetProperty("transactions").GetInt32().ShouldBe(5);
        result.GetProperty("matched").GetInt32().ShouldBe(4);
        result.GetProperty("unmatched").GetInt32().ShouldBe(1);
        result.GetProperty("creditedCents").GetInt64().ShouldBe(8_499);
        result.GetProperty("statementsRecorded").GetInt32().ShouldBe(1);

        var receipts = await Receipts();
        receipts.Count.ShouldBe(3);
        var ofD = receipts.Single(r => r.Lines.Any(l => l.DonationId == d.Id));
        ofD.Amount.Cents.ShouldBe(5_000);
        ofD.Lines.Count.ShouldBe(2);

        await using var session = app.Store.QuerySession();
        var statement = (await session.Query<BankStatement>().ToListAsync(TestContext.Current.CancellationToken)).ShouldHaveSingleItem();
        statement.Entries.ShouldBe(5);
    }
}
