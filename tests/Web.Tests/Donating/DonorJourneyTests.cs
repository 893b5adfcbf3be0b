using System.Text.RegularExpressions;
using FlutHilfe.Api.Receipts;
using FlutHilfe.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace FlutHilfe.Web.Tests.Donating;

/// <summary>The public journey in a real browser: pledge through the form, pay (a statement imported by the treasury), follow the money.</summary>
[Collection(SiteCollection.Name)]
public sealed partial class DonorJourneyTests(Site site)
{
    private const string Submit = "Spende zusagen und Überweisungsdaten erhalten";

    [Fact]
    public async Task a_refused_amount_shows_next_to_its_field_and_a_donor_named_script_stays_text()
    {
        using var api = new SiteApi(site.Host);
        await api.OpenAppealAsync("fehler-test", "DE02120300000000202051");
        await using var visitor = await site.NewVisitorAsync();
        var page = visitor.Page;
        var dialogs = 0;
        page.Dialog += (_, d) => { dialogs++; _ = d.DismissAsync(); };

        await visitor.GoAsync("/aufrufe/fehler-test");
        await page.GetByLabel("Anderer Betrag in Euro").FillAsync("0");
        await page.GetByLabel("Vor- und Nachname oder Firma").FillAsync("<script>alert(1)</script>");
        await page.GetByRole(AriaRole.Button, new() { Name = Submit }).ClickToLoadAsync();

        // The decision refused amountCents; the page shows it next to the amount field, in German.
        page.Url.ShouldBe(site.Url("/aufrufe/fehler-test/spenden"));
        var amount = page.GetByLabel("Anderer Betrag in Euro");
        (await amount.GetAttributeAsync("aria-invalid")).ShouldBe("true");
        var error = page.Locator("#" + await amount.GetAttributeAsync("aria-describedby").ContinueWith(t => t.Result!.Split(' ')[0]));
        (await error.InnerTextAsync()).ShouldStartWith("Bitte geben Sie einen Betrag zwischen 0,01 € und ");
        (await page.GetByLabel("Vor- und Nachname oder Firma").InputValueAsync()).ShouldBe("<script>alert(1)</script>");
        (await page.Locator("script:not([src])").CountAsync()).ShouldBe(0);
        await visitor.SeeAsync("spenden-fehler");

        // Text that is not an amount is refused by the form itself, next to the same field.
        await amount.FillAsync("fünfzig");
        await page.GetByRole(AriaRole.Button, new() { Name = Submit }).ClickToLoadAsync();
        (await error.InnerTextAsync()).ShouldBe("Bitte geben Sie den Betrag in Euro an, zum Beispiel 50 oder 25,50.");
        dialogs.ShouldBe(0);
    }

    [Fact]
    public async Task a_donor_pledges_pays_gets_the_receipt_and_sees_where_the_money_went()
    {
        const string appealId = "freude-schenken-2021", iban = "DE89370400440532013000";
        using var api = new SiteApi(site.Host);
        await api.OpenAppealAsync(appealId, iban);
        await using var visitor = await site.NewVisitorAsync();
        var page = visitor.Page;
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);

        // The appeal page: purpose and form, without JavaScript needed.
        await visitor.GoAsync($"/aufrufe/{appealId}");
        (await page.Locator("h1").InnerTextAsync()).ShouldBe("Freude schenken");
        await page.GetByLabel("Anderer Betrag in Euro").FillAsync("123,45");
        await page.GetByText("Für eine Kommune oder einen Zweck bestimmen").ClickAsync();
        await page.GetByLabel("Kommune (Zeile 1)").SelectOptionAsync("stolberg");
        await page.GetByLabel("Ich möchte eine Zuwendungsbestätigung", new() { Exact = false }).CheckAsync();
        await page.GetByLabel("Vor- und Nachname oder Firma").FillAsync("Jürgen Weiß");
        await page.GetByLabel("Straße und Hausnummer").FillAsync("Kaiserplatz 1");
        await page.GetByLabel("PLZ").FillAsync("52062");
        await page.GetByLabel("Ort", new() { Exact = true }).FillAsync("Aachen");
        await page.GetByRole(AriaRole.Button, new() { Name = Submit }).ClickToLoadAsync();

        // After pledging: the GiroCode carries what the page says.
        var match = PaymentUrl().Match(page.Url);
        match.Success.ShouldBeTrue(page.Url);
        var (donationId, token) = (Guid.Parse(match.Groups["id"].Value), Uri.UnescapeDataString(match.Groups["token"].Value));
        var reference = (await page.Locator("button[data-copy-label='Verwendungszweck (Referenz)']").GetAttributeAsync("data-copy"))!;
        reference.ShouldStartWith("RF");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var payload = QrDecoder.Decode(await page.Locator("#girocode").ScreenshotAsync()).ShouldNotBeNull("the GiroCode on the page does not decode");
        var lines = payload.Split('\n');
        lines[0].ShouldBe("BCD");
        lines[6].ShouldBe(iban);
        lines[7].ShouldBe("EUR123.45");
        lines[9].ShouldBe(reference);
        (await page.Locator("figcaption").InnerTextAsync()).ShouldContain("GiroCode für Ihre Banking-App");
        var donorLink = await page.Locator("#spender-link").InnerTextAsync();
        donorLink.ShouldBe(site.Url($"/spenden/{donationId}?token={Uri.EscapeDataString(token)}"));

