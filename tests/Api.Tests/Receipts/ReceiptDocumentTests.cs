using System.Text.Json;
using Alba;
using FlutHilfe.Api.Receipts;
using FlutHilfe.Documents.Receipts;
using FlutHilfe.Api.Receipts.Cancelling;
using FlutHilfe.Api.Receipts.Delivering;
using FlutHilfe.Api.Receipts.Issuing;
using FlutHilfe.Domain.Receipts;
using FlutHilfe.Domain.Receipts.Issuing;
using FlutHilfe.Domain.Shared;
using FlutHilfe.TestSupport;
using JasperFx.CommandLine;
using Marten;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using UglyToad.PdfPig;
using Wolverine;
using Wolverine.Tracking;

namespace FlutHilfe.Api.Tests.Receipts;

public sealed class ReceiptDocumentFixture : AppFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["PublicBaseUrl"] = "https://spenden.example.org/",
        ["Receipts:VerificationKey"] = "test-verification-key-for-documents-0123456789",
        ["Receipts:TaxOffice"] = "Finanzamt Aachen-Stadt",
        ["Receipts:TaxOfficeNoticeDate"] = "2021-11-15",
    };
}

/// <summary>
/// What the receipt documents say and how they look: the BMF template word for word with the use statement, the
/// absolute verification link and QR code opening a German page, the dated tax-office notice, and layouts whose text
/// never overlaps or leaves the margins (checked on the PDF and on the PNG poppler renders).
/// </summary>
public class ReceiptDocumentTests(ReceiptDocumentFixture app) : IClassFixture<ReceiptDocumentFixture>, IAsyncLifetime
{
    private static readonly DateOnly Day = new(2021, 11, 20);
    private static readonly Margins ReceiptMargins = new(ReceiptPdf.MarginLeft, ReceiptPdf.MarginRight, ReceiptPdf.MarginTop, ReceiptPdf.MarginBottom);

