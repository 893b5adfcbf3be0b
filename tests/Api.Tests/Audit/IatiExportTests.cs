using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using FlutHilfe.TestSupport;
using Marten;

namespace FlutHilfe.Api.Tests.Audit;

/// <summary>
/// The appeal as an IATI activity (standard 2.03): valid against the official schema (copied under Audit/Iati/Schemas), the
/// money as transactions of the right types and dates, and no personal data.
/// </summary>
public class IatiExportTests(AppFixture app) : IClassFixture<AppFixture>, IAsyncLifetime
{
    private const string Appeal = "freude-schenken-2021";
    private const string DonorName = "Jürgen Müllerschön";
    private const string Payee = "Erika Mustermann-Privat";

    public async ValueTask InitializeAsync()
    {
        await app.ResetAsync();
        await app.OpenAppealAsync();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<JsonElement> Send(string url, object body, string token, int status = 200)
        => await (await app.Host.Scenario(s => { s.Post.Json(body).ToUrl(url); s.WithBearer(token); s.StatusCodeShouldBe(status); })).ReadAsJsonAsync<JsonElement>();

    private async Task<string> Export()
    {
        var result = await app.Host.Scenario(s => { s.Get.Url($"/api/appeals/{Appeal}/iati.xml"); s.WithBearer(app.Token("auditor")); });
        result.Context.Response.ContentType!.ShouldStartWith("application/xml");
        return await result.ReadAsTextAsync();
    }

    private async Task MoneyThroughEveryStep()
    {
        var donor = new { name = DonorName, street = "Kaiserplatz 1", postalCode = "52062", city = "Aachen", country = "DE", email = "jm@example.org" };
        var a = await app.PledgeAsync(new { amountCents = 10_000, earmarks = new[] { new { municipalityId = "stolberg", amountCents = 10_000 } }, donor, receiptWanted = true });
        var b = await app.PledgeAsync(new { amountCents = 2_500 });
        (await app.ImportAsync(CamtWriter.Write053v08("S-" + Guid.NewGuid().ToString("N")[..8], Requests.AppealIban,
        [
            new GeneratedCredit(10_000, new DateOnly(2021, 12, 20), StructuredReference: a.GetProperty("reference").GetString(), DebtorName: DonorName),
            new GeneratedCredit(2_500, new DateOnly(2021, 12, 20), StructuredReference: b.GetProperty("reference").GetString()),
        ]))).GetProperty("matched").GetInt32().ShouldBe(2);
        var treasurer = app.Token("treasurer");
        var id = (await Send($"/api/appeals/{Appeal}/allocations", new { municipalityId = "stolberg", amountCents = 6_000, decisionReference = "SI/2021/088",
            decidedOn = "2021-12-22" }, treasurer, 201)).GetProperty("allocationId").GetString();
        await Send($"/api/allocations/{id}/disbursements", new { amountCents = 6_000, paidOn = "2022-01-05", bankReference = "U1" }, treasurer);
        await Send($"/api/allocations/{id}/spending", new { date = "2022-02-01", payee = Payee, payeeIsOrganisation = false, reason = "Bastelmaterial",
            purposeId = "kita-schulmaterial", amountCents = 2_000, voucherNumber = "ST-1" }, app.Token("municipality", "stolberg"), 201);
        await Send($"/api/allocations/{id}/returns", new { amountCents = 500, returnedOn = "2022-03-01", bankReference = "R1" }, treasurer);
    }

    [Fact]
    public async Task the_export_is_valid_against_the_iati_2_03_activity_schema()
    {
        await MoneyThroughEveryStep();
        var xml = await Export();

        var schemas = new XmlSchemaSet { XmlResolver = new XmlUrlResolver() };
        var folder = Path.Combine(AppContext.BaseDirectory, "Audit", "Iati", "Schemas");
        using (var reader = XmlReader.Create(Path.Combine(folder, "iati-activities-schema.xsd"), new XmlReaderSettings { XmlResolver = new XmlUrlResolver(), DtdProcessing = DtdProcessing.Ignore }))
            schemas.Add(null, reader);
        schemas.Compile();
        var errors = new List<string>();
        XDocument.Parse(xml).Validate(schemas, (_, e) => errors.Add($"{e.Severity}: {e.Message}"));
        errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task the_money_becomes_transactions_of_the_iati_types_on_their_business_dates()
    {
        await MoneyThroughEveryStep();
        var activity = XDocument.Parse(await Export()).Root!.Element("iati-activity")!;
        activity.Attribute(XNamespace.Xml + "lang")!.Value.ShouldBe("de");
        activity.Attribute("default-currency")!.Value.ShouldBe("EUR");
        activity.Element("iati-identifier")!.Value.ShouldEndWith("-" + Appeal);
        activity.Element("reporting-org")!.Element("narrative")!.Value.ShouldBe("Region Aachen Zweckverband");
        activity.Element("title")!.Element("narrative")!.Attribute(XNamespace.Xml + "lang")!.Value.ShouldBe("de");
        activity.Element("title")!.Element("narrative")!.Value.ShouldBe("Freude schenken");
        // The schema's order of the first children.
        activity.Elements().Select(e => e.Name.LocalName).Distinct().Take(8).ShouldBe(
            ["iati-identifier", "reporting-org", "title", "description", "participating-org", "activity-status", "activity-date", "recipient-country"]);

        var transactions = activity.Elements("transaction").Select(t => (
            Type: t.Element("transaction-type")!.Attribute("code")!.Value,
            Date: t.Element("transaction-date")!.Attribute("iso-date")!.Value,
            Value: t.Element("value")!.Value,
            ValueDate: t.Element("value")!.Attribute("value-date")!.Value,
            Currency: t.Element("value")!.Attribute("currency")!.Value)).ToList();
        transactions.Where(t => t.Type == "11").Sum(t => decimal.Parse(t.Value, System.Globalization.CultureInfo.InvariantCulture)).ShouldBe(125.00m);
        transactions.ShouldContain(("1", "2021-12-20", "125.00", "2021-12-20", "EUR"));
        transactions.ShouldContain(("2", "2021-12-22", "60.00", "2021-12-22", "EUR"));
        transactions.ShouldContain(("3", "2022-01-05", "60.00", "2022-01-05", "EUR"));
        transactions.ShouldContain(("4", "2022-02-01", "20.00", "2022-02-01", "EUR"));
        transactions.ShouldContain(("3", "2022-03-01", "-5.00", "2022-03-01", "EUR"));
        transactions.Select(t => t.Date).ShouldBeInOrder();
    }

    [Fact]
    public async Task no_personal_data_appears()
    {
        await MoneyThroughEveryStep();
        var xml = await Export();
        foreach (var personal in new[] { DonorName, "Müllerschön", "Kaiserplatz", "jm@example.org", Payee, "Mustermann" })
            xml.ShouldNotContain(personal);
        await using var session = app.Store.QuerySession();
        var donations = await session.Query<FlutHilfe.Domain.Donations.Donation>().ToListAsync(TestContext.Current.CancellationToken);
        var donorIds = donations.Select(d => d.DonorId).OfType<Guid>().ToList();
        donorIds.ShouldNotBeEmpty();
        foreach (var id in donorIds) xml.ShouldNotContain(id.ToString());
        foreach (var d in donations) xml.ShouldNotContain(d.Id.ToString());
    }
}
