using System.Text.Json;
using System.Xml.Linq;
using FlutHilfe.Api.BankStatements.Importing;
using FlutHilfe.BankFiles;
using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.PaymentFiles;
using FlutHilfe.TestSupport;
using Marten;
using Marten.Events;
using Microsoft.Extensions.DependencyInjection;
using Wolverine.Marten.Publishing;
using Wolverine.Runtime;

namespace FlutHilfe.Api.Tests.Allocations;

/// <summary>
/// The money-out loop (issue 15): a statement's debit carrying an ordered transfer's EndToEndId confirms it (the money leaves
/// once, whether the treasurer recorded it by hand first, the statement came first, or both), a returned transfer reopens
/// it for the next payment file, and a file the bank refused reopens what waited in it. Real camt.053 bytes, real PostgreSQL.
/// </summary>
public class DisbursementByStatementTests(AppFixture app) : IClassFixture<AppFixture>, IAsyncLifetime
{
    private const string Appeal = "freude-schenken-2021";
    private const string StolbergIban = "DE02120300000000202051";
    private static readonly XNamespace Pain = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09";
    private static readonly DateOnly Today = Domain.Shared.GermanDate.DayOf(DateTimeOffset.UtcNow);
    private static readonly string Tomorrow = Today.AddDays(1).ToString("yyyy-MM-dd");

    public async ValueTask InitializeAsync()
    {
        await app.ResetAsync();
        await app.OpenAppealAsync();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private string Treasurer => app.Token("treasurer");

    private async Task<JsonElement> Json(string url, object body, int status)
        => await (await app.Host.Scenario(s =>
        {
            s.Post.Json(body).ToUrl(url);
            s.WithBearer(Treasurer);
            s.StatusCodeShouldBe(status);
        })).ReadAsJsonAsync<JsonElement>();

    private async Task<JsonElement> Get(string url) => await app.Host.GetAsJsonAs(Treasurer, url);

    private async Task<string> AllocateAsync(long cents)
    {
        var pledge = await app.PledgeAsync(new { amountCents = cents, earmarks = new[] { new { municipalityId = "stolberg", amountCents = cents } } });
        var booking = new GeneratedCredit(cents, new DateOnly(2021, 11, 20), StructuredReference: pledge.GetProperty("reference").GetString());
        (await app.ImportAsync(CamtWriter.Write053v08("IN-" + Guid.NewGuid().ToString("N")[..8], Requests.AppealIban, [booking])))
            .GetProperty("matched").GetInt32().ShouldBe(1);
        return (await Json($"/api/appeals/{Appeal}/allocations",
            new { municipalityId = "stolberg", amountCents = cents, decisionReference = "SI/2021/088", decidedOn = "2021-12-10" }, 201)).GetProperty("allocationId").GetString()!;
    }

    /// <summary>Orders a transfer and answers its id and EndToEndId.</summary>
    private async Task<(Guid Id, string EndToEndId)> OrderAsync(string allocation, long cents)
    {
        var id = Guid.NewGuid();
        await Json($"/api/allocations/{allocation}/disbursement-orders", new
        {
            amountCents = cents, payee = new { iban = StolbergIban, holder = "Stadt Stolberg (Rhld.)" }, remittanceText = "Zuweisung SI/2021/088", disbursementId = id,
        }, 200);
        return (id, AllocationDecider.EndToEndIdOf(id));
    }

    private async Task<JsonElement> FileAsync() => await Json($"/api/appeals/{Appeal}/payment-files", new { requestedExecutionDate = Tomorrow }, 201);

    /// <summary>The bank's debit of one of our transfers, as the statement carries it.</summary>
    private static GeneratedCredit Debit(long cents, string endToEndId, string reference)
        => new(cents, Today, EndToEndId: endToEndId, Direction: CreditDebit.Debit, CreditorName: "Stadt Stolberg (Rhld.)", CreditorIban: StolbergIban,
            AccountServicerReference: reference, UnstructuredRemittance: "Zuweisung SI/2021/088");

    /// <summary>A transfer of ours coming back (SEPA return: <c>RtrInf</c> with the reason, the original EndToEndId).</summary>
    private static GeneratedCredit Returned(long cents, string endToEndId, string reason, string reference)
        => new(cents, Today.AddDays(2), EndToEndId: endToEndId, ReturnReasonCode: reason, DebtorName: "Stadt Stolberg (Rhld.)", DebtorIban: StolbergIban,
            AccountServicerReference: reference);

    private static byte[] Statement(string id, params GeneratedCredit[] bookings) => CamtWriter.Write053v08(id, Requests.AppealIban, bookings);

    private async Task<JsonElement> Allocation(string id) => await Get($"/api/allocations/{id}");

    private static JsonElement OrderOf(JsonElement allocation, Guid id)
        => allocation.GetProperty("disbursementOrders").EnumerateArray().Single(o => o.GetProperty("disbursementId").GetGuid() == id);

    /// <summary>
    /// The municipality's disbursed money and the ledger's bank account, replayed from the log up to now (<c>asOf</c>: the same
    /// folds as the async projections, without waiting for the daemon; RebuildTests compares the stored ones with a replay).
    /// </summary>
    private async Task<(long Disbursed, long Bank)> BooksAsync()
    {
        var now = Uri.EscapeDataString(DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture));
        var balance = await Get($"/api/municipalities/stolberg/balance?asOf={now}");
        var trial = await Get($"/api/audit/trial-balance?appealId={Appeal}&asOf={now}");
        trial.GetProperty("sumCents").GetInt64().ShouldBe(0);
        var bank = trial.GetProperty("accounts").EnumerateArray().Single(a => a.GetProperty("account").GetString() == "bank").GetProperty("balanceCents").GetInt64();
        return (balance.GetProperty("total").GetProperty("disbursedCents").GetInt64(), bank);
    }

