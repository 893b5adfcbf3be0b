using System.Text;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.BankFiles;
using FlutHilfe.TestSupport;
using Microsoft.Playwright;

namespace FlutHilfe.Web.Tests.Staff;

/// <summary>
/// The money after it arrived, across three roles in their own browsers: the treasury allocates and disburses, the
/// clerk of Stolberg reports spending with a voucher and submits the proof of use, the treasury accepts it and records
/// the unused money paid back, and an auditor opens the balances as of an earlier day and the event log.
/// </summary>
[Collection(SiteCollection.Name)]
public sealed class AllocationJourneyTests(Site site)
{
    /// <summary>A one-page PDF, enough for the voucher check (type by content) and a download.</summary>
    private static readonly byte[] VoucherPdf = Encoding.ASCII.GetBytes(
        "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        + "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n");

    private const int DaysEarlier = 10;

    [Fact]
    public async Task a_clerk_reports_spending_with_a_voucher_the_treasury_accepts_the_proof_and_an_auditor_sees_an_earlier_day()
    {
        var world = new StaffWorld(site);
        var start = await world.LastSequenceAsync();
        await world.OpenAppealAsync();
        var pledge = await world.PledgeAsync(50000, municipalityId: "stolberg");
        await world.ImportAsync(world.Statement("S-" + world.AppealId,
            new GeneratedCredit(50000, StaffWorld.Today, DebtorName: "Stadtwerke Musterstadt GmbH", StructuredReference: pledge.Reference)));
        (await world.DonationStatusAsync(pledge)).ShouldBe("paid");
        // The pledge and its payment were recorded ten days ago; everything that follows happens today.
        await world.RecordedEarlierAsync(start, DaysEarlier);

        // The treasury allocates: first more than the fitting funds hold (refused next to the amount), then 400 €.
        await using var treasurer = await site.NewVisitorAsync();
        var page = treasurer.Page;
        await StaffWorld.SignInAsync(treasurer, Roles.Treasurer);
        await treasurer.GoAsync($"/schatzamt/zuweisungen?aufruf={world.AppealId}");
        (await page.Locator("section[aria-labelledby=toepfe]").InnerTextAsync()).ShouldContain("Stolberg (Rhld.) (jeder Zweck)");
        await treasurer.SeeAsync("schatzamt-zuweisungen");
        await page.GetByLabel("Kommune").SelectOptionAsync(new SelectOptionValue { Label = "Stolberg (Rhld.)" });
        await page.GetByLabel("Betrag").FillAsync("600,00");
        await page.GetByLabel("Aktenzeichen des Beschlusses").FillAsync("SI/2021/088");
        await page.GetByRole(AriaRole.Button, new() { Name = "Zuweisen" }).ClickToLoadAsync();
        (await page.Locator("#fehler-Betrag").InnerTextAsync()).ShouldBe(
            "So viel halten die passenden Töpfe nicht: verfügbar sind für diese Kommune und diesen Zweck zusammen 500,00 €.");
        (await page.GetByLabel("Betrag").GetAttributeAsync("aria-invalid")).ShouldBe("true");
        await page.GetByLabel("Betrag").FillAsync("400");
        await page.GetByRole(AriaRole.Button, new() { Name = "Zuweisen" }).ClickToLoadAsync();
        (await page.Locator("[role=status]").InnerTextAsync()).ShouldBe("Die Zuweisung ist gebucht.");
        var allocationId = Guid.Parse(page.Url.Split('/')[^1].Split('?')[0]);

        await page.GetByLabel("Betrag").First.FillAsync("300,00");
        await page.GetByLabel("Bankreferenz der Überweisung").FillAsync("AUSZ-2021-17");
        await page.GetByRole(AriaRole.Button, new() { Name = "Auszahlung buchen" }).ClickToLoadAsync();
        (await page.Locator("[role=status]").InnerTextAsync()).ShouldBe("Die Auszahlung ist gebucht.");
        (await page.Locator("ul.totals").InnerTextAsync()).ShouldContain("300,00");
        await treasurer.SeeAsync("schatzamt-zuweisung");

        // The clerk of Stolberg: the voucher is kept when the report is refused; the refusal stands next to its field.
        await using var clerk = await site.NewVisitorAsync();
        var clerkPage = clerk.Page;
        await StaffWorld.SignInAsync(clerk, Roles.Municipality, "Stolberg (Rhld.)");
        await StaffWorld.NavigateAsync(clerkPage, "Meine Kommune");
        (await clerkPage.Locator("h1").InnerTextAsync()).ShouldBe("Stolberg (Rhld.): Zuweisungen");
        await clerk.SeeAsync("kommune");
        await clerkPage.GetByRole(AriaRole.Link, new() { Name = "SI/2021/088" }).ClickToLoadAsync();
        await clerkPage.GetByLabel("Betrag").FillAsync("119,90");
        await clerkPage.GetByLabel("Empfänger der Zahlung").FillAsync("Spielwaren Becker GmbH");
        await clerkPage.GetByLabel("Wofür?").FillAsync("Bastelmaterial für die Kita");
        await clerkPage.GetByLabel("Zweck", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Spiel- und Arbeitsmaterialien für Kitas und Schulen" });
        await clerkPage.GetByLabel("Einrichtung (freiwillig)").FillAsync("Kita Sonnenschein");
        await clerkPage.GetByLabel("Beleg (PDF, JPEG oder PNG, höchstens 10 MB)").SetInputFilesAsync(new FilePayload { Name = "rechnung-4711.pdf", MimeType = "application/pdf", Buffer = VoucherPdf });
        await clerkPage.GetByRole(AriaRole.Button, new() { Name = "Ausgabe melden" }).ClickToLoadAsync();
        (await clerkPage.Locator("#fehler-Belegnummer").InnerTextAsync()).ShouldBe("Bitte ausfüllen.");
        (await clerkPage.Locator("#Beleg-hinweis").InnerTextAsync()).ShouldContain("Bereits hochgeladen: rechnung-4711.pdf");
        (await clerkPage.GetByLabel("Betrag").InputValueAsync()).ShouldBe("119,90");
        await clerkPage.GetByLabel("Belegnummer der Kommune").FillAsync("STO-2021-0042");
        await clerkPage.GetByRole(AriaRole.Button, new() { Name = "Ausgabe melden" }).ClickToLoadAsync();
        (await clerkPage.Locator("[role=status]").InnerTextAsync()).ShouldBe("Die Ausgabe ist gemeldet und steht in der Belegliste.");
        var belegliste = clerkPage.Locator("table[aria-describedby=belegliste]");
        (await belegliste.InnerTextAsync()).ShouldContain("STO-2021-0042");
        (await belegliste.InnerTextAsync()).ShouldContain("rechnung-4711.pdf");
        var voucher = await clerkPage.RunAndWaitForDownloadAsync(() => belegliste.GetByRole(AriaRole.Link, new() { Name = "rechnung-4711.pdf" }).ClickAsync());
        (await File.ReadAllBytesAsync(await voucher.PathAsync(), TestContext.Current.CancellationToken)).ShouldBe(VoucherPdf);

        // The proof of use: the declaration must be given, each confirmation explicitly.
        await clerkPage.GetByLabel("Sachbericht").FillAsync("Die Kita Sonnenschein hat Bastel- und Spielmaterial für 40 Kinder angeschafft.");
        await clerkPage.GetByLabel("Name", new() { Exact = true }).FillAsync("Petra Schulz");
        await clerkPage.GetByLabel("Funktion").FillAsync("Kämmerin");
        await clerkPage.GetByRole(AriaRole.Button, new() { Name = "Verwendungsnachweis einreichen" }).ClickToLoadAsync();
        (await clerkPage.Locator("#fehler-NurFuerDenZweck").InnerTextAsync()).ShouldBe("Bitte bestätigen Sie, dass das Geld nur für den Zweck verwendet wurde.");
        await clerk.SeeAsync("kommune-zuweisung");
        await clerkPage.GetByLabel("Die Mittel wurden ausschließlich für den Zweck der Zuweisung verwendet.").CheckAsync();
        await clerkPage.GetByLabel("Die Ausgaben waren notwendig; es wurde wirtschaftlich und sparsam verfahren.").CheckAsync();
        await clerkPage.GetByLabel("Die Angaben stimmen mit den Büchern und Belegen überein.").CheckAsync();
        await clerkPage.GetByRole(AriaRole.Button, new() { Name = "Verwendungsnachweis einreichen" }).ClickToLoadAsync();
        (await clerkPage.Locator("[role=status]").InnerTextAsync()).ShouldBe("Der Verwendungsnachweis ist eingereicht. Die Kasse prüft ihn.");
        (await clerkPage.GetByRole(AriaRole.Button, new() { Name = "Ausgabe melden" }).CountAsync()).ShouldBe(0);
        var pdf = await clerkPage.RunAndWaitForDownloadAsync(() => clerkPage.GetByRole(AriaRole.Link, new() { Name = "Verwendungsnachweis als PDF" }).ClickAsync());
        pdf.SuggestedFilename.ShouldBe($"Verwendungsnachweis-stolberg-{allocationId}.pdf");
        Encoding.ASCII.GetString((await File.ReadAllBytesAsync(await pdf.PathAsync(), TestContext.Current.CancellationToken))[..5]).ShouldBe("%PDF-");
        var csv = await clerkPage.RunAndWaitForDownloadAsync(() => clerkPage.GetByRole(AriaRole.Link, new() { Name = "Belegliste als CSV" }).ClickAsync());
        (await File.ReadAllTextAsync(await csv.PathAsync(), TestContext.Current.CancellationToken)).ShouldContain("STO-2021-0042");
        await clerk.SeeAsync("kommune-nachweis-eingereicht");

        // The treasury reviews and accepts; then the municipality pays back what it did not use.
        await treasurer.GoAsync($"/schatzamt/zuweisungen?aufruf={world.AppealId}");
        await page.GetByRole(AriaRole.Link, new() { Name = "Stolberg (Rhld.) – SI/2021/088 (119,90 € ausgegeben)" }).ClickToLoadAsync();
        (await page.Locator("#nachweis").InnerTextAsync()).ShouldBe("Verwendungsnachweis: eingereicht");
        (await page.Locator("section[aria-labelledby=nachweis]").InnerTextAsync()).ShouldContain("Petra Schulz, Kämmerin");
        await treasurer.SeeAsync("schatzamt-nachweis-pruefen");
        await page.GetByRole(AriaRole.Button, new() { Name = "Nachweis annehmen" }).ClickToLoadAsync();
        (await page.Locator("[role=status]").InnerTextAsync()).ShouldBe("Der Verwendungsnachweis ist angenommen.");
        (await page.Locator("#nachweis").InnerTextAsync()).ShouldBe("Verwendungsnachweis: angenommen");
        await page.Locator("#RueckzahlungBetrag").FillAsync("180,10");
        await page.GetByLabel("Bankreferenz des Eingangs").FillAsync("RUECK-STO-1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Rückzahlung buchen" }).ClickToLoadAsync();
        (await page.Locator("[role=status]").InnerTextAsync()).ShouldBe("Die Rückzahlung ist gebucht; das Geld steht wieder in seinen Töpfen.");
        (await page.Locator("ul.totals").InnerTextAsync()).ShouldContain("180,10");

        // The auditor: today's balances, and the day before the allocation, when the money had arrived and nothing else.
        await using var auditor = await site.NewVisitorAsync();
        var auditorPage = auditor.Page;
        await StaffWorld.SignInAsync(auditor, Roles.Auditor);
        await auditor.GoAsync($"/pruefung/salden?aufruf={world.AppealId}");
        var earlier = German(StaffWorld.Today.AddDays(-DaysEarlier + 2));
        await auditorPage.GetByLabel("Stichtag").FillAsync(earlier);
        await auditorPage.GetByRole(AriaRole.Button, new() { Name = "Anzeigen" }).ClickToLoadAsync();
        var totals = auditorPage.Locator("ul.totals");
        (await Total(totals, "Eingegangen")).ShouldBe("500,00 €");
        (await Total(totals, "Zugewiesen")).ShouldBe("0,00 €");
        (await auditorPage.Locator("main").InnerTextAsync()).ShouldContain("Zu diesem Zeitpunkt war noch keiner Kommune Geld zugewiesen.");
        await auditor.SeeAsync("pruefung-salden-stichtag");
        await auditor.GoAsync($"/pruefung/salden?aufruf={world.AppealId}&stichtag={StaffWorld.Today:yyyy-MM-dd}");
        (await Total(totals, "Zugewiesen")).ShouldBe("400,00 €");
        (await Total(totals, "Ausgegeben")).ShouldBe("119,90 €");
        (await auditorPage.Locator("table", new() { HasText = "Stolberg (Rhld.)" }).Last.InnerTextAsync()).ShouldContain("180,10");

        // The event log of the allocation: ids and amounts, never the payee, the reason or the report.
        await auditor.GoAsync($"/pruefung/ereignisse?strom={allocationId}");
        var log = await auditorPage.Locator("table.events").InnerTextAsync();
        log.ShouldContain("Ausgabe gemeldet");
        log.ShouldContain("Verwendungsnachweis angenommen");
        log.ShouldContain("119,90");
        log.ShouldNotContain("Spielwaren Becker");
        log.ShouldNotContain("Bastelmaterial");
        log.ShouldNotContain("Petra Schulz");

        // Choosing a filter reloads only the list (htmx) and keeps the address shareable; without script the button does it.
        await auditorPage.GetByRole(AriaRole.Link, new() { Name = "Alle Filter zurücksetzen" }).ClickToLoadAsync();
        await auditorPage.GetByLabel("Ereignis", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Geld zugewiesen" });
        // htmx pushes the address after it swapped the list in (no page load to wait for).
        await auditorPage.WaitForFunctionAsync("() => location.search.includes('typ=FundsAllocated')");
        var types = await auditorPage.Locator("table.events tbody th").AllInnerTextsAsync();
        types.ShouldNotBeEmpty();
        types.ShouldAllBe(t => t.StartsWith("Geld zugewiesen", StringComparison.Ordinal));
        await auditor.SeeAsync("pruefung-ereignisse");

        // The other clock: the payment was recorded ten days ago but booked today, so "gebucht bis" that earlier day has nothing.
        await auditor.GoAsync($"/pruefung/salden?aufruf={world.AppealId}");
        await auditorPage.GetByLabel("Stichtag").FillAsync(earlier);
        await auditorPage.GetByRole(AriaRole.Radio, new() { Name = "gebucht bis" }).CheckAsync();
        await auditorPage.GetByRole(AriaRole.Button, new() { Name = "Anzeigen" }).ClickToLoadAsync();
        (await Total(totals, "Eingegangen")).ShouldBe("0,00 €");
        await auditorPage.GetByLabel("Stichtag").FillAsync(German(StaffWorld.Today));
        await auditorPage.GetByRole(AriaRole.Button, new() { Name = "Anzeigen" }).ClickToLoadAsync();
        (await auditorPage.GetByRole(AriaRole.Radio, new() { Name = "gebucht bis" }).IsCheckedAsync()).ShouldBeTrue();
        (await Total(totals, "Eingegangen")).ShouldBe("500,00 €");
        await auditor.SeeAsync("pruefung-salden-gebucht");

        // A figure leads to its explanation: allocated 400,00 − spent 119,90 − paid back 180,10 = open 100,00, event by event.
        var open = auditorPage.Locator("table", new() { HasText = "Posten ohne Beleg" }).Locator("tbody tr", new() { HasText = "Stolberg (Rhld.)" })
            .Locator("a[title='Herleitung: Offen']");
        (await open.InnerTextAsync()).Replace('\u00A0', ' ').ShouldBe("100,00 €");
        await open.ClickToLoadAsync();
        (await auditorPage.Locator("h1").InnerTextAsync()).ShouldBe("Herleitung: Offen – Kommune Stolberg (Rhld.)");
        (await auditorPage.Locator("#wert").InnerTextAsync()).Replace('\u00A0', ' ').ShouldBe("100,00 €");
        (await auditorPage.Locator("#summe").InnerTextAsync()).Replace('\u00A0', ' ').ShouldBe("100,00 €");
        var steps = await auditorPage.Locator("table.explanation tbody tr").AllInnerTextsAsync();
        steps.Count.ShouldBe(3);
        steps[0].ShouldContain("Geld zugewiesen");
        steps[0].ShouldContain("+400,00");
        steps[1].ShouldContain("Ausgabe gemeldet");
        steps[1].ShouldContain("\u2212119,90");
        steps[2].ShouldContain("\u2212180,10");
        (await auditorPage.Locator("main").InnerTextAsync()).ShouldContain("gebucht bis " + German(StaffWorld.Today));
        await auditor.SeeAsync("pruefung-erklaerung");
        // Each event opens the log at that event.
        var first = auditorPage.Locator("table.explanation tbody tr").First.Locator("td[data-label='Nr.'] a");
        (await first.GetAttributeAsync("title")).ShouldBe("Im Ereignisprotokoll zeigen");
        await first.ClickToLoadAsync();
        (await auditorPage.Locator("table.events tbody tr").First.InnerTextAsync()).ShouldContain("Geld zugewiesen");

        // Verification: the same replay as GET /api/audit/verify, started with a button.
        await StaffWorld.NavigateAsync(auditorPage, "Verifikation");
        await auditorPage.GetByRole(AriaRole.Button, new() { Name = "Jetzt prüfen" }).ClickToLoadAsync();
        // The report shows either the all-clear (status) or the differences (alert); a difference fails with the page's own list.
        var report = auditorPage.Locator("#bericht");
        var outcome = await report.Locator("[role=status], [role=alert]").First.InnerTextAsync();
        var listed = await report.Locator("table.differences").CountAsync() > 0 ? await report.Locator("table.differences").InnerTextAsync() : "";
        outcome.ShouldBe("Alle Projektionen stimmen mit einer frischen Wiederholung überein.", listed);
        await auditor.SeeAsync("pruefung-verifikation");

        // The donor's donation, found by its RF reference: every euro of the 500,00 € accounted for.
        await StaffWorld.NavigateAsync(auditorPage, "Spur einer Spende");
        await auditorPage.GetByLabel("Spende (Kennung oder Referenz)").FillAsync(pledge.Reference);
        await auditorPage.GetByRole(AriaRole.Button, new() { Name = "Spur anzeigen" }).ClickToLoadAsync();
        (await auditorPage.Locator("#bezahlt").InnerTextAsync()).Replace('\u00A0', ' ').ShouldBe("500,00 €");
        var trace = (await auditorPage.Locator("ul.trace").InnerTextAsync()).Replace('\u00A0', ' ');
        trace.ShouldContain("an Stolberg (Rhld.)");
        trace.ShouldContain("119,90 € für Bastelmaterial für die Kita (Kita Sonnenschein)");
        (Cents(await auditorPage.Locator("#zugewiesen").InnerTextAsync()) + Cents(await auditorPage.Locator("#nicht-zugewiesen").InnerTextAsync())).ShouldBe(50000);
        await auditor.SeeAsync("pruefung-spur");
    }

    private static string German(DateOnly day) => day.ToString("dd.MM.yyyy", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>"1.234,56 €" as cents.</summary>
    private static long Cents(string euro) => long.Parse(new string(euro.Where(char.IsAsciiDigit).ToArray()), System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<string> Total(ILocator totals, string label)
        => (await totals.Locator("li", new() { HasText = label }).Locator(".value").InnerTextAsync()).Replace('\u00A0', ' ');
}
