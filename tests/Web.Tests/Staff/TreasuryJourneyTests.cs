using System.Text.RegularExpressions;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.BankFiles;
using FlutHilfe.TestSupport;
using Microsoft.Playwright;

namespace FlutHilfe.Web.Tests.Staff;

/// <summary>
/// The treasury in the browser: uploads a bank statement that pays a pledge, reconciles what the import could not
/// (a proposal, a payment nobody pledged, an undone match), cancels and reissues a receipt, reads the notices.
/// </summary>
[Collection(SiteCollection.Name)]
public sealed partial class TreasuryJourneyTests(Site site)
{
    [Fact]
    public async Task the_treasury_uploads_a_statement_that_pays_a_pledge_and_reconciles_the_rest()
    {
        var world = new StaffWorld(site);
        await world.OpenAppealAsync();
        var paidByReference = await world.PledgeAsync(5000, donorName: "Jürgen Müller");
        var paidWithoutReference = await world.PledgeAsync(3017, donorName: "Erika Mustermann");
        var statement = world.Statement("AUSZUG-" + world.AppealId,
            new GeneratedCredit(5000, StaffWorld.Today, DebtorName: "Jürgen Müller", DebtorIban: "DE02120300000000202051", StructuredReference: paidByReference.Reference),
            new GeneratedCredit(3017, StaffWorld.Today, DebtorName: "Erika Mustermann", DebtorIban: "DE02500105170137075030", UnstructuredRemittance: "Spende Kinder"),
            new GeneratedCredit(2042, StaffWorld.Today, DebtorName: "Anonyme Spenderin", DebtorIban: "DE89370400440532013000", UnstructuredRemittance: "Für die Kinder"));

        await using var treasurer = await site.NewVisitorAsync();
        var page = treasurer.Page;
        await StaffWorld.SignInAsync(treasurer, Roles.Treasurer);
        (await page.Locator("nav.main-nav").InnerTextAsync()).ShouldContain("Kontoauszüge");

        // Upload: the import's summary, and the pledge named by its reference is paid.
        await StaffWorld.NavigateAsync(page, "Kontoauszüge");
        await page.GetByRole(AriaRole.Button, new() { Name = "Einlesen" }).ClickToLoadAsync();
        (await page.Locator(".field-error").InnerTextAsync()).ShouldStartWith("Bitte wählen Sie eine Datei");
        await page.GetByLabel("Kontoauszug (camt.053, XML oder ZIP)").SetInputFilesAsync(new FilePayload { Name = "auszug.xml", MimeType = "application/xml", Buffer = statement });
        await page.GetByRole(AriaRole.Button, new() { Name = "Einlesen" }).ClickToLoadAsync();
        var summary = page.Locator("section[aria-labelledby=ergebnis]");
        (await summary.Locator("[role=status]").InnerTextAsync()).ShouldBe("Eingelesen: 3 Umsätze aus 1 Kontoauszug, davon 1 zugeordnet.");
        (await Fact(summary, "Gutschriften")).ShouldBe("100,59 €");
        (await Fact(summary, "Warten im Abgleich")).ShouldBe("2");
        await treasurer.SeeAsync("schatzamt-kontoauszuege");
        (await world.DonationStatusAsync(paidByReference)).ShouldBe("paid");

        // The same file again counts nothing twice.
        await page.GetByLabel("Kontoauszug (camt.053, XML oder ZIP)").SetInputFilesAsync(new FilePayload { Name = "auszug.xml", MimeType = "application/xml", Buffer = statement });
        await page.GetByRole(AriaRole.Button, new() { Name = "Einlesen" }).ClickToLoadAsync();
        (await Fact(summary, "Schon eingelesen (übersprungen)")).ShouldBe("3");
        (await Fact(summary, "Zugeordnet")).ShouldBe("0");

        // The queue: the transfer without reference is proposed for the pledge of the same amount, with the reason.
        await StaffWorld.NavigateAsync(page, "Abgleich");
        var withoutReference = page.Locator("li.queue-item", new() { HasText = "Erika Mustermann" });
        var proposal = withoutReference.Locator("tbody tr", new() { HasText = paidWithoutReference.Reference });
        (await proposal.InnerTextAsync()).ShouldContain("Der Betrag entspricht genau dem noch offenen Betrag der Zusage.");
        await treasurer.SeeAsync("schatzamt-abgleich");
        await proposal.GetByRole(AriaRole.Button, new() { Name = "Zuordnen" }).ClickToLoadAsync();
        (await page.Locator("[role=status]").InnerTextAsync()).ShouldBe("Die Zahlung ist der Spende zugeordnet.");
        (await world.DonationStatusAsync(paidWithoutReference)).ShouldBe("paid");
        (await page.Locator("li.queue-item", new() { HasText = "Erika Mustermann" }).CountAsync()).ShouldBe(0);

        // A transfer nobody pledged is booked as a donation of its own, earmarked as chosen.
        var unknown = page.Locator("li.queue-item", new() { HasText = "Anonyme Spenderin" });
        await unknown.GetByLabel("Kommune").SelectOptionAsync(new SelectOptionValue { Label = "Eschweiler" });
        await unknown.GetByRole(AriaRole.Button, new() { Name = "Als Spende buchen" }).ClickToLoadAsync();
        (await page.Locator("[role=status]").InnerTextAsync()).ShouldBe("Die Zahlung ist als eigene Spende gebucht.");
        (await page.Locator("li.queue-item", new() { HasText = "Anonyme Spenderin" }).CountAsync()).ShouldBe(0);

        // Both donors wanted a receipt: they are issued in the background once the money is there.
        await StaffWorld.EventuallyAsync(async () => (await world.ReceiptsAsync()).Count(r => r.GetProperty("amountCents").GetInt64() is 5000 or 3017) >= 2, "two receipts");
        var receipts = await world.ReceiptsAsync();
        var firstReceipt = receipts.Last(r => r.GetProperty("amountCents").GetInt64() == 5000).GetProperty("number").GetString()!;
        var secondReceipt = receipts.Last(r => r.GetProperty("amountCents").GetInt64() == 3017).GetProperty("number").GetString()!;

        // Undo the match by hand: a reason is required, next to the field; with it the payment waits again, and its
        // receipt is cancelled for the treasury to see.
        var matched = page.Locator("table tr", new() { HasText = paidWithoutReference.Reference });
        await matched.GetByRole(AriaRole.Button, new() { Name = "Zurücknehmen" }).ClickToLoadAsync();
        matched = page.Locator("table tr", new() { HasText = paidWithoutReference.Reference });
        (await matched.Locator(".field-error").InnerTextAsync()).ShouldBe("Bitte nennen Sie den Grund (er bleibt in der Historie stehen).");
        await matched.GetByPlaceholder("Grund").FillAsync("Falsche Spende: gleicher Betrag, anderer Spender");
        await matched.GetByRole(AriaRole.Button, new() { Name = "Zurücknehmen" }).ClickToLoadAsync();
        (await page.Locator("[role=status]").InnerTextAsync()).ShouldBe("Die Zuordnung ist aufgehoben; die Zahlung wartet wieder im Abgleich.");
        (await page.Locator("li.queue-item", new() { HasText = "Erika Mustermann" }).CountAsync()).ShouldBe(1);
        (await world.DonationStatusAsync(paidWithoutReference)).ShouldBe("pledged");

        // The notice about the cancelled receipt.
        await StaffWorld.EventuallyAsync(async () => (await world.ReceiptsAsync()).Any(r => r.GetProperty("number").GetString() == secondReceipt
            && r.GetProperty("state").GetString() == "cancelled"), "the receipt of the undone match to be cancelled");
        await StaffWorld.NavigateAsync(page, "Hinweise");
        (await page.Locator("ol.notices").InnerTextAsync()).ShouldContain($"Zuwendungsbestätigung {secondReceipt} wurde storniert: Zahlung wurde einer anderen Spende zugeordnet");
        await treasurer.SeeAsync("schatzamt-hinweise");

        // The register: cancel the first receipt with a reason, then reissue it under a new number.
        await StaffWorld.NavigateAsync(page, "Bestätigungen");
        var row = page.Locator($"#beleg-{firstReceipt}");
        (await row.InnerTextAsync()).ShouldContain("gültig");
        (await row.InnerTextAsync()).ShouldContain("50,00");
        await treasurer.SeeAsync("schatzamt-bestaetigungen");
        await row.GetByPlaceholder("Grund").FillAsync("Anschrift des Spenders war falsch");
        await row.GetByRole(AriaRole.Button, new() { Name = "Stornieren" }).ClickToLoadAsync();
        (await page.Locator("[role=status]").InnerTextAsync()).ShouldStartWith($"Die Zuwendungsbestätigung {firstReceipt} ist storniert.");
        row = page.Locator($"#beleg-{firstReceipt}");
        (await row.InnerTextAsync()).ShouldContain("Grund: Anschrift des Spenders war falsch");
        await row.GetByRole(AriaRole.Button, new() { Name = "Neu ausstellen" }).ClickToLoadAsync();
        var issued = ReceiptNumber().Match(await page.Locator("[role=status]").InnerTextAsync());
        issued.Success.ShouldBeTrue();
        (await page.Locator($"#beleg-{firstReceipt}").InnerTextAsync()).ShouldContain("ersetzt durch " + issued.Value);
        (await page.Locator($"#beleg-{issued.Value}").InnerTextAsync()).ShouldContain("ersetzt " + firstReceipt);
    }

    private static async Task<string> Fact(ILocator list, string term)
        => (await list.Locator($"dt:text-is('{term}') + dd").InnerTextAsync()).Replace('\u00A0', ' ').Trim();

    [GeneratedRegex(@"\d{4}-\d{6}")]
    private static partial Regex ReceiptNumber();
}
