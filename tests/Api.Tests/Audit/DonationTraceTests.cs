using System.Text.Json;
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
        (allocations.Sum(a => a.GetProperty("amountCents").GetInt64()) + trace.GetProperty("unallocated").EnumerateArray().Sum(u => u.GetProperty("amountCents").GetInt64()))
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
        stolberg.GetProperty("rule").GetProperty("version").GetInt32().ShouldBe(1);
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
