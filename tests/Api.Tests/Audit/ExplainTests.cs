using System.Text.Json;
using FlutHilfe.Api.Audit.Explain;
using FlutHilfe.Projections.Explaining;
using FlutHilfe.Projections.Replaying;
using JasperFx.Events.Daemon;
using Marten;
using Marten.Events;

namespace FlutHilfe.Api.Tests.Audit;

public class ExplainTests(AppFixture app) : IClassFixture<AppFixture>
{
    private async Task<JsonElement> Explain(string query, int status = 200, string role = "auditor")
        => await (await app.Host.Scenario(s =>
        {
            s.Get.Url("/api/audit/explain?" + query);
            s.WithBearer(app.Token(role));
            s.StatusCodeShouldBe(status);
        })).ReadAsJsonAsync<JsonElement>();

    private static long Sum(JsonElement explanation)
        => explanation.GetProperty("contributions").EnumerateArray().Sum(c => c.GetProperty("contribution").GetInt64());

    [Fact]
    public async Task every_numeric_field_of_every_view_is_the_sum_of_its_contributions()
    {
        var ct = TestContext.Current.CancellationToken;
        await app.ResetAsync();
        await AuditScenario.RunAsync(app);
        await app.CatchUpAsync();

        // Every read model of the projections is explainable: a new view cannot be forgotten here.
        var readModels = typeof(IReadModel<,>).Assembly.GetTypes()
            .Where(t => t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IReadModel<,>))).ToList();
        ExplainableViews.All.Select(v => v.DocumentType).ShouldBe(readModels, ignoreOrder: true);

        await using var session = app.Store.QuerySession();
        var checkedFields = new List<string>();
        foreach (var view in ExplainableViews.All)
        {
            var documents = await view.StoredAsync(session, null, ct);
            documents.ShouldNotBeEmpty($"the scenario gives the {view.Name} view documents");
            foreach (var document in documents)
            {
                var documentId = (string)document.GetType().GetProperty("Id")!.GetValue(document)!;
                var (appealId, id) = documentId.Split('|') is [var a, var rest] ? (a, rest) : (documentId, documentId);
                var fields = ViewFields.Enumerate(document).ToList();
                fields.ShouldNotBeEmpty();
                foreach (var (field, unit) in fields)
                {
                    var explanation = await Explain($"view={view.Name}&id={Uri.EscapeDataString(id)}&appealId={appealId}&field={Uri.EscapeDataString(field)}");
                    var stored = ViewFields.Read(document, ViewFields.Split(field));
                    Sum(explanation).ShouldBe(stored, $"{view.Name} {documentId} {field}");
                    explanation.GetProperty("value").GetInt64().ShouldBe(stored);
                    explanation.GetProperty("unit").GetString().ShouldBe(unit == FieldUnit.Cents ? "cents" : "count");
                    var sequences = explanation.GetProperty("contributions").EnumerateArray().Select(c => c.GetProperty("sequence").GetInt64()).ToList();
                    sequences.ShouldBe(sequences.Order().ToList());
                    checkedFields.Add($"{view.Name}:{field}");
                }
            }
        }
        // Top-level money and counts, computed ones, per-purpose, per-municipality and per-allocation figures, ledger accounts.
        checkedFields.Count.ShouldBeGreaterThan(60);
        checkedFields.ShouldContain("municipality:openCents");
        checkedFields.ShouldContain("municipality:perPurpose.kita-schulmaterial.spentCents");
        checkedFields.ShouldContain(f => f.StartsWith("municipality:allocations.", StringComparison.Ordinal) && f.EndsWith(".itemsWithoutDocument", StringComparison.Ordinal));
        checkedFields.ShouldContain("fund:availableCents");
        checkedFields.ShouldContain("fund:payments");
        checkedFields.ShouldContain("appeal:perMunicipality.stolberg.returnedCents");
        checkedFields.ShouldContain("ledger:balances.bank");
    }

    [Fact]
    public async Task a_municipality_figure_lists_the_events_that_made_it_in_order()
    {
        await app.ResetAsync();
        var history = await AuditScenario.RunAsync(app);
        await app.CatchUpAsync();

        var allocated = await Explain("view=municipality&id=stolberg&field=allocatedCents", role: "treasurer");
        allocated.GetProperty("value").GetInt64().ShouldBe(24_000);
        allocated.GetProperty("contributions").EnumerateArray().Select(c => (c.GetProperty("eventType").GetString(), c.GetProperty("contribution").GetInt64(), c.GetProperty("streamId").GetString()))
            .ShouldBe([("funds_allocated", 25_000L, history.StolbergAllocation), ("allocation_withdrawn", -1_000L, history.StolbergAllocation)]);

        var spent = await Explain($"view=municipality&id=stolberg&appealId={Requests.AppealId}&field=spentCents");
        spent.GetProperty("contributions").EnumerateArray().Select(c => c.GetProperty("contribution").GetInt64()).ShouldBe([999L, -999L, 1_250L, 8_000L]);

        var fund = await Explain($"view=fund&id=m:eschweiler&appealId={Requests.AppealId}&field=availableCents");
        fund.GetProperty("contributions").EnumerateArray().Select(c => (c.GetProperty("eventType").GetString(), c.GetProperty("contribution").GetInt64()))
            .ShouldBe([("donation_payment_received", 7_777L), ("donation_payment_returned", -7_777L)]);

        var received = await Explain($"view=appeal&id={Requests.AppealId}&field=receivedCents");
        received.GetProperty("value").GetInt64().ShouldBe(61_777);
        Sum(received).ShouldBe(61_777);
    }

    [Fact]
    public async Task as_of_a_past_instant_only_earlier_events_count()
    {
        await app.ResetAsync();
        await app.OpenAppealAsync();
        var pledge = await app.PledgeAsync(new { amountCents = 5_000 });
        await app.ImportAsync(FlutHilfe.TestSupport.CamtWriter.Write053v08("S1", Requests.AppealIban,
            [new FlutHilfe.TestSupport.GeneratedCredit(5_000, AuditScenario.Day, StructuredReference: pledge.Ref())]));
        await Task.Delay(20, TestContext.Current.CancellationToken);
        var between = DateTimeOffset.UtcNow.ToString("O");
        await Task.Delay(20, TestContext.Current.CancellationToken);
        var second = await app.PledgeAsync(new { amountCents = 3_000 });
        await app.ImportAsync(FlutHilfe.TestSupport.CamtWriter.Write053v08("S2", Requests.AppealIban,
            [new FlutHilfe.TestSupport.GeneratedCredit(3_000, AuditScenario.Day, StructuredReference: second.Ref())]));

        (await Explain($"view=fund&id=general&appealId={Requests.AppealId}&field=confirmedCents")).GetProperty("value").GetInt64().ShouldBe(8_000);
        var then = await Explain($"view=fund&id=general&appealId={Requests.AppealId}&field=confirmedCents&asOf={Uri.EscapeDataString(between)}");
        then.GetProperty("value").GetInt64().ShouldBe(5_000);
        Sum(then).ShouldBe(5_000);
    }

    [Fact]
    public async Task unknown_view_field_or_id_is_a_problem_naming_the_parameter()
    {
        await app.ResetAsync();
        await app.OpenAppealAsync();
        (await Explain("view=kasse&id=stolberg&field=allocatedCents", 422)).GetProperty("field").GetString().ShouldBe("view");
        (await Explain("view=municipality&id=stolberg&field=allocated", 422)).GetProperty("field").GetString().ShouldBe("field");
        (await Explain("view=municipality&id=stolberg&field=municipalityId", 422)).GetProperty("field").GetString().ShouldBe("field");
        (await Explain("view=municipality&field=allocatedCents", 422)).GetProperty("field").GetString().ShouldBe("id");
        (await Explain("view=municipality&id=stolberg&appealId=Nope!&field=allocatedCents", 422)).GetProperty("field").GetString().ShouldBe("appealId");
        (await Explain("view=municipality&id=koeln&field=allocatedCents", 404)).GetProperty("field").GetString().ShouldBe("id");
        (await Explain("view=municipality&id=stolberg&field=allocatedCents&asOf=gestern", 422)).GetProperty("field").GetString().ShouldBe("asOf");
        await app.Host.Scenario(s =>
        {
            s.Get.Url("/api/audit/explain?view=appeal&id=freude-schenken-2021&field=pledgedCents");
            s.WithBearer(app.Token("municipality", "stolberg"));
            s.StatusCodeShouldBe(403);
        });
    }
}