    private async Task<int> CountAsync<T>() where T : class
    {
        await using var session = app.Store.QuerySession();
        return await session.Events.QueryRawEventDataOnly<T>().CountAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task a_debit_naming_a_sent_transfer_pays_it_once_whether_the_statement_or_the_record_by_hand_comes_first()
    {
        var allocation = await AllocateAsync(1_000_00);
        var a = await OrderAsync(allocation, 600_00);
        var b = await OrderAsync(allocation, 400_00);
        await FileAsync();
        var (_, bankBefore) = await BooksAsync();

        // The statement first: A is paid by its debit; a debit with our form of id but no order, and an ordinary debit, are only recorded.
        var unknown = AllocationDecider.EndToEndIdOf(Guid.NewGuid());
        var s1 = Statement("OUT-1", Debit(600_00, a.EndToEndId, "B1"), Debit(12_34, unknown, "B2"), Debit(5_00, "NOTPROVIDED", "B3") with { CreditorName = "Sparkasse" });
        var first = await app.ImportAsync(s1);
        first.GetProperty("debits").GetInt32().ShouldBe(3);
        first.GetProperty("disbursementsConfirmed").GetInt32().ShouldBe(1);
        var issue = first.GetProperty("disbursementIssues").EnumerateArray().Single();
        issue.GetProperty("outcome").GetString().ShouldBe("unknown-order");
        issue.GetProperty("reference").GetString().ShouldBe(unknown);
        var view = await Allocation(allocation);
        view.GetProperty("disbursedCents").GetInt64().ShouldBe(600_00);
        OrderOf(view, a.Id).GetProperty("status").GetString().ShouldBe("paid");
        OrderOf(view, a.Id).GetProperty("sendings")[0].GetProperty("outcome").GetString().ShouldBe("paid");

        // ... then the treasurer records A by hand as well: nothing more leaves.
        await Json($"/api/allocations/{allocation}/disbursements",
            new { amountCents = 600_00, paidOn = Tomorrow, bankReference = a.EndToEndId, disbursementId = a.Id }, 200);
        // B by hand first, then its debit: confirmed already, reported, not booked again.
        await Json($"/api/allocations/{allocation}/disbursements",
            new { amountCents = 400_00, paidOn = Tomorrow, bankReference = b.EndToEndId, disbursementId = b.Id }, 200);
        var second = await app.ImportAsync(Statement("OUT-2", Debit(400_00, b.EndToEndId, "B4")));
        second.GetProperty("disbursementsConfirmed").GetInt32().ShouldBe(0);
        second.GetProperty("disbursementIssues")[0].GetProperty("outcome").GetString().ShouldBe("already-confirmed");

        // The same statement again confirms nothing twice.
        var again = await app.ImportAsync(s1);
        again.GetProperty("duplicates").GetInt32().ShouldBe(3);
        again.GetProperty("disbursementsConfirmed").GetInt32().ShouldBe(0);

        (await Allocation(allocation)).GetProperty("disbursedCents").GetInt64().ShouldBe(1_000_00);
        (await CountAsync<FundsDisbursed>()).ShouldBe(2);
        var (disbursed, bank) = await BooksAsync();
        disbursed.ShouldBe(1_000_00);
        (bankBefore - bank).ShouldBe(1_000_00);
    }

    [Fact]
    public async Task a_debit_of_another_amount_or_for_a_transfer_in_no_file_confirms_nothing_and_says_why()
    {
        var allocation = await AllocateAsync(1_000_00);
        var a = await OrderAsync(allocation, 300_00);

        var early = await app.ImportAsync(Statement("OUT-3", Debit(300_00, a.EndToEndId, "C1")));
        early.GetProperty("disbursementIssues")[0].GetProperty("outcome").GetString().ShouldBe("not-sent");

        await FileAsync();
        var wrong = await app.ImportAsync(Statement("OUT-4", Debit(299_99, a.EndToEndId, "C2")));
        var issue = wrong.GetProperty("disbursementIssues")[0];
        issue.GetProperty("outcome").GetString().ShouldBe("amount-mismatch");
        issue.GetProperty("orderedCents").GetInt64().ShouldBe(300_00);
        issue.GetProperty("messageDe").GetString()!.ShouldContain("299,99");

        var view = await Allocation(allocation);
        view.GetProperty("disbursedCents").GetInt64().ShouldBe(0);
        OrderOf(view, a.Id).GetProperty("status").GetString().ShouldBe("sentToBank");
        (await CountAsync<FundsDisbursed>()).ShouldBe(0);
    }

    [Fact]
    public async Task a_returned_transfer_reopens_its_order_puts_the_money_back_and_goes_into_the_next_file()
    {
        var allocation = await AllocateAsync(1_000_00);
        var a = await OrderAsync(allocation, 700_00);
        var firstFile = await FileAsync();
        await app.ImportAsync(Statement("OUT-5", Debit(700_00, a.EndToEndId, "D1")));
        var (paidOut, bankPaid) = await BooksAsync();
        paidOut.ShouldBe(700_00);

        // A return for a transfer not paid stays in the queue, said so; the real one reopens A.
        var other = await OrderAsync(allocation, 100_00);
        var back = await app.ImportAsync(Statement("BACK-1", Returned(100_00, other.EndToEndId, "AC04", "D2"), Returned(700_00, a.EndToEndId, "AC04", "D3")));
        back.GetProperty("returnedTransfers").GetInt32().ShouldBe(2);
        back.GetProperty("disbursementsReturned").GetInt32().ShouldBe(1);
        back.GetProperty("disbursementIssues").EnumerateArray().Single().GetProperty("outcome").GetString().ShouldBe("not-paid");
        var queue = await Get("/api/payments/unmatched");
        queue.EnumerateArray().Where(p => p.GetProperty("kind").GetString() == "ReturnedTransfer").Count().ShouldBe(1);

        var view = await Allocation(allocation);
        view.GetProperty("disbursedCents").GetInt64().ShouldBe(0);
        var order = OrderOf(view, a.Id);
        order.GetProperty("status").GetString().ShouldBe("ordered");
        order.GetProperty("sendings")[0].GetProperty("outcome").GetString().ShouldBe("returned");
        order.GetProperty("sendings")[0].GetProperty("reasonCode").GetString().ShouldBe("AC04");
        var (disbursed, bank) = await BooksAsync();
        disbursed.ShouldBe(0);
        (bank - bankPaid).ShouldBe(700_00);
        // Committed still: the reopened order holds its money against further orders and take-backs.
        view.GetProperty("orderedCents").GetInt64().ShouldBe(800_00);

        // The next file carries it again (with the other waiting order), under the same EndToEndId; its debit pays it again.
        var next = await FileAsync();
        next.GetProperty("transferCount").GetInt32().ShouldBe(2);
        next.GetProperty("paymentFileId").GetGuid().ShouldNotBe(firstFile.GetProperty("paymentFileId").GetGuid());
        var xml = await (await app.Host.Scenario(s =>
        {
            s.Get.Url(next.GetProperty("download").GetString()!);
            s.WithBearer(Treasurer);
        })).ReadAsBytesAsync();
        XDocument.Load(new MemoryStream(xml)).Descendants(Pain + "EndToEndId").Select(e => e.Value).ShouldContain(a.EndToEndId);
        var repaid = await app.ImportAsync(Statement("OUT-6", Debit(700_00, a.EndToEndId, "D4")));
        repaid.GetProperty("disbursementsConfirmed").GetInt32().ShouldBe(1);
        (await Allocation(allocation)).GetProperty("disbursedCents").GetInt64().ShouldBe(700_00);
        (await CountAsync<DisbursementReturned>()).ShouldBe(1);
        (await CountAsync<FundsDisbursed>()).ShouldBe(2);
        (await BooksAsync()).Disbursed.ShouldBe(700_00);
    }

    [Fact]
    public async Task a_payment_file_the_bank_refused_reopens_the_transfers_that_waited_in_it_once()
    {
        var allocation = await AllocateAsync(1_000_00);
        var a = await OrderAsync(allocation, 200_00);
        var b = await OrderAsync(allocation, 300_00);
        var file = (await FileAsync()).GetProperty("paymentFileId").GetGuid();
        await app.ImportAsync(Statement("OUT-7", Debit(200_00, a.EndToEndId, "E1")));

        (await Json($"/api/payment-files/{file}/rejection", new { reason = " " }, 422)).GetProperty("field").GetString().ShouldBe("reason");
        await Json($"/api/payment-files/{Guid.NewGuid()}/rejection", new { reason = "RJCT FF01" }, 404);
        var rejected = await Json($"/api/payment-files/{file}/rejection", new { reason = "RJCT FF01 Ungültiges Dateiformat" }, 200);
        rejected.GetProperty("rejectionReason").GetString().ShouldBe("RJCT FF01 Ungültiges Dateiformat");
        await Json($"/api/payment-files/{file}/rejection", new { reason = "noch einmal" }, 200);

        var view = await Allocation(allocation);
        OrderOf(view, a.Id).GetProperty("status").GetString().ShouldBe("paid");
        OrderOf(view, b.Id).GetProperty("status").GetString().ShouldBe("ordered");
        OrderOf(view, b.Id).GetProperty("sendings")[0].GetProperty("outcome").GetString().ShouldBe("rejected");
        view.GetProperty("disbursedCents").GetInt64().ShouldBe(200_00);
        (await CountAsync<DisbursementRejected>()).ShouldBe(1);
        (await CountAsync<PaymentFileRejected>()).ShouldBe(1);

        // B waits for the next file; a late debit for the refused file's B confirms nothing (it is in no file now).
        (await app.ImportAsync(Statement("OUT-8", Debit(300_00, b.EndToEndId, "E2")))).GetProperty("disbursementIssues")[0]
            .GetProperty("outcome").GetString().ShouldBe("not-sent");
        (await FileAsync()).GetProperty("transferCount").GetInt32().ShouldBe(1);
    }

    private sealed class SimulatedCrash : Exception;

    private async Task<ImportPlan> PlanAsync(byte[] file)
    {
        await using var query = app.Store.QuerySession();
        return await new StatementImport(query, DateTimeOffset.UtcNow) { BatchSize = 1 }
            .PlanAsync([("statement.xml", CamtParser.Parse(new MemoryStream(file)))], TestContext.Current.CancellationToken);
    }

    private OpenImportBatch Batches => ImportBankStatementsHandler.OutboxedBatches(
        app.Host.Services.GetRequiredService<OutboxedSessionFactory>(), app.Host.Services.GetRequiredService<IWolverineRuntime>());

    [Fact]
    public async Task an_import_interrupted_between_confirmations_confirms_each_transfer_once_when_the_file_comes_again()
    {
        var allocation = await AllocateAsync(1_000_00);
        var a = await OrderAsync(allocation, 100_00);
        var b = await OrderAsync(allocation, 200_00);
        await FileAsync();
        var file = Statement("OUT-9", Debit(100_00, a.EndToEndId, "F1"), Debit(200_00, b.EndToEndId, "F2"));

        var plan = await PlanAsync(file);
        await Should.ThrowAsync<SimulatedCrash>(() => plan.WriteAsync(Batches, TestContext.Current.CancellationToken,
            batch => batch == 0 ? throw new SimulatedCrash() : Task.CompletedTask));
        (await Allocation(allocation)).GetProperty("disbursedCents").GetInt64().ShouldBe(100_00);

        var again = await app.ImportAsync(file);
        again.GetProperty("duplicates").GetInt32().ShouldBe(1);
        again.GetProperty("disbursementsConfirmed").GetInt32().ShouldBe(1);
        (await Allocation(allocation)).GetProperty("disbursedCents").GetInt64().ShouldBe(300_00);
        (await CountAsync<FundsDisbursed>()).ShouldBe(2);
    }

    [Fact]
    public async Task a_record_by_hand_between_planning_and_writing_an_import_fails_that_write_instead_of_paying_twice()
    {
        var allocation = await AllocateAsync(1_000_00);
        var a = await OrderAsync(allocation, 100_00);
        await FileAsync();
        var file = Statement("OUT-10", Debit(100_00, a.EndToEndId, "G1"));

        var plan = await PlanAsync(file);
        plan.Result.DisbursementsConfirmed.ShouldBe(1);
        await Json($"/api/allocations/{allocation}/disbursements",
            new { amountCents = 100_00, paidOn = Tomorrow, bankReference = a.EndToEndId, disbursementId = a.Id }, 200);
        // Marten reports the stale version of the allocation's stream (in its quick append mode as a stream id collision); both
        // are retried by the endpoint's policy (HostConfiguration), which plans the upload again.
        var refused = await Should.ThrowAsync<Exception>(() => plan.WriteAsync(Batches, TestContext.Current.CancellationToken));
        refused.ShouldBeAssignableTo<Marten.Exceptions.MartenException>();
        (refused is JasperFx.ConcurrencyException or Marten.Exceptions.ExistingStreamIdCollisionException).ShouldBeTrue(refused.GetType().FullName);
        (await CountAsync<FundsDisbursed>()).ShouldBe(1);
        (await CountAsync<Domain.Payments.BankTransactionRecorded>()).ShouldBe(1);

        // Planned again (as the endpoint's retry does), the debit finds the transfer paid.
        var again = await app.ImportAsync(file);
        again.GetProperty("disbursementIssues")[0].GetProperty("outcome").GetString().ShouldBe("already-confirmed");
        (await Allocation(allocation)).GetProperty("disbursedCents").GetInt64().ShouldBe(100_00);
        (await CountAsync<FundsDisbursed>()).ShouldBe(1);
    }
}
