using System.Text.Json;
using FlutHilfe.TestSupport;

namespace FlutHilfe.Api.Tests.Audit;

/// <summary>
/// The two clocks: <c>asOf</c> (what was recorded by then) and <c>effectiveOn</c> (what the bank's booking dates and the
/// decisions' dates up to that day say, whenever it was recorded), on every balance, the totals, the funds and the proof of use.
/// </summary>
public class TwoClocksTests(AppFixture app) : IClassFixture<AppFixture>, IAsyncLifetime
{
    private const string Appeal = "freude-schenken-2021";
    private const string NewYearsEve = "2021-12-31";
    private static readonly string EndOf2021 = Uri.EscapeDataString("2021-12-31T23:59:59+01:00");
    /// <summary>The statement of 30.12.2021 was imported on 05.01.2022.</summary>
    private static readonly DateTimeOffset ImportedOn = new(2022, 1, 5, 10, 0, 0, TimeSpan.FromHours(1));

    public async ValueTask InitializeAsync()
    {
        await app.ResetAsync();
        await app.OpenAppealAsync();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private string Auditor => app.Token("auditor");

    private async Task<JsonElement> Get(string url) => await app.Host.GetAsJsonAs(Auditor, url);

    /// <summary>A pledge of <paramref name="cents"/> for Stolberg, paid by a transfer booked on 30.12.2021 and imported on 05.01.2022.</summary>
    private async Task PaidLateInDecemberImportedInJanuary(long cents)
    {
        var pledge = await app.PledgeAsync(new { amountCents = cents, earmarks = new[] { new { municipalityId = "stolberg", amountCents = cents } } });
        var before = await app.LastSequenceAsync();
        var statement = CamtWriter.Write053v08("S-" + Guid.NewGuid().ToString("N")[..8], Requests.AppealIban,
            [new GeneratedCredit(cents, new DateOnly(2021, 12, 30), StructuredReference: pledge.GetProperty("reference").GetString())]);
        (await app.ImportAsync(statement)).GetProperty("matched").GetInt32().ShouldBe(1);
        await app.RecordedAtAsync(before, ImportedOn);
    }

    private async Task<JsonElement> Send(string url, object body, string token, int status = 200)
        => await (await app.Host.Scenario(s => { s.Post.Json(body).ToUrl(url); s.WithBearer(token); s.StatusCodeShouldBe(status); })).ReadAsJsonAsync<JsonElement>();

    [Fact]
    public async Task a_payment_booked_in_december_but_imported_in_january_counts_on_its_booking_date_not_on_its_recording()
    {
        await PaidLateInDecemberImportedInJanuary(10_000);

        var effective = await Get($"/api/appeals/{Appeal}/totals?effectiveOn={NewYearsEve}");
        effective.GetProperty("receivedCents").GetInt64().ShouldBe(10_000);
        effective.GetProperty("effectiveOn").GetString().ShouldBe(NewYearsEve);
        (await Get($"/api/appeals/{Appeal}/totals?asOf={EndOf2021}")).GetProperty("receivedCents").GetInt64().ShouldBe(0);
        (await Get($"/api/appeals/{Appeal}/totals?asOf={EndOf2021}&effectiveOn={NewYearsEve}")).GetProperty("receivedCents").GetInt64().ShouldBe(0);
        (await Get($"/api/appeals/{Appeal}/totals?effectiveOn=2021-12-29")).GetProperty("receivedCents").GetInt64().ShouldBe(0);
        (await Get($"/api/appeals/{Appeal}/totals?asOf=" + Uri.EscapeDataString("2022-01-06T00:00:00Z") + $"&effectiveOn={NewYearsEve}"))
            .GetProperty("receivedCents").GetInt64().ShouldBe(10_000);

        Fund(await Get($"/api/appeals/{Appeal}/funds?effectiveOn={NewYearsEve}"), "m:stolberg").GetProperty("confirmedCents").GetInt64().ShouldBe(10_000);
        (await Get($"/api/appeals/{Appeal}/funds?asOf={EndOf2021}")).GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task balances_and_the_proof_of_use_count_decisions_transfers_and_spending_on_their_own_dates()
    {
        await PaidLateInDecemberImportedInJanuary(10_000);
        var treasurer = app.Token("treasurer");
        var stolberg = app.Token("municipality", "stolberg");
        var id = (await Send($"/api/appeals/{Appeal}/allocations",
            new { municipalityId = "stolberg", amountCents = 6_000, decisionReference = "SI/2022/001", decidedOn = "2022-01-10" }, treasurer, 201))
            .GetProperty("allocationId").GetString();
        await Send($"/api/allocations/{id}/disbursements", new { amountCents = 6_000, paidOn = "2022-01-12", bankReference = "U1" }, treasurer);
        var item = (await Send($"/api/allocations/{id}/spending", new { date = "2022-01-15", payee = "Laden", reason = "Spiele", purposeId = "weihnachtsfeiern",
            amountCents = 1_000, voucherNumber = "V1" }, stolberg, 201)).GetProperty("itemId").GetString();
        // A correction made today (2026) of an item dated 15.01.2022 counts on the item's date: the item never counted.
        await Send($"/api/spending/{item}/withdraw", new { reason = "falscher Betrag" }, stolberg);
        await Send($"/api/allocations/{id}/spending", new { date = "2022-01-15", payee = "Laden", reason = "Spiele", purposeId = "weihnachtsfeiern",
            amountCents = 900, voucherNumber = "V1" }, stolberg, 201);
        await Send($"/api/allocations/{id}/returns", new { amountCents = 100, returnedOn = "2022-02-01", bankReference = "R1" }, treasurer);

        Total(await Get($"/api/municipalities/stolberg/balance?effectiveOn={NewYearsEve}")).ShouldBe((0, 0, 0, 0));
        Total(await Get("/api/municipalities/stolberg/balance?effectiveOn=2022-01-11")).ShouldBe((6_000, 0, 0, 0));
        Total(await Get("/api/municipalities/stolberg/balance?effectiveOn=2022-01-14")).ShouldBe((6_000, 6_000, 0, 0));
        Total(await Get("/api/municipalities/stolberg/balance?effectiveOn=2022-01-31")).ShouldBe((6_000, 6_000, 900, 0));
        Total(await Get("/api/municipalities/stolberg/balance?effectiveOn=2022-02-01")).ShouldBe((6_000, 6_000, 900, 100));

        var fundsInJanuary = Fund(await Get($"/api/appeals/{Appeal}/funds?effectiveOn=2022-01-31"), "m:stolberg");
        fundsInJanuary.GetProperty("allocatedCents").GetInt64().ShouldBe(6_000);
        fundsInJanuary.GetProperty("returnedCents").GetInt64().ShouldBe(0);
        fundsInJanuary.GetProperty("availableCents").GetInt64().ShouldBe(4_000);
        Fund(await Get($"/api/appeals/{Appeal}/funds?effectiveOn={NewYearsEve}"), "m:stolberg").GetProperty("availableCents").GetInt64().ShouldBe(10_000);

        var totals = await Get($"/api/appeals/{Appeal}/totals?effectiveOn=2022-01-31");
        totals.GetProperty("allocatedCents").GetInt64().ShouldBe(6_000);
        totals.GetProperty("spentCents").GetInt64().ShouldBe(900);

        var proof = await Get($"/api/allocations/{id}/proof-of-use?effectiveOn=2022-01-14");
        proof.GetProperty("disbursedCents").GetInt64().ShouldBe(6_000);
        proof.GetProperty("spentCents").GetInt64().ShouldBe(0);
        proof.GetProperty("vouchers").GetArrayLength().ShouldBe(0);
        var proofLater = await Get($"/api/allocations/{id}/proof-of-use?effectiveOn=2022-01-31");
        proofLater.GetProperty("spentCents").GetInt64().ShouldBe(900);
        proofLater.GetProperty("vouchers").GetArrayLength().ShouldBe(2);
        // Before the decision there is no allocation to prove; recorded only now (2026), so nothing was known at the end of 2021.
        await app.Host.Scenario(s => { s.Get.Url($"/api/allocations/{id}/proof-of-use?effectiveOn={NewYearsEve}"); s.WithBearer(Auditor); s.StatusCodeShouldBe(404); });
        await app.Host.Scenario(s => { s.Get.Url($"/api/allocations/{id}/proof-of-use?asOf={EndOf2021}"); s.WithBearer(Auditor); s.StatusCodeShouldBe(404); });
        (await Get($"/api/allocations/{id}/proof-of-use")).GetProperty("returnedCents").GetInt64().ShouldBe(100);
    }

    [Theory]
    [InlineData("/api/appeals/freude-schenken-2021/totals")]
    [InlineData("/api/appeals/freude-schenken-2021/funds")]
    [InlineData("/api/municipalities/stolberg/balance")]
    [InlineData("/api/allocations/00000000-0000-0000-0000-000000000001/proof-of-use")]
    public async Task a_date_that_does_not_parse_is_a_problem_naming_effectiveOn(string path)
    {
        foreach (var bad in new[] { "31.12.2021", "2021-13-01", "gestern", "2021-12-31T00:00:00Z" })
        {
            var result = await app.Host.Scenario(s => { s.Get.Url(path + "?effectiveOn=" + Uri.EscapeDataString(bad)); s.WithBearer(Auditor); s.StatusCodeShouldBe(422); });
            (await result.ReadAsJsonAsync<JsonElement>()).GetProperty("field").GetString().ShouldBe("effectiveOn");
        }
    }

    private static JsonElement Fund(JsonElement funds, string key) => funds.EnumerateArray().Single(f => f.GetProperty("fund").GetString() == key);

    private static (long Allocated, long Disbursed, long Spent, long Returned) Total(JsonElement balance)
    {
        var t = balance.GetProperty("total");
        return (t.GetProperty("allocatedCents").GetInt64(), t.GetProperty("disbursedCents").GetInt64(), t.GetProperty("spentCents").GetInt64(),
            t.GetProperty("returnedCents").GetInt64());
    }
}
