using System.Text.Json;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.BankFiles;
using FlutHilfe.TestSupport;
using Microsoft.Playwright;

namespace FlutHilfe.Web.Tests.Staff;

/// <summary>
/// Corrections staff make on the pages: the treasury takes back part of an allocation, the clerk withdraws a wrongly
/// reported spending item, and the treasury splits one transfer across the pledges it names.
/// </summary>
[Collection(SiteCollection.Name)]
public sealed class CorrectionJourneyTests(Site site)
{
    [Fact]
    public async Task the_treasury_takes_back_part_of_an_allocation_and_the_clerk_withdraws_a_spending_item()
    {
        var world = new StaffWorld(site);
        await world.OpenAppealAsync();
        var pledge = await world.PledgeAsync(50000, municipalityId: "stolberg");
        await world.ImportAsync(world.Statement("S-" + world.AppealId,
            new GeneratedCredit(50000, StaffWorld.Today, DebtorName: "Stadtwerke Musterstadt GmbH", StructuredReference: pledge.Reference)));
        var allocationId = await world.AllocateAsync("stolberg", 40000, "SI/2021/101");

        await using var treasurer = await site.NewVisitorAsync();
        var page = treasurer.Page;
        await StaffWorld.SignInAsync(treasurer, Roles.Treasurer);
        await treasurer.GoAsync($"/schatzamt/zuweisungen/{allocationId}");
        var form = page.Locator("section[aria-labelledby=ruecknahme]");
        // Refusals stand next to their field and change nothing: a malformed amount, no reason, more than is left.
        await form.GetByLabel("Betrag").FillAsync("15O,00");
        await form.GetByRole(AriaRole.Button, new() { Name = "Zuweisung zurücknehmen" }).ClickToLoadAsync();
        (await page.Locator("#fehler-RuecknahmeBetrag").InnerTextAsync()).ShouldBe("Bitte geben Sie den Betrag in Euro an, z. B. 1.250,00.");
        await page.Locator("#RuecknahmeBetrag").FillAsync("150,00");
        await form.GetByRole(AriaRole.Button, new() { Name = "Zuweisung zurücknehmen" }).ClickToLoadAsync();
        (await page.Locator("#fehler-RuecknahmeGrund").InnerTextAsync()).ShouldBe("Bitte nennen Sie den Grund (er bleibt in der Historie stehen).");
        (await page.Locator("#RuecknahmeBetrag").InputValueAsync()).ShouldBe("150,00");
        await page.Locator("#RuecknahmeBetrag").FillAsync("500,00");
        await page.Locator("#RuecknahmeGrund").FillAsync("Beschluss SI/2021/101 geändert");
        await form.GetByRole(AriaRole.Button, new() { Name = "Zuweisung zurücknehmen" }).ClickToLoadAsync();
        (await page.Locator("#fehler-RuecknahmeBetrag").InnerTextAsync()).ShouldBe(
            "Zurücknehmen lässt sich nur, was weder ausgezahlt noch ausgegeben ist: höchstens 400,00 €.");
        (await page.Locator("#RuecknahmeBetrag").GetAttributeAsync("aria-invalid")).ShouldBe("true");
        await treasurer.SeeAsync("schatzamt-zuweisung-zuruecknehmen-abgelehnt");
        (await Total(page, "Zugewiesen")).ShouldBe("400,00 €");
        await page.Locator("#RuecknahmeBetrag").FillAsync("150,00");
        var takeBack = form.Locator("form");
        var takeBackSent = await takeBack.EvaluateAsync<Dictionary<string, string>>("f => Object.fromEntries(new FormData(f))");
        var takeBackAction = await takeBack.EvaluateAsync<string>("f => f.action");
        await form.GetByRole(AriaRole.Button, new() { Name = "Zuweisung zurücknehmen" }).ClickToLoadAsync();
        (await page.Locator("[role=status]").InnerTextAsync()).ShouldBe("Die Zuweisung ist verringert; das Geld steht wieder in seinen Töpfen.");
        (await Total(page, "Zugewiesen")).ShouldBe("250,00 €");
        (await Total(page, "Noch offen")).ShouldBe("250,00 €");
        await treasurer.SeeAsync("schatzamt-zuweisung-zurueckgenommen");

        // The same form sent again (a reload, a double click): its Vorgang id was taken back once, so nothing more goes.
        (await page.APIRequest.PostAsync(takeBackAction, new() { Form = Form(page, takeBackSent) })).Ok.ShouldBeTrue();
        await treasurer.GoAsync($"/schatzamt/zuweisungen/{allocationId}");
        (await Total(page, "Zugewiesen")).ShouldBe("250,00 €");
        await treasurer.GoAsync($"/schatzamt/zuweisungen?aufruf={world.AppealId}");
        (await page.Locator("section[aria-labelledby=toepfe]").InnerTextAsync()).ShouldContain("250,00");

        // The clerk withdraws an item (reason required, next to its field); the row stays, marked, and stops counting.
        await world.ReportSpendingAsync(allocationId, 11990, "STO-2021-0777");
        await using var clerk = await site.NewVisitorAsync();
        var clerkPage = clerk.Page;
        await StaffWorld.SignInAsync(clerk, Roles.Municipality, "Stolberg (Rhld.)");
        await clerk.GoAsync($"/kommune/zuweisungen/{allocationId}");
        (await Total(clerkPage, "Ausgegeben")).ShouldBe("119,90 €");
        var withdrawForm = clerkPage.Locator("form.withdraw-item");
        var withdrawButton = withdrawForm.GetByRole(AriaRole.Button, new() { Name = "Ausgabe zurückziehen" });
        await withdrawButton.ClickToLoadAsync();
        (await clerkPage.Locator("#fehler-RueckzugPosten").InnerTextAsync()).ShouldBe("Bitte wählen Sie die Ausgabe, die Sie zurückziehen.");
        var item = withdrawForm.GetByLabel("Ausgabe", new() { Exact = true });
        (await item.Locator("option").AllInnerTextsAsync()).Select(o => o.Replace('\u00A0', ' '))
            .ShouldBe(["– bitte wählen –", $"Nr. 1 · {StaffWorld.Today:dd.MM.yyyy} · Spielwaren Becker GmbH · 119,90 €"]);
        await item.SelectOptionAsync(new SelectOptionValue { Index = 1 });
        await withdrawButton.ClickToLoadAsync();
        var reason = withdrawForm.GetByLabel("Grund für das Zurückziehen");
        (await reason.GetAttributeAsync("aria-invalid")).ShouldBe("true");
        (await clerkPage.Locator("#fehler-RueckzugGrund").InnerTextAsync()).ShouldBe("Bitte nennen Sie den Grund (er bleibt in der Historie stehen).");
        (await Total(clerkPage, "Ausgegeben")).ShouldBe("119,90 €");
        await clerk.SeeAsync("kommune-ausgabe-zurueckziehen-abgelehnt");
        await reason.FillAsync("Rechnung doppelt erfasst");
        var sent = await withdrawForm.EvaluateAsync<Dictionary<string, string>>("f => Object.fromEntries(new FormData(f))");
        var action = await withdrawForm.EvaluateAsync<string>("f => f.action");
        await withdrawButton.ClickToLoadAsync();
        (await clerkPage.Locator("[role=status]").InnerTextAsync()).ShouldStartWith("Die Ausgabe ist zurückgezogen");
        var belegliste = clerkPage.Locator("table[aria-describedby=belegliste]");
        (await belegliste.InnerTextAsync()).ShouldContain("zurückgezogen");
        (await Total(clerkPage, "Ausgegeben")).ShouldBe("0,00 €");
        (await Total(clerkPage, "Noch offen")).ShouldBe("250,00 €");
        (await withdrawForm.CountAsync()).ShouldBe(0);
        await clerk.SeeAsync("kommune-ausgabe-zurueckgezogen");

        // The same form sent again (a reload, a double click) changes nothing.
        var again = await clerkPage.APIRequest.PostAsync(action, new() { Form = Form(clerkPage, sent) });
        again.Ok.ShouldBeTrue();
        await clerk.GoAsync($"/kommune/zuweisungen/{allocationId}");
        (await Total(clerkPage, "Ausgegeben")).ShouldBe("0,00 €");
        (await Total(clerkPage, "Noch offen")).ShouldBe("250,00 €");
    }

