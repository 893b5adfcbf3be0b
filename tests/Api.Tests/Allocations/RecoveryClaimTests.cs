using System.Text.Json;
using FlutHilfe.BankFiles;
using FlutHilfe.Domain.Allocations;
using FlutHilfe.TestSupport;
using Marten;
using Marten.Events;

namespace FlutHilfe.Api.Tests.Allocations;

/// <summary>
/// Recovery (issue 15): after the proof-of-use review, money the municipality did not use is claimed back with an RF
/// reference; a statement's credit with that reference settles the claim (in parts too) and puts the money back in its fund.
/// </summary>
public class RecoveryClaimTests(AppFixture app) : IClassFixture<AppFixture>, IAsyncLifetime
{
    private const string Appeal = "freude-schenken-2021";
    private static readonly DateOnly Today = Domain.Shared.GermanDate.DayOf(DateTimeOffset.UtcNow);

    public async ValueTask InitializeAsync()
    {
        await app.ResetAsync();
        await app.OpenAppealAsync();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private string Treasurer => app.Token("treasurer");

    private async Task<JsonElement> Json(string url, object body, int status, string? token = null)
        => await (await app.Host.Scenario(s =>
        {
            s.Post.Json(body).ToUrl(url);
            s.WithBearer(token ?? Treasurer);
            s.StatusCodeShouldBe(status);
        })).ReadAsJsonAsync<JsonElement>();

    private async Task<JsonElement> Get(string url) => await app.Host.GetAsJsonAs(Treasurer, url);

    private async Task<long> FundAvailableAsync()
        => (await Get($"/api/appeals/{Appeal}/funds")).EnumerateArray().Single(f => f.GetProperty("municipalityId").GetString() == "stolberg")
            .GetProperty("availableCents").GetInt64();

    private static object Claim(long cents, Guid? id = null, string? dueOn = null) => new
    {
        amountCents = cents, dueOn = dueOn ?? Today.AddDays(30).ToString("yyyy-MM-dd"), reason = "Nicht verwendete Mittel laut Verwendungsnachweis",
        recoveryClaimId = id ?? Guid.NewGuid(),
    };

    private static byte[] Credit(string id, long cents, string reference, string servicerReference)
        => CamtWriter.Write053v08(id, Requests.AppealIban, [new GeneratedCredit(cents, Today, StructuredReference: reference, DebtorName: "Stadt Stolberg (Rhld.)",
            DebtorIban: "DE02120300000000202051", AccountServicerReference: servicerReference)]);

    [Fact]
    public async Task unused_money_is_claimed_after_the_review_and_credits_with_its_reference_settle_it_in_parts_back_into_the_fund()
    {
        var pledge = await app.PledgeAsync(new { amountCents = 1_000_00, earmarks = new[] { new { municipalityId = "stolberg", amountCents = 1_000_00 } } });
        await app.ImportAsync(CamtWriter.Write053v08("IN-1", Requests.AppealIban,
            [new GeneratedCredit(1_000_00, new DateOnly(2021, 11, 20), StructuredReference: pledge.GetProperty("reference").GetString())]));
        var allocation = (await Json($"/api/appeals/{Appeal}/allocations",
            new { municipalityId = "stolberg", amountCents = 1_000_00, decisionReference = "SI/2021/088", decidedOn = "2021-12-10" }, 201)).GetProperty("allocationId").GetString();
        await Json($"/api/allocations/{allocation}/disbursements", new { amountCents = 1_000_00, paidOn = "2021-12-20", bankReference = "UEB-1" }, 200);
        var clerk = app.Token("municipality", "stolberg");
        await Json($"/api/allocations/{allocation}/spending", new { date = "2021-12-22", payee = "Spielwaren Becker GmbH", payeeIsOrganisation = true,
            reason = "Material", purposeId = "kita-schulmaterial", amountCents = 600_00, voucherNumber = "V-1" }, 201, clerk);

        // Not before the review.
        await Json($"/api/allocations/{allocation}/recovery-claims", Claim(400_00), 409);
        await Json($"/api/allocations/{allocation}/proof-of-use", new { narrativeReport = "Material gekauft.", declaration = new
        {
            usedOnlyForPurpose = true, necessaryEconomicalThrifty = true, figuresAgreeWithBooks = true, place = "Stolberg (Rhld.)", date = "2022-01-20",
            signatoryName = "Petra Schulz", signatoryFunction = "Kämmerin",
        } }, 200, clerk);
        await Json($"/api/allocations/{allocation}/proof-of-use/accept", new { remarks = "400 € nicht verwendet" }, 200);

        (await Json($"/api/allocations/{allocation}/recovery-claims", Claim(400_01), 409)).GetProperty("field").GetString().ShouldBe("amountCents");
        (await Json($"/api/allocations/{allocation}/recovery-claims", Claim(100, dueOn: "2021-01-01"), 422)).GetProperty("field").GetString().ShouldBe("dueOn");
        var id = Guid.NewGuid();
        var claim = await Json($"/api/allocations/{allocation}/recovery-claims", Claim(300_00, id), 201);
        (await Json($"/api/allocations/{allocation}/recovery-claims", Claim(300_00, id), 201)).GetProperty("reference").GetString()
            .ShouldBe(claim.GetProperty("reference").GetString());
        var reference = claim.GetProperty("reference").GetString()!;
        Domain.Shared.CreditorReference.TryParse(reference, out _, out _).ShouldBeTrue();
        // 300 € of the 400 € unused are claimed: at most 100 € more.
        await Json($"/api/allocations/{allocation}/recovery-claims", Claim(100_01), 409);
        var fundBefore = await FundAvailableAsync();

        // A first part comes back, then a credit beyond what is open (it waits in the queue), then the rest.
        var part = await app.ImportAsync(Credit("RC-1", 150_00, reference, "R1"));
        part.GetProperty("recoveryClaimsSettled").GetInt32().ShouldBe(1);
        part.GetProperty("unmatched").GetInt32().ShouldBe(0);
        var open = (await Get($"/api/appeals/{Appeal}/recovery-claims?status=open")).EnumerateArray().Single();
        open.GetProperty("status").GetString().ShouldBe("partlySettled");
        open.GetProperty("outstandingCents").GetInt64().ShouldBe(150_00);
        (await FundAvailableAsync()).ShouldBe(fundBefore + 150_00);

        // 200 € is more than the 150 € still open (though not more than is unused): it waits in the queue.
        var beyond = await app.ImportAsync(Credit("RC-2", 200_00, reference, "R2"));
        beyond.GetProperty("recoveryClaimsSettled").GetInt32().ShouldBe(0);
        beyond.GetProperty("unmatched").GetInt32().ShouldBe(1);
        beyond.GetProperty("disbursementIssues")[0].GetProperty("outcome").GetString().ShouldBe("more-than-outstanding");

        var rest = Credit("RC-3", 150_00, reference, "R3");
        (await app.ImportAsync(rest)).GetProperty("recoveryClaimsSettled").GetInt32().ShouldBe(1);
        (await app.ImportAsync(rest)).GetProperty("duplicates").GetInt32().ShouldBe(1);

        (await Get($"/api/appeals/{Appeal}/recovery-claims?status=open")).GetArrayLength().ShouldBe(0);
        var settled = (await Get($"/api/appeals/{Appeal}/recovery-claims?status=settled")).EnumerateArray().Single();
        settled.GetProperty("settledCents").GetInt64().ShouldBe(300_00);
        (await FundAvailableAsync()).ShouldBe(fundBefore + 300_00);
        (await Get($"/api/allocations/{allocation}")).GetProperty("returnedCents").GetInt64().ShouldBe(300_00);
        await using var session = app.Store.QuerySession();
        (await session.Events.QueryRawEventDataOnly<RecoveryClaimSettled>().CountAsync(TestContext.Current.CancellationToken)).ShouldBe(2);
        (await session.Events.QueryRawEventDataOnly<UnusedFundsReturned>().CountAsync(TestContext.Current.CancellationToken)).ShouldBe(2);
    }
}
