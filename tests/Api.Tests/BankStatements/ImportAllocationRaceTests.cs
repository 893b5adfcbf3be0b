using FlutHilfe.BankFiles;
using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Funds;
using FlutHilfe.Domain.Funds.Allocating;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Projections.Funds;
using FlutHilfe.TestSupport;
using Marten;
using Npgsql;

namespace FlutHilfe.Api.Tests.BankStatements;

/// <summary>
/// A fund's balance is an inline document that both a statement import (payments) and an allocation (draws) rewrite. Each
/// computes the new balance from the stored one, so two committing side by side would store a balance that misses the
/// other's money. Both take the appeal's lock first: the import's batch waits for an allocation in flight, and then counts it.
/// </summary>
public class ImportAllocationRaceTests(AppFixture app) : IClassFixture<AppFixture>, IAsyncLifetime
{
    private static readonly DateOnly Day = new(2021, 11, 20);

    public async ValueTask InitializeAsync()
    {
        await app.ResetAsync();
        await app.OpenAppealAsync();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<string> PledgeAsync(long cents)
        => (await app.PledgeAsync(new { amountCents = cents })).GetProperty("reference").GetString()!;

    private static byte[] Paying(string id, string reference, long cents)
        => CamtWriter.Write053v08(id, Requests.AppealIban, [new GeneratedCredit(cents, Day, StructuredReference: reference)]);

    [Fact]
    public async Task an_import_waits_for_an_allocation_in_flight_and_the_fund_balance_counts_both()
    {
        var ct = TestContext.Current.CancellationToken;
        await app.ImportAsync(Paying("RACE-1", await PledgeAsync(50_00), 50_00));
        var second = Paying("RACE-2", await PledgeAsync(30_00), 30_00);
        var fundId = FundBalance.IdFor(Requests.AppealId, Fund.General);

        // An allocation of 20 € from the general fund, written under the appeal's lock and not yet committed.
        await using var connection = new NpgsqlConnection(AppFixture.ConnectionString);
        await connection.OpenAsync(ct);
        await using var allocating = await connection.BeginTransactionAsync(ct);
        await using (var allocation = app.Store.LightweightSession(Marten.Services.SessionOptions.ForTransaction(allocating)))
        {
            await allocation.Events.FetchForExclusiveWriting<Appeal>(AppealStream.IdFor(Requests.AppealId), ct);
            var id = Guid.NewGuid();
            allocation.Events.StartStream<Allocation>(id, new FundsAllocated(id, Requests.AppealId, "stolberg", null, new Money(20_00),
                [FundDraw.From(Fund.General, new Money(20_00))], "Beschluss 7/2021", Day, DateTimeOffset.UtcNow));
            await allocation.SaveChangesAsync(ct);
        }

        // The import of the second payment waits for the appeal's lock while the allocation is open.
        var import = Task.Run(() => app.ImportAsync(second), ct);
        await using (var probe = new NpgsqlConnection(AppFixture.ConnectionString))
        {
            await probe.OpenAsync(ct);
            await using var waiting = new NpgsqlCommand(
                "select count(*) from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()", probe);
            var deadline = DateTime.UtcNow.AddSeconds(45);
            while ((long)(await waiting.ExecuteScalarAsync(ct))! == 0)
            {
                import.IsCompleted.ShouldBeFalse("the import wrote its batch while an allocation of the same appeal was in flight");
                DateTime.UtcNow.ShouldBeLessThan(deadline, "the import never waited for the appeal's lock");
                await Task.Delay(20, ct);
            }
        }
        await allocating.CommitAsync(ct);
        (await import).GetProperty("matched").GetInt32().ShouldBe(1);

        await using var session = app.Store.QuerySession();
        var stored = (await session.LoadAsync<FundBalance>(fundId, ct)).ShouldNotBeNull();
        stored.Confirmed.Cents.ShouldBe(80_00, "a payment vanished from the fund's balance");
        stored.Allocated.Cents.ShouldBe(20_00, "the allocation vanished from the fund's balance");
        stored.Available.Cents.ShouldBe(60_00);
    }
}