    [Fact]
    public async Task the_treasury_splits_a_transfer_across_the_pledges_it_names()
    {
        var world = new StaffWorld(site);
        await world.OpenAppealAsync();
        var first = await world.PledgeAsync(10000);
        var second = await world.PledgeAsync(5000);
        // 120 € naming both pledges (150 € open): no exact split on import, so it waits with both as proposals.
        await world.ImportAsync(world.Statement("S-" + world.AppealId,
            new GeneratedCredit(12000, StaffWorld.Today, DebtorName: "Familie Becker", UnstructuredRemittance: $"{first.Reference} {second.Reference}")));

        await using var treasurer = await site.NewVisitorAsync();
        var page = treasurer.Page;
        await StaffWorld.SignInAsync(treasurer, Roles.Treasurer);
        await treasurer.GoAsync("/schatzamt/abgleich");
        var item = page.Locator("li.queue-item", new() { HasText = first.Reference });
        var firstAmount = item.GetByLabel($"Betrag für {first.Reference}");
        var secondAmount = item.GetByLabel($"Betrag für {second.Reference}");
        (await firstAmount.InputValueAsync()).ShouldBe("100,00");
        (await secondAmount.InputValueAsync()).ShouldBe("50,00");
        await item.GetByRole(AriaRole.Button, new() { Name = "Aufteilen" }).ClickToLoadAsync();
        (await item.Locator("form.split-form .field-error").InnerTextAsync()).ShouldBe(
            "Die Beträge ergeben zusammen 150,00 €, die Zahlung ist 120,00 €. Bitte so aufteilen, dass die Summe genau stimmt.");
        await treasurer.SeeAsync("schatzamt-abgleich-aufteilen");
        await firstAmount.FillAsync("80,00");
        await secondAmount.FillAsync("40,00");
        var form = item.Locator("form.split-form");
        var sent = await form.EvaluateAsync<Dictionary<string, string[]>>(
            "f => { const o = {}; for (const [k, v] of new FormData(f)) (o[k] ??= []).push(v); return o; }");
        var action = await form.EvaluateAsync<string>("f => f.action");
        await item.GetByRole(AriaRole.Button, new() { Name = "Aufteilen" }).ClickToLoadAsync();
        (await page.Locator("[role=status]").InnerTextAsync()).ShouldBe("Die Zahlung ist auf die Spenden aufgeteilt.");
        (await page.Locator("li.queue-item", new() { HasText = first.Reference }).CountAsync()).ShouldBe(0);
        (await world.DonationStatusAsync(second)).ShouldBe("partly paid");

        // The same split sent again books nothing twice: the second pledge stays partly paid (40 of 50 €).
        var multi = page.APIRequest.CreateFormData();
        foreach (var (name, values) in sent)
            foreach (var value in values) multi.Append(name, value);
        var again = await page.APIRequest.PostAsync(action, new() { Form = multi });
        again.Ok.ShouldBeTrue();
        (await world.DonationStatusAsync(second)).ShouldBe("partly paid");
        (await world.DonationStatusAsync(first)).ShouldBe("partly paid");
    }

    private static IFormData Form(IPage page, Dictionary<string, string> fields)
    {
        var form = page.APIRequest.CreateFormData();
        foreach (var (name, value) in fields) form.Set(name, value);
        return form;
    }

    private static async Task<string> Total(IPage page, string label)
        => (await page.Locator("ul.totals li", new() { HasText = label }).Locator(".value").InnerTextAsync()).Replace('\u00A0', ' ');
}
