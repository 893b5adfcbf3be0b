using System.Text.Json;
using FlutHilfe.TestSupport;
using Marten;
using Marten.Events;

namespace FlutHilfe.Api.Tests.Allocations;

public class AllocationFlowTests(AppFixture app) : IClassFixture<AppFixture>, IAsyncLifetime
{
    private static readonly DateOnly Day = new(2021, 11, 20);

    public async ValueTask InitializeAsync()
    {
        await app.ResetAsync();
        await app.OpenAppealAsync();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Pledges and pays donations with the given earmarks (null = general).</summary>
    private async Task FundAsync(params (string? Municipality, string? Purpose, long Cents)[] gifts)
    {
        var bookings = new List<GeneratedCredit>();
        foreach (var (m, p, cents) in gifts)
        {
            var pledge = await app.PledgeAsync(new { amountCents = cents, earmarks = new[] { new { municipalityId = m, purposeId = p, amountCents = cents } } });
            bookings.Add(new GeneratedCredit(cents, Day, StructuredReference: pledge.GetProperty("reference").GetString()));
        }
        var result = await app.ImportAsync(CamtWriter.Write053v08("S-" + Guid.NewGuid().ToString("N")[..8], Requests.AppealIban, bookings));
        result.GetProperty("matched").GetInt32().ShouldBe(gifts.Length);
    }

    private async Task<IScenarioResult> Send(string url, object body, string token, int status)
        => await app.Host.Scenario(s =>
        {
            s.Post.Json(body).ToUrl(url);
            s.WithBearer(token);
            s.StatusCodeShouldBe(status);
        });

    private string Treasurer => app.Token("treasurer");
    private string Stolberg => app.Token("municipality", "stolberg");

    private async Task<JsonElement> Allocate(object body, int status = 201)
        => await (await Send("/api/appeals/freude-schenken-2021/allocations", body, Treasurer, status)).ReadAsJsonAsync<JsonElement>();

    private async Task<Dictionary<string, JsonElement>> Funds(string? asOf = null)
    {
        var funds = await (await app.Host.Scenario(s =>
        {
            s.Get.Url("/api/appeals/freude-schenken-2021/funds" + (asOf is null ? "" : "?asOf=" + Uri.EscapeDataString(asOf)));
            s.WithBearer(app.Token("auditor"));
        })).ReadAsJsonAsync<JsonElement>();
        return funds.EnumerateArray().ToDictionary(f => f.GetProperty("fund").GetString()!);
    }

    private async Task<Guid> UploadPdf()
    {
        var pdf = "%PDF-1.4\n% Rechnung Spielwaren Becker\n"u8.ToArray();
        var result = await app.Host.Scenario(s =>
        {
            s.Post.Url("/api/documents?fileName=rechnung.pdf");
            s.ConfigureHttpContext(c =>
            {
                c.Request.Body = new MemoryStream(pdf);
                c.Request.ContentLength = pdf.Length;
                c.Request.ContentType = "application/pdf";
            });
            s.WithBearer(Stolberg);
            s.StatusCodeShouldBe(201);
        });
        var receipt = await result.ReadAsJsonAsync<JsonElement>();
        receipt.GetProperty("sha256").GetString().ShouldBe(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(pdf)));
        return receipt.GetProperty("documentId").GetGuid();
    }

    [Fact]
    public async Task most_specific_funds_are_drawn_first()
    {
        await FundAsync(("stolberg", "kita-schulmaterial", 1000), ("stolberg", null, 2000), (null, "kita-schulmaterial", 4000), (null, null, 8000));

        var allocation = await Allocate(new { municipalityId = "stolberg", purposeId = "kita-schulmaterial", amountCents = 5000, decisionReference = "SI/2021/088", decidedOn = "2021-12-10" });

        allocation.GetProperty("draws").EnumerateArray().Select(d => (d.GetProperty("fund").GetString(), d.GetProperty("amountCents").GetInt64()))
            .ShouldBe([("m:stolberg/p:kita-schulmaterial", 1000L), ("m:stolberg", 2000L), ("p:kita-schulmaterial", 2000L)]);
        var funds = await Funds();
        funds["p:kita-schulmaterial"].GetProperty("availableCents").GetInt64().ShouldBe(2000);
        funds["general"].GetProperty("availableCents").GetInt64().ShouldBe(8000);
        funds["m:stolberg"].GetProperty("allocatedCents").GetInt64().ShouldBe(2000);
    }

