using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.BankFiles;
using FlutHilfe.TestSupport;
using Microsoft.Playwright;

namespace FlutHilfe.Web.Tests.Staff;

/// <summary>
/// Money out on the treasury page "Zahlungen": the ordered transfers wait, "Zahlungsdatei erstellen" puts them into a
/// pain.001 file, and the statement's debit confirms one of them (the file's state says so).
/// </summary>
[Collection(SiteCollection.Name)]
public sealed class PaymentJourneyTests(Site site)
{
    [Fact]
    public async Task the_treasury_makes_a_payment_file_from_the_waiting_transfers_and_sees_the_statement_confirm_them()
    {
        var world = new StaffWorld(site);
        await world.OpenAppealAsync();
        var pledge = await world.PledgeAsync(100000, municipalityId: "stolberg");
        await world.ImportAsync(world.Statement("S-" + world.AppealId, new GeneratedCredit(100000, StaffWorld.Today, StructuredReference: pledge.Reference)));
        var allocation = await world.AllocateAsync("stolberg", 100000, "SI/2021/120");
        var first = await world.OrderDisbursementAsync(allocation, 60000);
        await world.OrderDisbursementAsync(allocation, 25050);
        // A donor chose a refund of 300 € when Stolberg's earmark could not be met: it goes into the same file.
        var refunded = await world.PledgeAsync(30000, municipalityId: "stolberg", donorName: "Jürgen Müller");
        await world.ImportAsync(world.Statement("R-" + world.AppealId,
            new GeneratedCredit(30000, StaffWorld.Today, StructuredReference: refunded.Reference, DebtorName: "Jürgen Müller", DebtorIban: "DE02120300000000202051")));
        var decision = await world.PostAsync(Roles.Treasurer, $"/api/appeals/{world.AppealId}/earmark-decisions",
            new { municipalityId = "stolberg", amountCents = 30000, reason = "Die Kommune lehnt ab." });
        var asked = decision.GetProperty("shares")[0].GetProperty("donationId").GetGuid() == refunded.DonationId ? refunded : pledge;

        // Until the donor answers, the asked money stays in Stolberg's fund but is held: the allocation page says so.
        await using var treasurer = await site.NewVisitorAsync();
        var page = treasurer.Page;
        await StaffWorld.SignInAsync(treasurer, Roles.Treasurer);
        await treasurer.GoAsync($"/schatzamt/zuweisungen?aufruf={world.AppealId}");
        (await page.Locator("main").InnerTextAsync()).Replace('\u00A0', ' ').ShouldContain("davon gebunden (offene Rückfrage): 300,00 €");
        await treasurer.SeeAsync("schatzamt-zuweisungen-gebunden");

        await world.PostAsync(null, $"/api/donations/{asked.DonationId}/earmark-questions/{decision.GetProperty("decisionId").GetGuid()}?token={asked.DonorUrl.Split("token=")[1]}",
            new { choice = "refund", accountHolder = "Jürgen Müller" });
        await treasurer.GoAsync($"/schatzamt/zuweisungen?aufruf={world.AppealId}");
        (await page.Locator("main").InnerTextAsync()).ShouldNotContain("davon gebunden");

        await treasurer.GoAsync($"/schatzamt/zahlungen?aufruf={world.AppealId}");
        (await page.Locator("section[aria-labelledby=offen]").InnerTextAsync()).ShouldContain("850,50 €");
        (await page.Locator("section[aria-labelledby=rueckerstattungen]").InnerTextAsync()).ShouldContain("wartet auf eine Zahlungsdatei");
        await treasurer.SeeAsync("schatzamt-zahlungen");

        await page.GetByRole(AriaRole.Button, new() { Name = "Zahlungsdatei erstellen" }).ClickToLoadAsync();
        (await page.Locator("[role=status]").InnerTextAsync()).ShouldStartWith("Die Zahlungsdatei ist erstellt.");
        (await page.Locator("section[aria-labelledby=dateien]").InnerTextAsync()).ShouldContain("bestätigt 0 von 3");

        await world.ImportAsync(world.Statement("A-" + world.AppealId,
            new GeneratedCredit(60000, StaffWorld.Today, EndToEndId: first, Direction: CreditDebit.Debit, CreditorName: "Stadt Stolberg (Rhld.)")));
        await treasurer.GoAsync($"/schatzamt/zahlungen?aufruf={world.AppealId}");
        (await page.Locator("section[aria-labelledby=dateien]").InnerTextAsync()).ShouldContain("bestätigt 1 von 3");
        (await page.Locator("section[aria-labelledby=offen]").InnerTextAsync()).ShouldContain("Keine Auszahlung wartet");
        await treasurer.SeeAsync("schatzamt-zahlungen-datei");
    }
}
