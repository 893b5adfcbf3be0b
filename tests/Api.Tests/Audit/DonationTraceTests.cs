using System.Text.Json;
using FlutHilfe.TestSupport;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events;
using Npgsql;

namespace FlutHilfe.Api.Tests.Audit;

public class DonationTraceTests(AppFixture app) : IClassFixture<AppFixture>
{
    private async Task<JsonElement> Trace(JsonElement pledge, int status = 200, string? token = null, string? bearer = null)
    {
        var donorUrl = pledge.GetProperty("donorUrl").GetString()!;
        var donationId = pledge.GetProperty("donationId").GetString();
        var query = token ?? donorUrl.Split('?')[1];
        return await (await app.Host.Scenario(s =>
        {
            s.Get.Url($"/api/donations/{donationId}/trace" + (query.Length == 0 ? "" : "?" + query));
            if (bearer is not null) s.WithBearer(bearer);
            s.StatusCodeShouldBe(status);
        })).ReadAsJsonAsync<JsonElement>();
    }

    private static IEnumerable<(string?, long)> Allocations(JsonElement trace)
        => trace.GetProperty("allocations").EnumerateArray().Select(a => (a.GetProperty("municipalityId").GetString(), a.GetProperty("amountCents").GetInt64()));

    private static void AddsUp(JsonElement trace)
    {
        var allocations = trace.GetProperty("allocations").EnumerateArray().ToList();
        (allocations.Sum(a => a.GetProperty("amountCents").GetInt64()) + trace.GetProperty("unallocated").EnumerateArray().Sum(u => u.GetProperty("amountCents").GetInt64())
                + trace.GetProperty("refunded").EnumerateArray().Sum(r => r.GetProperty("amountCents").GetInt64()))
            .ShouldBe(trace.GetProperty("paidCents").GetInt64(), "allocated + not allocated + refunded = paid");
        (trace.GetProperty("allocatedCents").GetInt64() + trace.GetProperty("unallocatedCents").GetInt64() + trace.GetProperty("refundedCents").GetInt64())
            .ShouldBe(trace.GetProperty("paidCents").GetInt64());
        foreach (var a in allocations)
        {
            (a.GetProperty("spending").EnumerateArray().Sum(s => s.GetProperty("amountCents").GetInt64()) + a.GetProperty("unspentCents").GetInt64())
                .ShouldBe(a.GetProperty("amountCents").GetInt64());
        }
    }

