using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.TestSupport;
using Microsoft.Playwright;

namespace FlutHilfe.Web.Tests.Staff;

/// <summary>
/// Issue 15, the annual Sammelbestätigung run on the treasury's page: the preview of last year (donors, gifts, total, a donor
/// without a postal address with the German reason), the start through the API's command, the run's progress (planned vs.
/// issued), and a second look that says a further run would add nothing. The running year cannot be run.
/// </summary>
[Collection(SiteCollection.Name)]
public sealed class AnnualRunPageTests(Site site)
{
    private const string Create = "Sammelbestätigungen erstellen";

    [Fact]
    public async Task the_treasury_previews_last_year_starts_the_run_and_sees_it_issued_and_that_a_second_run_would_add_nothing()
    {
        var world = new StaffWorld(site);
        await world.OpenAppealAsync();
        var lastYear = StaffWorld.ThisYear - 1;
        var withAddress = await world.PledgeAsync(new
        {
            amountCents = 50_00, receiptWanted = false,
            donor = new { name = "Jürgen Weiß", street = "Kaiserplatz 1", postalCode = "52062", city = "Aachen", country = "DE" },
        });
        var withoutAddress = await world.PledgeAsync(new { amountCents = 40_00, donor = new { name = "Erika Ohneadresse", country = "DE", email = "erika@example.org" } });
        await world.ImportAsync(world.Statement("J-" + world.AppealId,
            new GeneratedCredit(20_00, new DateOnly(lastYear, 3, 2), DebtorName: "Jürgen Weiß", StructuredReference: withAddress.Reference),
            new GeneratedCredit(30_00, new DateOnly(lastYear, 11, 20), DebtorName: "Jürgen Weiß", StructuredReference: withAddress.Reference),
            new GeneratedCredit(15_00, new DateOnly(lastYear, 5, 4), DebtorName: "Erika Ohneadresse", StructuredReference: withoutAddress.Reference),
            new GeneratedCredit(25_00, new DateOnly(lastYear, 6, 5), DebtorName: "Erika Ohneadresse", StructuredReference: withoutAddress.Reference)));

        await using var treasurer = await site.NewVisitorAsync();
        var page = treasurer.Page;
        await StaffWorld.SignInAsync(treasurer, Roles.Treasurer);
        await treasurer.GoAsync($"/schatzamt/sammelbestaetigungen?aufruf={world.AppealId}&jahr={lastYear}");
        (await Total(page, "Spender")).ShouldBe("1");
        (await Total(page, "Zuwendungen")).ShouldBe("2");
        (await Total(page, "Summe")).ShouldBe("50,00 €");
        (await page.Locator("table", new() { HasText = "erhalten" }).Locator("tbody").InnerTextAsync()).ShouldContain("Jürgen Weiß");
        var cannot = await page.Locator("table", new() { HasText = "Keine Sammelbestätigung möglich" }).Locator("tbody tr").InnerTextAsync();
        foreach (var expected in new[] { "Erika Ohneadresse", "40,00 €", "Keine Postanschrift gespeichert (nicht angegeben oder gelöscht)." })
            cannot.ShouldContain(expected);
        await treasurer.SeeAsync("schatzamt-sammelbestaetigungen");

        await page.GetByRole(AriaRole.Button, new() { Name = Create }).ClickToLoadAsync();
        (await page.Locator("[role=status]").InnerTextAsync()).ShouldStartWith("Der Lauf ist gestartet.");
        var run = page.Locator("tr.run");
        await treasurer.ReloadUntilAsync("abgeschlossen", "the run to issue its receipt");
        var progress = await run.InnerTextAsync();
        progress.ShouldContain("1 Spender, 2 Zuwendungen, 50,00 €");
        progress.ShouldContain("1 Sammelbestätigung, 2 Zuwendungen, 50,00 €");
        (await run.CountAsync()).ShouldBe(1);

        // A second look: nothing left to add, and no button to start an empty run.
        (await Total(page, "Spender")).ShouldBe("0");
        (await page.Locator("[role=note]").InnerTextAsync()).ShouldStartWith("Ein weiterer Lauf würde nichts hinzufügen");
        (await page.GetByRole(AriaRole.Button, new() { Name = Create }).CountAsync()).ShouldBe(0);
        await treasurer.SeeAsync("schatzamt-sammelbestaetigungen-erstellt");

        // The running year is not finished: no preview, no button.
        await treasurer.GoAsync($"/schatzamt/sammelbestaetigungen?aufruf={world.AppealId}&jahr={StaffWorld.ThisYear}");
        (await page.Locator("main").InnerTextAsync()).ShouldContain($"Das Jahr {StaffWorld.ThisYear} ist noch nicht abgeschlossen");
        (await page.GetByRole(AriaRole.Button, new() { Name = Create }).CountAsync()).ShouldBe(0);
    }

    private static async Task<string> Total(IPage page, string label)
        => (await page.Locator("ul.totals li", new() { Has = page.Locator($"span.label:text-is('{label}')") }).Locator(".value").InnerTextAsync()).Replace('\u00A0', ' ').Trim();
}