        // The copy button (a local script) puts the bare IBAN on the clipboard.
        await page.GetByRole(AriaRole.Button, new() { Name = "Kopieren (IBAN)" }).ClickAsync();
        (await page.EvaluateAsync<string>("navigator.clipboard.readText()")).ShouldBe(iban);
        await visitor.SeeAsync("ueberweisen");
        await page.EmulateMediaAsync(new() { Media = Media.Print });
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots.Folder, "ueberweisen-druck.png"), FullPage = true });
        await page.EmulateMediaAsync(new() { Media = Media.Screen });

        // Before the money arrives.
        await visitor.GoAsync(donorLink);
        (await page.Locator(".status").InnerTextAsync()).ShouldBe("Zugesagt – noch nicht eingegangen");
        await visitor.SeeAsync("spende-zugesagt");

        // The treasury imports a statement that pays it (through the API until the treasury pages exist).
        var import = await api.ImportAsync(iban, new GeneratedCredit(12_345, new DateOnly(2021, 11, 20), DebtorName: "Jürgen Weiß", StructuredReference: reference));
        import.GetRawText().ShouldContain("\"matched\"");

        // The donor page turns to paid and offers the receipt (issued by a handler after the payment).
        var receiptLink = page.Locator("a[href*='/api/receipts/']");
        for (var attempt = 0; attempt < 60 && await receiptLink.CountAsync() == 0; attempt++)
        {
            await Task.Delay(500, TestContext.Current.CancellationToken);
            await page.ReloadAsync();
        }
        (await page.Locator(".status").InnerTextAsync()).ShouldBe("Bezahlt – vielen Dank!");
        (await page.Locator("table").First.InnerTextAsync()).ShouldContain("20.11.2021");
        var receiptText = await receiptLink.InnerTextAsync();
        var number = ReceiptNumber().Match(receiptText).Value;
        receiptText.ShouldContain("123,45 €");
        (await api.GetBytesAsync((await receiptLink.GetAttributeAsync("href"))!)).Take(4).ShouldBe("%PDF"u8.ToArray());
        await visitor.SeeAsync("spende-bezahlt");

        // The receipt's QR code opens the verification page: valid, and nothing personal.
        var verification = new Uri(site.Host.Services.GetRequiredService<ReceiptSettings>().VerificationUrl(number));
        await visitor.GoAsync(verification.PathAndQuery);
        (await page.Locator("h1").InnerTextAsync()).ShouldBe("Zuwendungsbestätigung gültig");
        var verified = await page.Locator("main").InnerTextAsync();
        verified.ShouldContain(number);
        verified.ShouldContain("123,45 €");
        verified.ShouldNotContain("Weiß");
        await visitor.SeeAsync("beleg-pruefen");

        // The treasury allocates, Stolberg reports spending: the transparency page and the donor page show it.
        var allocation = await api.SendAsync($"/api/appeals/{appealId}/allocations",
            new { municipalityId = "stolberg", amountCents = 10_000, decisionReference = "Ausschuss 2021/17", decidedOn = "2021-12-10" }, "treasurer");
        await api.SendAsync($"/api/allocations/{allocation.GetProperty("allocationId").GetString()}/spending", new
        {
            date = "2021-12-15", payee = "Spielwaren Becker GmbH", payeeIsOrganisation = true, reason = "Bastelmaterial für die Kita",
            purposeId = "kita-schulmaterial", amountCents = 4_990, voucherNumber = "STO-1", facility = "Kita Sonnenschein",
        }, "municipality", "stolberg");

        await visitor.GoAsync($"/transparenz?aufruf={appealId}");
        await visitor.ReloadUntilAsync("Kita Sonnenschein", "the spending item");
        var spending = await page.Locator("table", new() { HasText = "Kita Sonnenschein" }).InnerTextAsync();
        foreach (var expected in new[] { "15.12.2021", "Spiel- und Arbeitsmaterialien für Kitas und Schulen", "Kita Sonnenschein", "Spielwaren Becker GmbH", "49,90 €" })
            spending.ShouldContain(expected);
        (await page.Locator("main").InnerTextAsync()).ShouldNotContain("Weiß");
        await visitor.SeeAsync("transparenz");

        await visitor.GoAsync(donorLink);
        await visitor.ReloadUntilAsync("Kita Sonnenschein", "the spending item");
        // Its own euros first (the per-euro trace), then the earmarked municipality's allocations and spending.
        var whereItWent = page.Locator("section[aria-labelledby=verwendung-titel]");
        (await whereItWent.Locator("ul.trace").InnerTextAsync()).ShouldContain("an Stolberg (Rhld.)");
        (await whereItWent.Locator("h3:not(#im-einzelnen)").First.InnerTextAsync()).ShouldBe("Stolberg (Rhld.)");
        (await page.Locator("main").InnerTextAsync()).ShouldContain("Ausschuss 2021/17");
        await visitor.SeeAsync("spende-verwendung");

        await visitor.GoAsync($"/aufrufe/{appealId}");
        await visitor.ReloadUntilAsync("49,90 €", "the spending in the totals");
        (await page.Locator(".totals").InnerTextAsync()).ShouldContain("123,45 €");
        await visitor.SeeAsync("aufruf");
    }

    [GeneratedRegex(@"/spenden/(?<id>[0-9a-f-]{36})/ueberweisen\?token=(?<token>[^&#]+)$")]
    private static partial Regex PaymentUrl();

    [GeneratedRegex(@"\d{4}-\d{6}")]
    private static partial Regex ReceiptNumber();
}