    [Fact]
    public async Task a_donation_is_traced_to_allocations_and_spending_items_and_the_parts_add_up_to_what_was_paid()
    {
        await app.ResetAsync();
        var history = await AuditScenario.RunAsync(app);

        var stolberg = await Trace(history.Stolberg);
        stolberg.GetProperty("rule").GetProperty("name").GetString().ShouldBe("fifo-per-fund");
        stolberg.GetProperty("rule").GetProperty("version").GetInt32().ShouldBe(2);
        stolberg.GetProperty("paidCents").GetInt64().ShouldBe(30_000);
        // 250 € allocated from the Stolberg/Kita fund, 10 € withdrawn and 10 € paid back: 230 € of this gift at Stolberg, 70 € still in the fund.
        Allocations(stolberg).ShouldBe([("stolberg", 23_000L)]);
        var allocation = stolberg.GetProperty("allocations")[0];
        allocation.GetProperty("municipalityName").GetString().ShouldBe("Stolberg (Rhld.)");
        allocation.GetProperty("decisionReference").GetString().ShouldBe("SI/2021/088");
        allocation.GetProperty("spending").EnumerateArray().Select(s => (s.GetProperty("reason").GetString(), s.GetProperty("amountCents").GetInt64(), s.GetProperty("payee").GetString()))
            .ShouldBe([("Bastelmaterial", 1_250L, "Spielwaren Becker GmbH"), ("Bilderbücher", 8_000L, "Buchhandlung Schmitz")]);
        allocation.GetProperty("unspentCents").GetInt64().ShouldBe(23_000 - 9_250);
        stolberg.GetProperty("unallocated").EnumerateArray().Select(u => (u.GetProperty("fund").GetString(), u.GetProperty("amountCents").GetInt64()))
            .ShouldBe([("m:stolberg/p:kita-schulmaterial", 7_000L)]);
        AddsUp(stolberg);

        // The general fund: the older general gift (booked first) funds Eschweiler's 50 €, the later one is still unallocated.
        var general = await Trace(history.General);
        Allocations(general).ShouldBe([("eschweiler", 5_000L)]);
        AddsUp(general);
        var later = await Trace(history.Later);
        Allocations(later).ShouldBeEmpty();
        later.GetProperty("unallocatedCents").GetInt64().ShouldBe(4_000);
        // The bank took the Eschweiler gift back: nothing of it is anywhere.
        var returned = await Trace(history.Returned);
        returned.GetProperty("paidCents").GetInt64().ShouldBe(0);
        Allocations(returned).ShouldBeEmpty();
        returned.GetProperty("unallocated").GetArrayLength().ShouldBe(0);

        // The donor page says the same in German.
        var page = await (await app.Host.Scenario(s => s.Get.Url(history.Stolberg.GetProperty("donorPageUrl").GetString()!))).ReadAsTextAsync();
        var text = System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(page, "<[^>]+>", " "));
        text = System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");
        text.ShouldContain("Ihre Spende im Einzelnen");
        text.ShouldContain("230,00 € an Stolberg (Rhld.) für Spiel- und Arbeitsmaterialien für Kitas und Schulen (Beschluss SI/2021/088 vom 10.12.2021), davon:");
        text.ShouldContain("12,50 € für Bastelmaterial (Kita Sonnenschein), bezahlt an Spielwaren Becker GmbH, am 15.12.2021");
        text.ShouldContain("137,50 € noch nicht ausgegeben");
        text.ShouldContain("70,00 € noch nicht zugewiesen");
        if (Environment.GetEnvironmentVariable("FLUTHILFE_PAGE_DUMP") is { Length: > 0 } dump) await File.WriteAllTextAsync(dump, page, TestContext.Current.CancellationToken);
    }

    private static string Text(string html)
        => System.Text.RegularExpressions.Regex.Replace(
            System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(html, "<[^>]+>", " ")), @"\s+", " ");

    [Fact]
    public async Task what_earmark_decisions_did_is_traced_redirected_money_in_its_new_fund_and_refunded_money_beside_so_every_euro_is_accounted_for()
    {
        await app.ResetAsync();
        await app.OpenAppealAsync();
        const string appeal = "/api/appeals/" + Requests.AppealId;
        var treasurer = app.Token("treasurer");
        var day = new DateOnly(2021, 11, 20);
        async Task<JsonElement> Pledge(long cents) => await app.PledgeAsync(new
        {
            amountCents = cents, donor = AuditScenario.Donor("Jürgen Müller", null),
            earmarks = new[] { new { municipalityId = "stolberg", amountCents = cents } },
        });
        var first = await Pledge(10_000);
        var refunded = await Pledge(30_000);
        var redirected = await Pledge(20_000);
        await app.ImportAsync(CamtWriter.Write053v08("S1", Requests.AppealIban,
        [
            new GeneratedCredit(10_000, day, StructuredReference: first.Ref()),
            new GeneratedCredit(30_000, day.AddDays(1), StructuredReference: refunded.Ref()),
            new GeneratedCredit(20_000, day.AddDays(2), StructuredReference: redirected.Ref()),
        ]));
        // FIFO: Stolberg's 150 € are the first gift's 100 € and 50 € of the second.
        await app.PostAsync($"{appeal}/allocations", new { municipalityId = "stolberg", amountCents = 15_000, decisionReference = "SI/2022/001", decidedOn = "2022-01-10" },
            treasurer, 201);

        // Stolberg declines the other 450 €: the donations paid last are asked (200 € of the third, 250 € of the second).
        var decision = (await app.PostAsync($"{appeal}/earmark-decisions", new { municipalityId = "stolberg", amountCents = 45_000, reason = "Stolberg lehnt die Mittel ab." },
            treasurer, 201)).GetProperty("decisionId").GetGuid();
        async Task Answer(JsonElement pledge, object body)
        {
            var token = Uri.UnescapeDataString(pledge.GetProperty("donorUrl").GetString()!.Split("token=")[1]);
            await app.Host.Scenario(s =>
            {
                s.Post.Json(body).ToUrl($"/api/donations/{pledge.GetProperty("donationId").GetString()}/earmark-questions/{decision}").QueryString("token", token);
                s.StatusCodeShouldBe(200);
            });
        }
        await Answer(redirected, new { choice = "redirect", municipalityId = "eschweiler" });
        await Answer(refunded, new { choice = "refund", iban = "DE89 3704 0044 0532 0130 00", accountHolder = "Jürgen Müller" });
        // The redirected money is Eschweiler's now and funds its allocation.
        await app.PostAsync($"{appeal}/allocations", new { municipalityId = "eschweiler", amountCents = 12_000, decisionReference = "SI/2022/002", decidedOn = "2022-02-01" },
            treasurer, 201);
        var answeredOn = Domain.Shared.GermanDate.DayOf(DateTimeOffset.UtcNow);

        var back = await Trace(refunded);
        AddsUp(back);
        (back.GetProperty("paidCents").GetInt64(), back.GetProperty("allocatedCents").GetInt64(), back.GetProperty("unallocatedCents").GetInt64(),
            back.GetProperty("refundedCents").GetInt64()).ShouldBe((30_000L, 5_000L, 0L, 25_000L));
        var refund = back.GetProperty("refunded").EnumerateArray().ShouldHaveSingleItem();
        (refund.GetProperty("fromFund").GetString(), refund.GetProperty("amountCents").GetInt64(), refund.GetProperty("refundedOn").GetString(),
            refund.GetProperty("reason").GetString()).ShouldBe(("m:stolberg", 25_000L, answeredOn.ToString("yyyy-MM-dd"), "Stolberg lehnt die Mittel ab."));
        refund.GetProperty("paidOn").ValueKind.ShouldBe(JsonValueKind.Null, "ordered, not yet on a statement");
        back.GetProperty("redirected").GetArrayLength().ShouldBe(0);

        var moved = await Trace(redirected);
        AddsUp(moved);
        (moved.GetProperty("paidCents").GetInt64(), moved.GetProperty("refundedCents").GetInt64()).ShouldBe((20_000L, 0L));
        Allocations(moved).ShouldBe([("eschweiler", 12_000L)]);
        moved.GetProperty("unallocated").EnumerateArray().Select(u => (u.GetProperty("fund").GetString(), u.GetProperty("amountCents").GetInt64()))
            .ShouldBe([("m:eschweiler", 8_000L)]);
        var redirection = moved.GetProperty("redirected").EnumerateArray().ShouldHaveSingleItem();
        (redirection.GetProperty("fromFund").GetString(), redirection.GetProperty("toFund").GetString(), redirection.GetProperty("toFundName").GetString(),
            redirection.GetProperty("amountCents").GetInt64(), redirection.GetProperty("byDefault").GetBoolean())
            .ShouldBe(("m:stolberg", "m:eschweiler", "Kommune Eschweiler", 20_000L, false));

        var untouched = await Trace(first);
        AddsUp(untouched);
        Allocations(untouched).ShouldBe([("stolberg", 10_000L)]);

        // In German, on the donor page and the auditor's page.
        var date = answeredOn.ToString("dd.MM.yyyy");
        var donorPage = Text(await (await app.Host.Scenario(s => s.Get.Url(refunded.GetProperty("donorPageUrl").GetString()!))).ReadAsTextAsync());
        donorPage.ShouldContain("50,00 € an Stolberg");
        donorPage.ShouldContain($"250,00 € zurückerstattet : Die Zweckbindung (Kommune Stolberg (Rhld.)) war nicht erfüllbar (Stolberg lehnt die Mittel ab); am {date} wurde die Rückzahlung gewählt, die Überweisung ist angewiesen.");
        var movedPage = Text(await (await app.Host.Scenario(s => s.Get.Url(redirected.GetProperty("donorPageUrl").GetString()!))).ReadAsTextAsync());
        movedPage.ShouldContain("120,00 € an Eschweiler");
        movedPage.ShouldContain("80,00 € noch nicht zugewiesen : Das Geld wartet im Topf „Kommune Eschweiler“ auf einen Beschluss des Ausschusses.");
        movedPage.ShouldContain($"200,00 € am {date} von Kommune Stolberg (Rhld.) an Kommune Eschweiler, wie gewünscht (Grund: Stolberg lehnt die Mittel ab)");
        var html = await (await app.Host.Scenario(s =>
        {
            s.Get.Url($"/pruefung/spur?spende={refunded.GetProperty("donationId").GetString()}");
            s.WithBearer(app.Token("auditor"));
        })).ReadAsTextAsync();
        var spur = Text(html);
        spur.ShouldContain("Zurückerstattet 250,00 €");
        spur.ShouldContain("Probe: 50,00 € zugewiesen + 0,00 € nicht zugewiesen + 250,00 € zurückerstattet = 300,00 €; bezahlt 300,00 €.");
        if (Environment.GetEnvironmentVariable("FLUTHILFE_PAGE_DUMP") is { Length: > 0 } dump)
        {
            await File.WriteAllTextAsync(dump + ".spur.html", html, TestContext.Current.CancellationToken);
            await File.WriteAllTextAsync(dump + ".spende.html", await (await app.Host.Scenario(s => s.Get.Url(redirected.GetProperty("donorPageUrl").GetString()!))).ReadAsTextAsync(),
                TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task the_same_trace_after_every_projection_is_rebuilt()
    {
        var ct = TestContext.Current.CancellationToken;
        await app.ResetAsync();
        var history = await AuditScenario.RunAsync(app);
        await app.CatchUpAsync();
        var before = (await Trace(history.Stolberg)).GetRawText();

        var projections = StoreModel.Projections(app.Store);
        var tables = projections.SelectMany(StoreModel.DocumentTypes).Select(t => StoreModel.TableOf(app.Store, t)).Distinct().ToList();
        await using (var connection = new NpgsqlConnection(AppFixture.ConnectionString))
        {
            await connection.OpenAsync(ct);
            await using var truncate = new NpgsqlCommand(string.Join(';', tables.Select(t => $"truncate {app.Schema}.{t}")), connection);
            await truncate.ExecuteNonQueryAsync(ct);
        }
        using (var daemon = await app.Store.BuildProjectionDaemonAsync())
        {
            foreach (var projection in projections) await daemon.RebuildProjectionAsync(projection.Name, ct);
        }

        (await Trace(history.Stolberg)).GetRawText().ShouldBe(before);
    }

    [Fact]
    public async Task only_the_donor_link_or_an_auditor_may_trace()
    {
        await app.ResetAsync();
        await app.OpenAppealAsync();
        var pledge = await app.PledgeAsync(new { amountCents = 2_000 });
        await Trace(pledge, 404, token: "");
        await Trace(pledge, 404, token: "token=falsch");
        await Trace(pledge, 404, token: "", bearer: app.Token("treasurer"));
        (await Trace(pledge, 200, token: "", bearer: app.Token("auditor"))).GetProperty("paidCents").GetInt64().ShouldBe(0);
        (await Trace(pledge)).GetProperty("unallocatedCents").GetInt64().ShouldBe(0);
    }
}
