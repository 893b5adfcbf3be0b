using System.Text;
using System.Text.Json;
using FlutHilfe.Domain.BankStatements.Continuity;
using FlutHilfe.Domain.Payments;
using Marten;
using Npgsql;

namespace FlutHilfe.Api.Tests.BankStatements;

/// <summary>
/// Statement continuity (balances, sequence numbers per account) reported in the import summary, as treasury notices and
/// by <c>GET /api/bank-statements</c>, never refusing a file; and imported texts capped at their SEPA lengths.
/// </summary>
public class StatementContinuityTests(AppFixture app) : IClassFixture<AppFixture>, IAsyncLifetime
{
    public async ValueTask InitializeAsync()
    {
        await app.ResetAsync();
        await app.OpenAppealAsync();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static IEnumerable<string?> Codes(JsonElement result) => result.GetProperty("warnings").EnumerateArray().Select(w => w.GetProperty("code").GetString());

    private async Task<JsonElement> Statements() => await app.Host.GetAsJsonAs(app.Token("auditor"), "/api/bank-statements");

    [Fact]
    public async Task gaps_mismatches_and_broken_chains_are_reported_not_refused_and_the_same_statement_is_recorded_once()
    {
        var s226 = await app.ImportAsync(DkStatements.Continuity("S2021-226", 226, "2021-11-22", "1000.00", "10.00", "1010.00"));
        (s226.GetProperty("statementsRecorded").GetInt32(), s226.GetProperty("warnings").GetArrayLength()).ShouldBe((1, 0));

        // 228 after 226: 227 is missing; and its closing balance is 5 € off its entries.
        var s228 = await app.ImportAsync(DkStatements.Continuity("S2021-228", 228, "2021-11-24", "1010.00", "5.00", "1020.00"));
        Codes(s228).ShouldBe(["balance-mismatch", "electronic-sequence-gap", "legal-sequence-gap"]);
        s228.GetProperty("unmatched").GetInt32().ShouldBe(1); // the file's booking went in all the same
        var warning = s228.GetProperty("warnings")[1];
        (warning.GetProperty("statement").GetString(), warning.GetProperty("file").GetString()).ShouldBe(("S2021-228", "statement.xml"));
        warning.GetProperty("message").GetString()!.ShouldContain("missing: 227");

        var notices = await app.Host.GetAsJsonAs(app.Token("treasurer"), "/api/notices");
        notices.EnumerateArray().Select(n => n.GetProperty("kind").GetString()).ShouldBe(
            ["statement-balance-mismatch", "statement-electronic-sequence-gap", "statement-legal-sequence-gap"], ignoreOrder: true);
        notices.EnumerateArray().Select(n => n.GetProperty("message").GetString()).ShouldContain(m => m!.Contains("es fehlt: 227"));

        // The same statement again: no second record, no warning about itself, nothing booked twice.
        var again = await app.ImportAsync(DkStatements.Continuity("S2021-228", 228, "2021-11-24", "1010.00", "5.00", "1020.00"));
        (again.GetProperty("statementsRecorded").GetInt32(), again.GetProperty("warnings").GetArrayLength(), again.GetProperty("duplicates").GetInt32()).ShouldBe((0, 0, 1));
        (await app.Host.GetAsJsonAs(app.Token("treasurer"), "/api/notices")).GetArrayLength().ShouldBe(3);

        var listed = (await Statements()).EnumerateArray().Single();
        listed.GetProperty("statements").GetInt32().ShouldBe(2);
        var electronic = listed.GetProperty("sequences").EnumerateArray().Single(s => s.GetProperty("kind").GetString() == "electronic");
        electronic.GetProperty("gaps").EnumerateArray().Select(g => (g.GetProperty("from").GetInt64(), g.GetProperty("to").GetInt64())).ShouldBe([(227L, 227L)]);
        var items = listed.GetProperty("items").EnumerateArray().ToList();
        items.Select(i => i.GetProperty("electronicSequenceNumber").GetInt64()).ShouldBe([226L, 228L]);
        (items[1].GetProperty("balanced").GetBoolean(), items[1].GetProperty("opening").GetProperty("amountCents").GetInt64(), items[1].GetProperty("closing").GetProperty("amountCents").GetInt64())
            .ShouldBe((false, 101000L, 102000L));
        items[1].GetProperty("bookedTotalCents").GetInt64().ShouldBe(500);

        // 227 arrives late and closes the gap, but it opens with 1.011 € after 226 closed with 1.010 €.
        var s227 = await app.ImportAsync(DkStatements.Continuity("S2021-227", 227, "2021-11-23", "1011.00", "1.00", "1012.00"));
        Codes(s227).ShouldAllBe(c => c == "balance-chain-broken");
        Codes(s227).ShouldNotBeEmpty();
        (await Statements())[0].GetProperty("sequences").EnumerateArray().ShouldAllBe(s => s.GetProperty("gaps").GetArrayLength() == 0);

        // Another statement claiming number 228.
        var twin = await app.ImportAsync(DkStatements.Continuity("S2021-228-B", 228, "2021-11-24", "1020.00", "1.00", "1021.00"));
        Codes(twin).ShouldContain("electronic-sequence-repeated");
        (await Statements())[0].GetProperty("sequences")[0].GetProperty("repeated").EnumerateArray().Select(r => r.GetInt64()).ShouldBe([228L]);

        await using var session = app.Store.QuerySession();
        (await session.Events.QueryRawEventDataOnly<BankStatementRecorded>().CountAsync(TestContext.Current.CancellationToken)).ShouldBe(4);
    }

    [Fact]
    public async Task statements_can_be_listed_by_account_and_year_by_treasurer_and_auditor_only()
    {
        await app.ImportAsync(DkStatements.Continuity("S2021-226", 226, "2021-11-22", "1000.00", "10.00", "1010.00"));
        (await app.Host.GetAsJsonAs(app.Token("treasurer"), "/api/bank-statements?year=2020")).GetArrayLength().ShouldBe(0);
        (await app.Host.GetAsJsonAs(app.Token("treasurer"), "/api/bank-statements?accountIban=DE89%203704%200044%200532%200130%2000&year=2021")).GetArrayLength().ShouldBe(1);
        await app.Host.Scenario(s =>
        {
            s.Get.Url("/api/bank-statements");
            s.WithBearer(app.Token("municipality", "stolberg"));
            s.StatusCodeShouldBe(403);
        });
    }

    [Fact]
    public async Task names_and_texts_are_capped_at_their_sepa_lengths_with_the_full_length_noted()
    {
        var longName = string.Concat(Enumerable.Repeat("Hochwasserhilfe-Förderverein ", 200));
        var longText = string.Concat(Enumerable.Repeat("Spende für die Kinder in Stolberg ", 600))[..20_000];
        var longE2e = new string('E', 5_000);
        var result = await app.PostStatementAsync(DkStatements.Load("long-texts.camt053.001.08.xml",
            new Dictionary<string, string> { ["LONG_NAME"] = longName, ["LONG_TEXT"] = longText, ["LONG_E2E"] = longE2e }));
        (await result.ReadAsJsonAsync<JsonElement>()).GetProperty("unmatched").GetInt32().ShouldBe(1);

        var response = await app.Host.Scenario(s =>
        {
            s.Get.Url("/api/payments/unmatched");
            s.WithBearer(app.Token("treasurer"));
        });
        var body = await response.ReadAsTextAsync();
        body.Length.ShouldBeLessThan(3_000);
        var item = JsonDocument.Parse(body).RootElement.EnumerateArray().Single();
        item.GetProperty("payerName").GetString()!.Length.ShouldBeLessThanOrEqualTo(70);
        item.GetProperty("payerNameLength").GetInt32().ShouldBe(longName.Trim().Length);
        item.GetProperty("remittanceText").GetString().ShouldBe(longText[..140]);
        item.GetProperty("remittanceTextLength").GetInt32().ShouldBe(20_000);
        item.GetProperty("endToEndId").GetString()!.Length.ShouldBe(35);

        // Nothing longer reaches a stored document or the event log either.
        await using var connection = new NpgsqlConnection(AppFixture.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        foreach (var table in new[] { "mt_events", "mt_doc_payerdetails", "mt_doc_payment" })
        {
            await using var command = new NpgsqlCommand($"select coalesce(max(length(data::text)), 0) from {app.Schema}.{table}", connection);
            ((int)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!).ShouldBeLessThan(2_000, table);
        }
    }
}
