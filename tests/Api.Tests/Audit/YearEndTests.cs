using System.Text;
using System.Text.Json;
using FlutHilfe.TestSupport;

namespace FlutHilfe.Api.Tests.Audit;

/// <summary>
/// The year-end report by booking date: opening on 31.12. of the year before, the year's movements, closing on 31.12.; JSON,
/// CSV and German PDF. Money moves across two years, so the opening of 2022 must be the closing of 2021.
/// </summary>
public class YearEndTests(AppFixture app) : IClassFixture<AppFixture>, IAsyncLifetime
{
    private const string Appeal = "freude-schenken-2021";

    public async ValueTask InitializeAsync()
    {
        await app.ResetAsync();
        await app.OpenAppealAsync();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<JsonElement> Send(string url, object body, string token, int status = 200)
        => await (await app.Host.Scenario(s => { s.Post.Json(body).ToUrl(url); s.WithBearer(token); s.StatusCodeShouldBe(status); })).ReadAsJsonAsync<JsonElement>();

    /// <summary>
    /// 2021: 100 € for Stolberg booked 20.12., 60 € allocated to Stolberg on 22.12. 2022: 50 € general booked 10.01., the 60 €
    /// disbursed 05.01., 20 € spent 01.02., 5 € paid back 01.03. Recorded today, in another order than booked.
    /// </summary>
    private async Task TwoYearsOfMoney()
    {
        var stolberg = await app.PledgeAsync(new { amountCents = 10_000, earmarks = new[] { new { municipalityId = "stolberg", amountCents = 10_000 } } });
        var general = await app.PledgeAsync(new { amountCents = 5_000 });
        // One statement imported in 2022 with both bookings: the January one first.
        (await app.ImportAsync(CamtWriter.Write053v08("S-" + Guid.NewGuid().ToString("N")[..8], Requests.AppealIban,
        [
            new GeneratedCredit(5_000, new DateOnly(2022, 1, 10), StructuredReference: general.GetProperty("reference").GetString()),
            new GeneratedCredit(10_000, new DateOnly(2021, 12, 20), StructuredReference: stolberg.GetProperty("reference").GetString()),
        ]))).GetProperty("matched").GetInt32().ShouldBe(2);
        var treasurer = app.Token("treasurer");
        var id = (await Send($"/api/appeals/{Appeal}/allocations", new { municipalityId = "stolberg", amountCents = 6_000, decisionReference = "SI/2021/088",
            decidedOn = "2021-12-22" }, treasurer, 201)).GetProperty("allocationId").GetString();
        await Send($"/api/allocations/{id}/disbursements", new { amountCents = 6_000, paidOn = "2022-01-05", bankReference = "U1" }, treasurer);
        await Send($"/api/allocations/{id}/spending", new { date = "2022-02-01", payee = "Spielwaren Becker GmbH", payeeIsOrganisation = true, reason = "Bastelmaterial",
            purposeId = "kita-schulmaterial", amountCents = 2_000, voucherNumber = "ST-1" }, app.Token("municipality", "stolberg"), 201);
        await Send($"/api/allocations/{id}/returns", new { amountCents = 500, returnedOn = "2022-03-01", bankReference = "R1" }, treasurer);
    }

    private async Task<JsonElement> YearEnd(int year, string role = "auditor")
        => await app.Host.GetAsJsonAs(app.Token(role), $"/api/appeals/{Appeal}/year-end?year={year}");

    private static JsonElement Row(JsonElement report, string list, string key, string value)
        => report.GetProperty(list).EnumerateArray().Single(r => r.GetProperty(key).GetString() == value);

    private static long[] Figures(JsonElement row, params string[] names) => names.Select(n => row.GetProperty(n).GetInt64()).ToArray();

    [Fact]
    public async Task each_year_counts_by_booking_date_and_opens_with_the_closing_figures_of_the_year_before()
    {
        await TwoYearsOfMoney();
        var y2021 = await YearEnd(2021);
        var y2022 = await YearEnd(2022, "treasurer");
        var y2023 = await YearEnd(2023);

        string[] fund = ["openingAvailableCents", "receivedCents", "refundedCents", "allocatedCents", "returnedCents", "closingAvailableCents"];
        string[] town = ["openingOpenCents", "allocatedCents", "disbursedCents", "spentCents", "returnedCents", "closingOpenCents"];
        Figures(Row(y2021, "funds", "fund", "m:stolberg"), fund).ShouldBe([0, 10_000, 0, 6_000, 0, 4_000]);
        y2021.GetProperty("funds").EnumerateArray().Any(f => f.GetProperty("fund").GetString() == "general").ShouldBeFalse();
        Figures(Row(y2021, "municipalities", "municipalityId", "stolberg"), town).ShouldBe([0, 6_000, 0, 0, 0, 6_000]);
        Row(y2021, "municipalities", "municipalityId", "stolberg").GetProperty("name").GetString().ShouldBe("Stolberg (Rhld.)");

        Figures(Row(y2022, "funds", "fund", "m:stolberg"), fund).ShouldBe([4_000, 0, 0, 0, 500, 4_500]);
        Figures(Row(y2022, "funds", "fund", "general"), fund).ShouldBe([0, 5_000, 0, 0, 0, 5_000]);
        Figures(Row(y2022, "municipalities", "municipalityId", "stolberg"), town).ShouldBe([6_000, 0, 6_000, 2_000, 500, 3_500]);

        foreach (var (before, after) in new[] { (y2021, y2022), (y2022, y2023) })
        {
            foreach (var row in before.GetProperty("funds").EnumerateArray())
                Row(after, "funds", "fund", row.GetProperty("fund").GetString()!).GetProperty("openingAvailableCents").GetInt64()
                    .ShouldBe(row.GetProperty("closingAvailableCents").GetInt64());
            foreach (var row in before.GetProperty("municipalities").EnumerateArray())
                Row(after, "municipalities", "municipalityId", row.GetProperty("municipalityId").GetString()!).GetProperty("openingOpenCents").GetInt64()
                    .ShouldBe(row.GetProperty("closingOpenCents").GetInt64());
        }
        // Each row adds up: opening + movements = closing.
        foreach (var report in new[] { y2021, y2022, y2023 })
        {
            foreach (var f in report.GetProperty("funds").EnumerateArray())
            {
                var v = Figures(f, fund);
                (v[0] + v[1] - v[2] - v[3] + v[4]).ShouldBe(v[5]);
            }
            foreach (var m in report.GetProperty("municipalities").EnumerateArray())
            {
                var v = Figures(m, town);
                (v[0] + v[1] - v[3] - v[4]).ShouldBe(v[5]);
            }
        }
    }

    [Fact]
    public async Task the_csv_and_the_german_pdf_print_the_same_figures()
    {
        await TwoYearsOfMoney();
        var csvResult = await app.Host.Scenario(s =>
        {
            s.Get.Url($"/api/appeals/{Appeal}/year-end?year=2021");
            s.WithRequestHeader("Accept", "text/csv");
            s.WithBearer(app.Token("auditor"));
        });
        csvResult.Context.Response.ContentType!.ShouldStartWith("text/csv");
        var csv = Encoding.UTF8.GetString(await csvResult.ReadAsBytesAsync()).TrimStart('\uFEFF');
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldBe("Bereich;Name;Anfangsbestand 31.12.2020;Eingänge;Rückbuchungen der Bank;Zuweisungen;Ausgezahlt;Verausgabt;" +
                          "Rückzahlungen der Gemeinden;Endbestand 31.12.2021");
        lines.ShouldContain("Fonds;Stolberg (Rhld.) (jeder Zweck);0,00;100,00;0,00;60,00;;;0,00;40,00");
        lines.ShouldContain("Gemeinde;Stolberg (Rhld.);0,00;;;60,00;0,00;0,00;0,00;60,00");

        var pdf = await (await app.Host.Scenario(s =>
        {
            s.Get.Url($"/api/appeals/{Appeal}/year-end?year=2022&format=pdf");
            s.WithBearer(app.Token("treasurer"));
        })).ReadAsBytesAsync();
        Encoding.ASCII.GetString(pdf, 0, 5).ShouldBe("%PDF-");
        var samples = Environment.GetEnvironmentVariable("FLUTHILFE_SAMPLES_DIR");
        if (samples is not null) await File.WriteAllBytesAsync(Path.Combine(samples, "jahresabschluss.pdf"), pdf, TestContext.Current.CancellationToken);

        var text = string.Join("\n", PdfPages.Text(pdf));
        text.ShouldContain("Jahresabschluss 2022");
        text.ShouldContain("Anfangsbestand");
        text.ShouldContain("31.12.2021");
        text.ShouldContain("Endbestand");
        text.ShouldContain("31.12.2022");
        text.ShouldContain("Region Aachen Zweckverband");
        text.ShouldContain("Stolberg (Rhld.)");
        text.ShouldContain("45,00 €");
        text.ShouldContain("35,00 €");
        text.ShouldContain("Rückzahlungen");
    }

    [Theory]
    [InlineData("", "year", 422)]
    [InlineData("?year=1999", "year", 422)]
    [InlineData("?year=2021&format=xlsx", "format", 422)]
    [InlineData("?year=2021&asOf=gestern", "asOf", 422)]
    public async Task bad_parameters_are_problems_naming_them(string query, string field, int status)
    {
        var result = await app.Host.Scenario(s =>
        {
            s.Get.Url($"/api/appeals/{Appeal}/year-end{query}");
            s.WithBearer(app.Token("auditor"));
            s.StatusCodeShouldBe(status);
        });
        (await result.ReadAsJsonAsync<JsonElement>()).GetProperty("field").GetString().ShouldBe(field);
    }

    [Fact]
    public async Task only_treasury_and_audit_read_it()
    {
        await app.Host.Scenario(s => { s.Get.Url($"/api/appeals/{Appeal}/year-end?year=2021"); s.StatusCodeShouldBe(401); });
        await app.Host.Scenario(s =>
        {
            s.Get.Url($"/api/appeals/{Appeal}/year-end?year=2021");
            s.WithBearer(app.Token("municipality", "stolberg"));
            s.StatusCodeShouldBe(403);
        });
    }
}
