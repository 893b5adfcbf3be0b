using Microsoft.Playwright;

namespace FlutHilfe.Web.Tests.Hosting;

[Collection(SiteCollection.Name)]
public sealed class SignInTests(Site site)
{
    [Fact]
    public async Task a_staff_page_asks_for_a_sign_in_then_shows_the_role_and_sign_out_ends_it()
    {
        await using var visitor = await site.NewVisitorAsync();
        var page = visitor.Page;

        await visitor.GoAsync("/intern");
        page.Url.ShouldStartWith(site.Url("/anmelden/entwicklung"));
        await visitor.SeeAsync("anmelden-entwicklung");

        // A clerk must name the municipality: the error stands next to that field.
        await page.GetByLabel("Kommune", new() { Exact = false }).First.CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Anmelden", Exact = true }).ClickToLoadAsync();
        (await page.Locator("[data-valmsg-for='MunicipalityId']").InnerTextAsync()).ShouldBe("Bitte wählen Sie die Kommune, für die Sie handeln.");

        await page.GetByLabel("Kasse").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Anmelden", Exact = true }).ClickToLoadAsync();
        page.Url.ShouldBe(site.Url("/intern"));
        (await page.Locator("h1").InnerTextAsync()).ShouldBe("Übersicht für Mitarbeitende");
        (await page.Locator("header .account").InnerTextAsync()).ShouldContain("(Kasse)");
        await visitor.SeeAsync("intern");

        await page.GetByRole(AriaRole.Button, new() { Name = "Abmelden" }).ClickToLoadAsync();
        page.Url.ShouldBe(site.Url("/"));
        (await page.Locator("header .account").InnerTextAsync()).ShouldContain("Anmelden für Mitarbeitende");
        (await visitor.GoAsync("/intern")).Url.ShouldStartWith(site.Url("/anmelden/entwicklung"));
    }
}