    [Fact]
    public async Task too_little_money_is_409_listing_what_each_fund_holds_and_nothing_is_written()
    {
        await FundAsync(("stolberg", null, 1000), (null, null, 500), ("eschweiler", null, 9000));
        var problem = await Allocate(new { municipalityId = "stolberg", amountCents = 1501, decisionReference = "SI/2021/1", decidedOn = "2021-12-10" }, 409);
        problem.GetProperty("funds").EnumerateArray().Select(f => (f.GetProperty("fund").GetString(), f.GetProperty("availableCents").GetInt64()))
            .ShouldBe([("m:stolberg", 1000L), ("general", 500L)]);
        (await Funds())["m:stolberg"].GetProperty("allocatedCents").GetInt64().ShouldBe(0);
    }

    [Fact]
    public async Task an_earmark_that_forbids_the_allocation_is_422()
    {
        await FundAsync(("eschweiler", null, 5000), (null, "weihnachtsfeiern", 5000));
        (await Allocate(new { municipalityId = "stolberg", amountCents = 100, decisionReference = "SI/1", decidedOn = "2021-12-10", sourceFunds = new[] { new { municipalityId = "eschweiler" } } }, 422))
            .GetProperty("field").GetString().ShouldBe("sourceFunds[0]");
        (await Allocate(new { municipalityId = "stolberg", purposeId = "kita-schulmaterial", amountCents = 100, decisionReference = "SI/1", decidedOn = "2021-12-10", sourceFunds = new[] { new { purposeId = "weihnachtsfeiern" } } }, 422))
            .GetProperty("field").GetString().ShouldBe("sourceFunds[0]");
        (await Allocate(new { municipalityId = "koeln", amountCents = 100, decisionReference = "SI/1", decidedOn = "2021-12-10" }, 422))
            .GetProperty("field").GetString().ShouldBe("municipalityId");
        // An allocation without purpose may be spent on anything, so purpose-bound money cannot fund it.
        await Allocate(new { municipalityId = "stolberg", amountCents = 100, decisionReference = "SI/1", decidedOn = "2021-12-10" }, 409);
    }

