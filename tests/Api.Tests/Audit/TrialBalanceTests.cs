using System.Text.Json;
using JasperFx.Events.Daemon;
using Marten;
using Marten.Events;

namespace FlutHilfe.Api.Tests.Audit;

public class TrialBalanceTests(AppFixture app) : IClassFixture<AppFixture>
{
    private async Task<JsonElement> TrialBalance(string query, int status = 200, string role = "auditor")
        => await (await app.Host.Scenario(s =>
        {
            s.Get.Url("/api/audit/trial-balance?" + query);
            s.WithBearer(app.Token(role));
            s.StatusCodeShouldBe(status);
        })).ReadAsJsonAsync<JsonElement>();

    private static Dictionary<string, long> Accounts(JsonElement t)
        => t.GetProperty("accounts").EnumerateArray().ToDictionary(a => a.GetProperty("account").GetString()!, a => a.GetProperty("balanceCents").GetInt64());

    [Fact]
    public async Task the_trial_balance_is_zero_now_and_as_of_every_recorded_moment_and_agrees_with_the_views()
    {
        await app.ResetAsync();
        await AuditScenario.RunAsync(app);
        await app.CatchUpAsync();

        var now = await TrialBalance($"appealId={Requests.AppealId}", role: "treasurer");
        now.GetProperty("sumCents").GetInt64().ShouldBe(0);
        now.GetProperty("totalDebitCents").GetInt64().ShouldBe(now.GetProperty("totalCreditCents").GetInt64());
        var accounts = Accounts(now);
        // 300 + 200 + 77,77 + 40 € in, 77,77 € back to the bank, 250 € + 50 € disbursed, 10 € paid back.
        accounts["bank"].ShouldBe(30_000 + 20_000 + 7_777 + 4_000 - 7_777 - 20_000 - 5_000 + 1_000);
        accounts["spent:stolberg"].ShouldBe(9_250);
        accounts["disbursed:stolberg"].ShouldBe(20_000 - 9_250 - 1_000);
        accounts["allocated:stolberg"].ShouldBe(-(25_000 - 1_000 - 1_000));
        accounts["fund:m:eschweiler"].ShouldBe(0);

        var funds = (await app.Host.GetAsJsonAs(app.Token("auditor"), $"/api/appeals/{Requests.AppealId}/funds")).EnumerateArray().ToList();
        foreach (var fund in funds)
            (-accounts["fund:" + fund.GetProperty("fund").GetString()]).ShouldBe(fund.GetProperty("availableCents").GetInt64());

        // As of each moment an event was recorded, the books balance too.
        await using var session = app.Store.QuerySession();
        var stamps = (await session.Events.QueryAllRawEvents().OrderBy(e => e.Sequence).ToListAsync(TestContext.Current.CancellationToken))
            .Select(e => e.Timestamp).Distinct().ToList();
        stamps.Count.ShouldBeGreaterThan(10);
        foreach (var stamp in stamps.Where((_, i) => i % 3 == 0))
        {
            var then = await TrialBalance($"appealId={Requests.AppealId}&asOf={Uri.EscapeDataString(stamp.ToString("O"))}");
            then.GetProperty("sumCents").GetInt64().ShouldBe(0);
            Accounts(then).Values.Sum().ShouldBe(0);
        }
        var beforeAllocations = await TrialBalance($"appealId={Requests.AppealId}&asOf={Uri.EscapeDataString(stamps[0].ToString("O"))}");
        Accounts(beforeAllocations).Keys.ShouldNotContain("allocated:stolberg");
    }

    [Fact]
    public async Task a_missing_or_unknown_appeal_is_a_problem_naming_it()
    {
        await app.ResetAsync();
        (await TrialBalance("", 422)).GetProperty("field").GetString().ShouldBe("appealId");
        (await TrialBalance("appealId=gibt-es-nicht", 404)).GetProperty("field").GetString().ShouldBe("appealId");
        await app.Host.Scenario(s =>
        {
            s.Get.Url("/api/audit/trial-balance?appealId=x");
            s.WithBearer(app.Token("municipality", "stolberg"));
            s.StatusCodeShouldBe(403);
        });
    }
}