    public async ValueTask InitializeAsync()
    {
        await app.ResetAsync();
        await app.OpenAppealAsync();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static object Donor(string name = "Jürgen Müller", string street = "Kaiserplatz 1", string city = "Würselen")
        => new { name, street, postalCode = "52146", city, country = "DE" };

    private async Task<(Guid Id, string Reference, string Token)> Pledge(long cents, object? donor = null, bool receiptWanted = true, object? earmarks = null, string appealId = Requests.AppealId)
    {
        var pledge = await app.PledgeAsync(new { amountCents = cents, donor = donor ?? Donor(), receiptWanted, earmarks }, appealId);
        var url = pledge.GetProperty("donorUrl").GetString()!;
        return (pledge.GetProperty("donationId").GetGuid(), pledge.GetProperty("reference").GetString()!, Uri.UnescapeDataString(url.Split("token=")[1]));
    }

    private async Task Import(string iban, params GeneratedCredit[] credits)
        => await app.Host.TrackActivity(TimeSpan.FromSeconds(60)).ExecuteAndWaitAsync((Func<IMessageContext, Task>)(_ =>
            app.ImportAsync(CamtWriter.Write053v08("S-" + Guid.NewGuid().ToString("N")[..8], iban, credits))));

    private async Task<Receipt> OnlyReceiptOf(Guid donationId)
    {
        await using var session = app.Store.QuerySession();
        return (await session.Query<Receipt>().ToListAsync(TestContext.Current.CancellationToken)).Single(r => r.Lines.Any(l => l.DonationId == donationId) && r.State == ReceiptState.Valid);
    }

    /// <summary>The PDF as delivered: a background handler stores it after the receipt is issued, so wait (at most 30 s).</summary>
    private async Task<byte[]> StoredPdf(string number)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            await using var session = app.Store.QuerySession();
            var stored = await session.LoadAsync<StoredReceiptPdf>(number, TestContext.Current.CancellationToken);
            if (stored is not null) return stored.Content;
            if (DateTime.UtcNow > deadline) throw new ShouldAssertException($"receipt {number} was not stored within 30 s");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>With FLUTHILFE_SAMPLE_DIR set, keeps a page there to look at (headless chromium renders it).</summary>
    private static async Task Keep(string html, string name)
    {
        if (Environment.GetEnvironmentVariable("FLUTHILFE_SAMPLE_DIR") is not { Length: > 0 } dir) return;
        Directory.CreateDirectory(Path.Combine(dir, "verification"));
        await File.WriteAllTextAsync(Path.Combine(dir, "verification", name + ".html"), html);
    }

    private async Task<IScenarioResult> Page(string pathAndQuery)
        => await app.Host.Scenario(s => { s.Get.Url(pathAndQuery); s.StatusCodeShouldBeOk(); s.ContentTypeShouldBe("text/html; charset=utf-8"); });

    [Fact]
    public async Task a_stored_pdf_carries_an_absolute_link_and_qr_code_that_open_the_german_verification_page()
    {
        var (id, reference, _) = await Pledge(124_600);
        await Import(Requests.AppealIban, new GeneratedCredit(124_600, Day, StructuredReference: reference));
        var receipt = await OnlyReceiptOf(id);
        var pdf = await StoredPdf(receipt.Number);

        // The clickable link, the printed link and the QR code: one absolute URL.
        using (var document = PdfDocument.Open(pdf))
        {
            var link = document.GetPage(1).GetHyperlinks().ShouldHaveSingleItem().Uri;
            link.ShouldStartWith($"https://spenden.example.org/belege/{receipt.Number}/pruefen?c=");
            Uri.IsWellFormedUriString(link, UriKind.Absolute).ShouldBeTrue();
            PdfPages.Text(pdf)[0].ShouldContain(link);
            QrDecoder.Decode(await PdfPages.RenderFirstPageAsync(pdf, 200), pure: false).ShouldBe(link);

            var page = await Page(new Uri(link).PathAndQuery);
            // The page is in the site's layout now: local styles only, and no script at all (CSP and markup).
            page.Context.Response.Headers.ContentSecurityPolicy.ToString().ShouldContain("script-src 'self'");
            page.Context.Response.Headers.ContentSecurityPolicy.ToString().ShouldNotContain("unsafe-inline");
            var html = await page.ReadAsTextAsync();
            await Keep(html, "valid");
            foreach (var expected in new[] { "<html lang=\"de\">", "Zuwendungsbestätigung gültig", receipt.Number, "1.246,00 €", "20.11.2021", "Region Aachen Zweckverband", "Ausgestellt am" })
            {
                html.ShouldContain(expected, Case.Sensitive);
            }
            html.ShouldNotContain("Müller");
            html.ShouldNotContain("Würselen");
            html.ShouldNotContain("<script");
        }
    }

    [Fact]
    public async Task the_page_says_cancelled_names_the_replacement_and_knows_nothing_without_the_right_code()
    {
        var (id, reference, _) = await Pledge(2_000);
        await Import(Requests.AppealIban, new GeneratedCredit(2_000, Day, StructuredReference: reference));
        var number = (await OnlyReceiptOf(id)).Number;
        var treasurer = app.Token("treasurer");
        await app.Host.Scenario(s => { s.Post.Json(new { reason = "Adresse falsch" }).ToUrl($"/api/receipts/{number}/cancel"); s.WithBearer(treasurer); s.StatusCodeShouldBeOk(); });
        var replacement = (await (await app.Host.Scenario(s => { s.Post.Json(new { }).ToUrl($"/api/receipts/{number}/reissue"); s.WithBearer(treasurer); s.StatusCodeShouldBe(201); }))
            .ReadAsJsonAsync<JsonElement>()).GetProperty("number").GetString()!;

        var settings = app.Host.Services.GetRequiredService<ReceiptSettings>();
        var cancelled = await (await Page($"/belege/{number}/pruefen?c={settings.VerificationCode(number)}")).ReadAsTextAsync();
        await Keep(cancelled, "cancelled");
        cancelled.ShouldContain("Zuwendungsbestätigung storniert");
        cancelled.ShouldContain($"durch die Zuwendungsbestätigung Nr. {replacement} ersetzt");

        var guessed = await (await Page($"/belege/{number}/pruefen?c=guess")).ReadAsTextAsync();
        await Keep(guessed, "unknown");
        guessed.ShouldContain("Zuwendungsbestätigung unbekannt");
        guessed.ShouldNotContain("20,00 €");
        var hostile = await (await Page("/belege/%3Cscript%3Ealert(1)%3C%2Fscript%3E/pruefen?c=x")).ReadAsTextAsync();
        hostile.ShouldNotContain("<script>");
        hostile.ShouldContain("&lt;script&gt;");
    }

    [Fact]
    public async Task receipts_follow_the_official_template_and_print_the_applicable_use_of_the_gift()
    {
        // The demo-like appeal passes the money on: earmarked for Stolberg names Stolberg, unearmarked names the appeal's recipient.
        var earmarked = await Pledge(5_000, earmarks: new[] { new { municipalityId = "stolberg", amountCents = 5_000 } });
        var general = await Pledge(6_000, Donor("Erika Mustermann"));
        // A second appeal that uses the money itself (opened without giftUse: the default).
        await app.Host.Scenario(s =>
        {
            var body = JsonSerializer.SerializeToElement(Requests.OpenAppeal("eigene-verwendung-2021", "DE02120300000000202051"));
            var fields = body.EnumerateObject().Where(p => p.Name != "giftUse").ToDictionary(p => p.Name, p => p.Value);
            s.Post.Json(fields).ToUrl("/api/appeals");
            s.WithBearer(app.Token("treasurer"));
            s.StatusCodeShouldBe(201);
        });
        var direct = await Pledge(7_000, Donor("Max Direkt"), appealId: "eigene-verwendung-2021");
        await Import(Requests.AppealIban, new GeneratedCredit(5_000, Day, StructuredReference: earmarked.Reference), new GeneratedCredit(6_000, Day, StructuredReference: general.Reference));
        await Import("DE02120300000000202051", new GeneratedCredit(7_000, Day, StructuredReference: direct.Reference));

        var text = PdfPages.Text(await StoredPdf((await OnlyReceiptOf(earmarked.Id)).Number))[0];
        foreach (var expected in new[]
        {
            "Aussteller (Bezeichnung und Anschrift der inländischen juristischen Person des öffentlichen Rechts oder der inländischen öffentlichen Dienststelle)",
            "Bestätigung über Geldzuwendungen",
            "im Sinne des § 10b des Einkommensteuergesetzes an inländische juristische Personen des öffentlichen Rechts oder inländische öffentliche Dienststellen",
            "Es handelt sich um den Verzicht auf Erstattung von Aufwendungen",
            "Die Zuwendung wird entsprechend den Angaben des Zuwendenden an die Kommune Stolberg (Rhld.) (StädteRegion Aachen) weitergeleitet.",
            "Die Verwendung maschinell erstellter Zuwendungsbestätigungen wurde dem Finanzamt Aachen-Stadt am 15.11.2021 angezeigt.",
            "(Ort, Datum und Unterschrift des Zuwendungsempfängers)",
        })
        {
            text.ShouldContain(expected, Case.Sensitive);
        }
        text.ShouldNotContain("unmittelbar");
        PdfPages.Text(await StoredPdf((await OnlyReceiptOf(general.Id)).Number))[0]
            .ShouldContain("an die vom Hochwasser im Juli 2021 betroffenen Städte und Gemeinden in der StädteRegion Aachen und in den Kreisen Düren und Euskirchen weitergeleitet.");
        var directText = PdfPages.Text(await StoredPdf((await OnlyReceiptOf(direct.Id)).Number))[0];
        directText.ShouldContain("Die Zuwendung wird von uns unmittelbar für den angegebenen Zweck verwendet.");
        directText.ShouldNotContain("weitergeleitet");
    }

    [Fact]
    public async Task every_layout_keeps_its_text_apart_and_inside_the_margins()
    {
        var dir = PdfLayout.SampleDirectory("receipt-layouts");
        var longDonor = Donor(
            "Prof. Dr. Maximiliane Friederike Freifrau von Hohenzollern-Sigmaringen",
            "Oberbürgermeister-Dr.-Heinrich-Lübke-Straße 1234 a, Hinterhaus",
            "Bad Münstereifel-Iversheim-Kalkar-Mahlberg-Hohn-Rupperath-Houverath");
        var single = await Pledge(99_999_999, longDonor);
        // Sixty gifts of one donor: a Sammelbestätigung whose annex runs over more than one page.
        var many = new List<(Guid Id, string Reference)>();
        for (var i = 0; i < 60; i++)
        {
            var (id, reference, _) = await Pledge(1_000 + i, Donor("Erika Mustermann"), receiptWanted: false);
            many.Add((id, reference));
        }
        await Import(Requests.AppealIban, [new GeneratedCredit(99_999_999, Day, StructuredReference: single.Reference),
            .. many.Select((m, i) => new GeneratedCredit(1_000 + i, new DateOnly(2021, 8, 1).AddDays(i * 2), StructuredReference: m.Reference))]);
        var collective = await (await app.Host.Scenario(s =>
        {
            s.Post.Json(new { donationIds = many.Select(m => m.Id).ToArray(), from = "2021-01-01", to = "2021-12-31" }).ToUrl("/api/receipts/collective");
            s.WithBearer(app.Token("treasurer"));
            s.StatusCodeShouldBe(201);
        })).ReadAsJsonAsync<JsonElement>();
        var collectiveNumber = collective.GetProperty("number").GetString()!;
        var singleNumber = (await OnlyReceiptOf(single.Id)).Number;
        byte[] Copy(string number) => app.Host.Scenario(s => { s.Get.Url($"/api/receipts/{number}.pdf?copy=true"); s.WithBearer(app.Token("auditor")); }).GetAwaiter().GetResult().ReadAsBytesAsync().GetAwaiter().GetResult();

        var layouts = new Dictionary<string, byte[]>
        {
            ["single-long-names"] = await StoredPdf(singleNumber),
            ["single-copy"] = Copy(singleNumber),
            ["collective-60"] = await StoredPdf(collectiveNumber),
            ["collective-60-copy"] = Copy(collectiveNumber),
        };
        foreach (var (name, pdf) in layouts)
        {
            PdfLayout.Problems(pdf, ReceiptMargins).ShouldBeEmpty(name);
            foreach (var png in await PdfLayout.RenderPagesAsync(pdf, dir, name))
            {
                PdfLayout.InkOutsideMargins(png, 80, ReceiptMargins).ShouldBe(0, $"{png} has ink outside the margins");
            }
        }

        var front = PdfPages.Text(layouts["single-long-names"])[0];
        front.ShouldContain("Hohenzollern-Sigmaringen");
        front.ShouldContain("neunhundertneunundneunzigtausendneunhundertneunundneunzig");
        front.ShouldContain("neunundneunzig Cent");
        var pages = PdfPages.Text(layouts["collective-60"]);
        pages.Count.ShouldBeGreaterThan(2);
        pages[1].ShouldContain($"Anlage zur Sammelbestätigung vom {GermanDate.Format(FlutHilfe.Documents.Calendar.GermanCalendar.Day(DateTimeOffset.UtcNow))}");
        pages[^1].ShouldContain("Gesamtsumme");
        pages[0].ShouldContain("Gesamtbetrag der Zuwendung – in Ziffern –");
        pages[0].ShouldContain("– in Buchstaben –");
        layouts["single-copy"].ShouldNotBe(layouts["single-long-names"]);
        PdfPages.Text(layouts["collective-60-copy"]).ShouldAllBe(p => p.Contains("KOPIE"));
        if (Environment.GetEnvironmentVariable("FLUTHILFE_SAMPLE_DIR") is not { Length: > 0 }) Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task the_service_refuses_to_start_outside_development_without_public_base_url_or_the_tax_office_notice_date()
    {
        JasperFxEnvironment.AutoStartHost = true;
        async Task<string> StartFails(params (string Key, string Value)[] extra)
        {
            var settings = new Dictionary<string, string?>
            {
                ["ConnectionStrings:FlutHilfe"] = AppFixture.ConnectionString,
                ["Marten:Schema"] = app.Schema,
                ["Auth:SigningKey"] = AppFixture.SigningKey,
                ["Receipts:VerificationKey"] = "a-verification-key-for-production-0123456789",
                ["DemoData:Seed"] = "false",
            };
            foreach (var (key, value) in extra) settings[key] = value;
            var failure = await Should.ThrowAsync<Exception>(() => AlbaHost.For<Program>(web =>
            {
                web.UseEnvironment("Production");
                web.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(settings));
                foreach (var (key, value) in settings) web.UseSetting(key, value);
                web.ConfigureServices(services => services.RunWolverineInSoloMode());
            }));
            return failure.ToString();
        }

        (await StartFails(("Receipts:TaxOfficeNoticeDate", "2021-11-15"))).ShouldContain("PublicBaseUrl is required outside Development");
        (await StartFails(("PublicBaseUrl", "https://spenden.example.org"))).ShouldContain("Receipts:TaxOfficeNoticeDate is required outside Development");
        (await StartFails(("PublicBaseUrl", "spenden.example.org"), ("Receipts:TaxOfficeNoticeDate", "2021-11-15"))).ShouldContain("must be an absolute http(s) URL");
    }
}