    [Fact]
    public async Task racing_allocations_never_over_allocate()
    {
        await FundAsync(("stolberg", null, 10_000), (null, null, 3_000));
        var attempts = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => app.Host.Scenario(s =>
        {
            s.Post.Json(new { municipalityId = "stolberg", amountCents = 1_000, decisionReference = $"SI/2021/{i:000}", decidedOn = "2021-12-10" })
                .ToUrl("/api/appeals/freude-schenken-2021/allocations");
            s.WithBearer(Treasurer);
            s.IgnoreStatusCode();
        })));

        var codes = attempts.Select(a => a.Context.Response.StatusCode).ToList();
        codes.ShouldAllBe(c => c == 201 || c == 409);
        codes.Count(c => c == 201).ShouldBe(13);
        var funds = await Funds();
        (funds["m:stolberg"].GetProperty("allocatedCents").GetInt64() + funds["general"].GetProperty("allocatedCents").GetInt64()).ShouldBe(13_000);
        funds.Values.ShouldAllBe(f => f.GetProperty("availableCents").GetInt64() >= 0);
    }

    [Fact]
    public async Task full_flow_from_pledge_to_accepted_proof_of_use()
    {
        await FundAsync(("stolberg", "kita-schulmaterial", 30_000), (null, null, 20_000));
        var allocation = await Allocate(new { municipalityId = "stolberg", purposeId = "kita-schulmaterial", amountCents = 25_000, decisionReference = "SI/2021/088", decidedOn = "2021-12-10" });
        var id = allocation.GetProperty("allocationId").GetString();

        await Send($"/api/allocations/{id}/disbursements", new { amountCents = 25_000, paidOn = "2021-12-12", bankReference = "UEB-4711" }, Treasurer, 200);
        await Send($"/api/allocations/{id}/disbursements", new { amountCents = 1, paidOn = "2021-12-12", bankReference = "UEB-4712" }, Treasurer, 409);

        var documentId = await UploadPdf();
        var item = await (await Send($"/api/allocations/{id}/spending", new
        {
            date = "2021-12-15", payee = "Spielwaren Becker GmbH", payeeIsOrganisation = true, reason = "Bastelmaterial", purposeId = "kita-schulmaterial",
            amountCents = 1999, voucherNumber = "STO-2021-0042", facility = "Kita Sonnenschein", documentId,
        }, Stolberg, 201)).ReadAsJsonAsync<JsonElement>();
        item.GetProperty("documentSha256").GetString()!.Length.ShouldBe(64);
        await Send($"/api/allocations/{id}/spending", new
        {
            date = "2021-12-16", payee = "Erika Mustermann", reason = "Auslagen Weihnachtsbasteln", purposeId = "kita-schulmaterial",
            amountCents = 4_001, voucherNumber = "STO-2021-0043",
        }, Stolberg, 201);

        // Refusals: wrong purpose, overspending, another municipality's clerk, the treasurer.
        await Send($"/api/allocations/{id}/spending", new { date = "2021-12-16", payee = "X", reason = "Feier", purposeId = "weihnachtsfeiern", amountCents = 100, voucherNumber = "A1" }, Stolberg, 422);
        await Send($"/api/allocations/{id}/spending", new { date = "2021-12-16", payee = "X", reason = "Zu viel", purposeId = "kita-schulmaterial", amountCents = 19_001, voucherNumber = "A2" }, Stolberg, 409);
        await Send($"/api/allocations/{id}/spending", new { date = "2021-12-16", payee = "X", reason = "Fremd", purposeId = "kita-schulmaterial", amountCents = 100, voucherNumber = "A3" }, app.Token("municipality", "eschweiler"), 403);
        await Send($"/api/allocations/{id}/spending", new { date = "2021-12-16", payee = "X", reason = "Kasse", purposeId = "kita-schulmaterial", amountCents = 100, voucherNumber = "A4" }, Treasurer, 403);

        var proof = await app.Host.GetAsJsonAs(Stolberg, $"/api/allocations/{id}/proof-of-use");
        proof.GetProperty("itemsWithoutDocument").GetInt32().ShouldBe(1);
        proof.GetProperty("spentCents").GetInt64().ShouldBe(6_000);
        proof.GetProperty("vouchers").EnumerateArray().Select(v => v.GetProperty("hasDocument").GetBoolean()).ShouldBe([true, false]);

        var declaration = new
        {
            usedOnlyForPurpose = true, necessaryEconomicalThrifty = true, figuresAgreeWithBooks = true,
            place = "Stolberg (Rhld.)", date = "2022-01-20", signatoryName = "Petra Schulz", signatoryFunction = "Kämmerin",
        };
        await Send($"/api/allocations/{id}/proof-of-use", new { narrativeReport = "Material für 3 Kitas beschafft.", declaration }, Stolberg, 200);
        await Send($"/api/allocations/{id}/proof-of-use/reject", new { remarks = "Beleg STO-2021-0043 fehlt." }, Treasurer, 200);
        await Send($"/api/allocations/{id}/proof-of-use", new { narrativeReport = "Material für 3 Kitas beschafft; Beleg nachgereicht.", declaration }, Stolberg, 200);
        await Send($"/api/allocations/{id}/proof-of-use/accept", new { remarks = "In Ordnung." }, Treasurer, 200);
        (await app.Host.GetAsJsonAs(Stolberg, $"/api/allocations/{id}/proof-of-use")).GetProperty("status").GetString().ShouldBe("accepted");

        // The same proof as Belegliste (CSV) and as German PDF, generated from the events.
        var csv = await (await app.Host.Scenario(s => { s.Get.Url($"/api/allocations/{id}/proof-of-use.csv"); s.WithBearer(Stolberg); s.StatusCodeShouldBeOk(); })).ReadAsTextAsync();
        csv.ShouldContain("STO-2021-0042;Kita Sonnenschein");
        csv.ShouldContain("19,99");
        csv.ShouldContain("ohne Beleg");
        var pdf = await (await app.Host.Scenario(s => { s.Get.Url($"/api/allocations/{id}/proof-of-use.pdf"); s.WithBearer(app.Token("auditor")); s.ContentTypeShouldBe("application/pdf"); })).ReadAsBytesAsync();
        var pdfText = string.Join(' ', PdfPages.Text(pdf));
        foreach (var expected in new[] { "Verwendungsnachweis", "Stolberg (Rhld.)", "SI/2021/088", "Material für 3 Kitas", "STO-2021-0042", "STO-2021-0043", "19,99", "angenommen" })
        {
            pdfText.ShouldContain(expected, Case.Sensitive, $"missing '{expected}'");
        }
        await app.Host.Scenario(s => { s.Get.Url($"/api/allocations/{id}/proof-of-use.pdf"); s.WithBearer(app.Token("municipality", "eschweiler")); s.StatusCodeShouldBe(403); });

        // Unused money goes back to the funds it came from.
        await Send($"/api/allocations/{id}/returns", new { amountCents = 19_000, returnedOn = "2022-06-30", bankReference = "RUE-1" }, Treasurer, 200);
        await Send($"/api/allocations/{id}/returns", new { amountCents = 1, returnedOn = "2022-06-30", bankReference = "RUE-2" }, Treasurer, 409);
        var funds = await Funds();
        funds["m:stolberg/p:kita-schulmaterial"].GetProperty("returnedCents").GetInt64().ShouldBe(19_000);
        funds["m:stolberg/p:kita-schulmaterial"].GetProperty("availableCents").GetInt64().ShouldBe(30_000 - 6_000);

        await app.CatchUpAsync();
        var balance = await app.Host.GetAsJsonAs(Stolberg, "/api/municipalities/stolberg/balance");
        var total = balance.GetProperty("total");
        (total.GetProperty("allocatedCents").GetInt64(), total.GetProperty("disbursedCents").GetInt64(), total.GetProperty("spentCents").GetInt64(),
            total.GetProperty("returnedCents").GetInt64(), total.GetProperty("openCents").GetInt64()).ShouldBe((25_000L, 25_000L, 6_000L, 19_000L, 0L));
        var appeal = balance.GetProperty("appeals")[0];
        appeal.GetProperty("perPurpose").GetProperty("kita-schulmaterial").GetProperty("spentCents").GetInt64().ShouldBe(6_000);
        appeal.GetProperty("itemsWithoutDocument").GetInt32().ShouldBe(1);
        appeal.GetProperty("allocations")[0].GetProperty("proofStatus").GetString().ShouldBe("accepted");

        var totals = await app.Host.GetAsJson<JsonElement>("/api/appeals/freude-schenken-2021/totals");
        totals.GetProperty("receivedCents").GetInt64().ShouldBe(50_000);
        totals.GetProperty("allocatedCents").GetInt64().ShouldBe(25_000);
        totals.GetProperty("spentCents").GetInt64().ShouldBe(6_000);
        totals.GetProperty("donations").GetInt32().ShouldBe(2);

        var transparency = await app.Host.GetAsJson<JsonElement>("/api/appeals/freude-schenken-2021/transparency");
        var stolberg = transparency.GetProperty("municipalities").EnumerateArray().Single();
        var spending = stolberg.GetProperty("spending").EnumerateArray().ToList();
        spending.Count.ShouldBe(2);
        spending[0].GetProperty("payee").GetString().ShouldBe("Spielwaren Becker GmbH");
        spending[0].GetProperty("facility").GetString().ShouldBe("Kita Sonnenschein");
        spending[1].GetProperty("payee").ValueKind.ShouldBe(JsonValueKind.Null);
        transparency.ToString().ShouldNotContain("Mustermann");
    }

    [Fact]
    public async Task a_clerk_reads_only_the_balance_of_their_own_municipality()
    {
        await app.Host.Scenario(s => { s.Get.Url("/api/municipalities/eschweiler/balance"); s.WithBearer(Stolberg); s.StatusCodeShouldBe(403); });
        await app.Host.Scenario(s => { s.Get.Url("/api/municipalities/stolberg/balance"); s.WithBearer(Stolberg); s.StatusCodeShouldBeOk(); });
    }

    [Fact]
    public async Task withdrawing_gives_the_unspent_undisbursed_part_back_and_spending_corrections_are_new_facts()
    {
        await FundAsync(("stolberg", null, 10_000));
        var id = (await Allocate(new { municipalityId = "stolberg", amountCents = 10_000, decisionReference = "SI/5", decidedOn = "2021-12-10" })).GetProperty("allocationId").GetString();
        await Send($"/api/allocations/{id}/disbursements", new { amountCents = 4_000, paidOn = "2021-12-12", bankReference = "U1" }, Treasurer, 200);
        var itemId = (await (await Send($"/api/allocations/{id}/spending", new { date = "2021-12-15", payee = "Laden", reason = "Spiele", purposeId = "weihnachtsfeiern", amountCents = 1_000, voucherNumber = "V1" }, Stolberg, 201))
            .ReadAsJsonAsync<JsonElement>()).GetProperty("itemId").GetString();

        await Send($"/api/allocations/{id}/withdraw", new { amountCents = 6_001, reason = "zu viel" }, Treasurer, 409);
        var after = await (await Send($"/api/allocations/{id}/withdraw", new { reason = "Rest zurück" }, Treasurer, 200)).ReadAsJsonAsync<JsonElement>();
        after.GetProperty("withdrawnCents").GetInt64().ShouldBe(6_000);
        (await Funds())["m:stolberg"].GetProperty("availableCents").GetInt64().ShouldBe(6_000);

        var corrected = await (await Send($"/api/spending/{itemId}/withdraw", new { reason = "falscher Betrag" }, Stolberg, 200)).ReadAsJsonAsync<JsonElement>();
        corrected.GetProperty("spentCents").GetInt64().ShouldBe(0);
        corrected.GetProperty("items")[0].GetProperty("withdrawn").GetBoolean().ShouldBeTrue();
        await Send($"/api/allocations/{id}/spending", new { date = "2021-12-15", payee = "Laden", reason = "Spiele", purposeId = "weihnachtsfeiern", amountCents = 900, voucherNumber = "V1" }, Stolberg, 201);
    }

    [Fact]
    public async Task a_withdrawal_sent_again_with_its_id_or_its_idempotency_key_takes_back_once_and_answers_the_same()
    {
        await FundAsync(("stolberg", null, 10_000));
        var id = (await Allocate(new { municipalityId = "stolberg", amountCents = 10_000, decisionReference = "SI/6", decidedOn = "2021-12-10" })).GetProperty("allocationId").GetString();

        // The operation id in the body: the retry changes nothing, even though 3,000 € could still be taken back.
        var withdrawalId = Guid.NewGuid();
        var first = await (await Send($"/api/allocations/{id}/withdraw", new { amountCents = 3_000, reason = "Beschluss geändert", withdrawalId }, Treasurer, 200))
            .ReadAsJsonAsync<JsonElement>();
        var retry = await (await Send($"/api/allocations/{id}/withdraw", new { amountCents = 3_000, reason = "Beschluss geändert", withdrawalId }, Treasurer, 200))
            .ReadAsJsonAsync<JsonElement>();
        retry.GetRawText().ShouldBe(first.GetRawText());
        retry.GetProperty("withdrawnCents").GetInt64().ShouldBe(3_000);
        (await Funds())["m:stolberg"].GetProperty("availableCents").GetInt64().ShouldBe(3_000);

        // An Idempotency-Key without an id in the body: the same key is the same withdrawal, also once its stored answer is gone.
        async Task<JsonElement> WithKey(string key) => await (await app.Host.Scenario(s =>
        {
            s.Post.Json(new { amountCents = 2_000, reason = "Teilbetrag" }).ToUrl($"/api/allocations/{id}/withdraw");
            s.WithBearer(Treasurer);
            s.WithRequestHeader("Idempotency-Key", key);
            s.StatusCodeShouldBe(200);
        })).ReadAsJsonAsync<JsonElement>();
        var key = Guid.NewGuid().ToString();
        (await WithKey(key)).GetProperty("withdrawnCents").GetInt64().ShouldBe(5_000);
        await app.Store.Advanced.Clean.DeleteDocumentsByTypeAsync(typeof(FlutHilfe.Api.Infrastructure.Idempotency.IdempotencyRecord), TestContext.Current.CancellationToken);
        (await WithKey(key)).GetProperty("withdrawnCents").GetInt64().ShouldBe(5_000);
        // Another key is another withdrawal.
        (await WithKey(Guid.NewGuid().ToString())).GetProperty("withdrawnCents").GetInt64().ShouldBe(7_000);

        await using var session = app.Store.QuerySession();
        var events = await session.Events.FetchStreamAsync(Guid.Parse(id!), token: TestContext.Current.CancellationToken);
        events.Count(e => e.Data is FlutHilfe.Domain.Allocations.AllocationWithdrawn).ShouldBe(3);
        (await Funds())["m:stolberg"].GetProperty("availableCents").GetInt64().ShouldBe(7_000);
        await Send($"/api/allocations/{id}/withdraw", new { reason = "x", withdrawalId = Guid.Empty }, Treasurer, 422);
    }

    [Fact]
    public async Task a_spending_item_withdrawn_again_changes_nothing_and_after_submission_it_cannot_be_withdrawn()
    {
        await FundAsync(("stolberg", null, 10_000));
        var id = (await Allocate(new { municipalityId = "stolberg", amountCents = 10_000, decisionReference = "SI/8", decidedOn = "2021-12-10" })).GetProperty("allocationId").GetString();
        async Task<string> Report(long cents, string voucher) => (await (await Send($"/api/allocations/{id}/spending",
                new { date = "2021-12-15", payee = "Laden", reason = "Spiele", purposeId = "weihnachtsfeiern", amountCents = cents, voucherNumber = voucher }, Stolberg, 201))
            .ReadAsJsonAsync<JsonElement>()).GetProperty("itemId").GetString()!;
        var wrong = await Report(1_000, "V1");
        var kept = await Report(2_000, "V2");

        var first = await (await Send($"/api/spending/{wrong}/withdraw", new { reason = "doppelt" }, Stolberg, 200)).ReadAsJsonAsync<JsonElement>();
        var again = await (await Send($"/api/spending/{wrong}/withdraw", new { reason = "doppelt" }, Stolberg, 200)).ReadAsJsonAsync<JsonElement>();
        again.GetRawText().ShouldBe(first.GetRawText());
        again.GetProperty("spentCents").GetInt64().ShouldBe(2_000);

        await Send($"/api/allocations/{id}/proof-of-use", new
        {
            narrativeReport = "Bericht",
            declaration = new
            {
                usedOnlyForPurpose = true, necessaryEconomicalThrifty = true, figuresAgreeWithBooks = true,
                place = "Stolberg (Rhld.)", date = "2022-01-20", signatoryName = "Petra Schulz", signatoryFunction = "Kämmerin",
            },
        }, Stolberg, 200);
        var late = await (await Send($"/api/spending/{kept}/withdraw", new { reason = "zu spät" }, Stolberg, 409)).ReadAsJsonAsync<JsonElement>();
        late.GetProperty("detail").GetString()!.ShouldContain("submitted");
        await using var session = app.Store.QuerySession();
        var events = await session.Events.FetchStreamAsync(Guid.Parse(id!), token: TestContext.Current.CancellationToken);
        events.Count(e => e.Data is FlutHilfe.Domain.Allocations.SpendingWithdrawn).ShouldBe(1);
    }

    [Fact]
    public async Task balances_answer_as_of_a_past_instant()
    {
        await FundAsync(("stolberg", null, 10_000));
        await Task.Delay(50, TestContext.Current.CancellationToken);
        var before = DateTimeOffset.UtcNow.ToString("O");
        await Task.Delay(50, TestContext.Current.CancellationToken);
        var id = (await Allocate(new { municipalityId = "stolberg", amountCents = 7_000, decisionReference = "SI/7", decidedOn = "2021-12-10" })).GetProperty("allocationId").GetString();
        await Send($"/api/allocations/{id}/disbursements", new { amountCents = 7_000, paidOn = "2021-12-12", bankReference = "U" }, Treasurer, 200);

        (await Funds(before))["m:stolberg"].GetProperty("availableCents").GetInt64().ShouldBe(10_000);
        (await Funds())["m:stolberg"].GetProperty("availableCents").GetInt64().ShouldBe(3_000);

        var then = await app.Host.GetAsJsonAs(app.Token("auditor"), "/api/municipalities/stolberg/balance?asOf=" + Uri.EscapeDataString(before));
        then.GetProperty("total").GetProperty("allocatedCents").GetInt64().ShouldBe(0);
        var now = await app.Host.GetAsJsonAs(app.Token("auditor"), "/api/municipalities/stolberg/balance?asOf=" + Uri.EscapeDataString(DateTimeOffset.UtcNow.ToString("O")));
        now.GetProperty("total").GetProperty("disbursedCents").GetInt64().ShouldBe(7_000);

        var totalsThen = await app.Host.GetAsJson<JsonElement>("/api/appeals/freude-schenken-2021/totals?asOf=" + Uri.EscapeDataString(before));
        totalsThen.GetProperty("receivedCents").GetInt64().ShouldBe(10_000);
        totalsThen.GetProperty("allocatedCents").GetInt64().ShouldBe(0);

        await app.Host.Scenario(s => { s.Get.Url("/api/appeals/freude-schenken-2021/totals?asOf=gestern"); s.StatusCodeShouldBe(422); });
    }
}
