using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.TestSupport;
using FlutHilfe.Web.Tests.Staff;
using Microsoft.Playwright;

namespace FlutHilfe.Web.Tests.Donating;

/// <summary>
/// Issue 15, the donor's choice on the donor page: the treasury asks about money whose earmark cannot be met; the donor
/// opens the donor link the question mail refers to, reads why, how much, until when and what happens without an answer,
/// has a wrong IBAN refused next to its field, answers with a redirection and reads the answer.
/// </summary>
[Collection(SiteCollection.Name)]
public sealed class EarmarkQuestionJourneyTests(Site site)
{
    [Fact]
    public async Task a_donor_answers_the_earmark_question_on_the_donor_page_and_sees_the_answer()
    {
        var world = new StaffWorld(site);
        await world.OpenAppealAsync();
        var pledge = await world.PledgeAsync(300_00, municipalityId: "stolberg", donorName: "Jürgen Müller");
        await world.ImportAsync(world.Statement("F-" + world.AppealId,
            new GeneratedCredit(300_00, StaffWorld.Today, DebtorName: "Jürgen Müller", DebtorIban: "DE02120300000000202051", StructuredReference: pledge.Reference)));
        var reason = "Stolberg lehnt die Mittel ab (" + world.AppealId + ")";
        using var api = new SiteApi(site.Host);
        var decision = await api.SendAsync($"/api/appeals/{world.AppealId}/earmark-decisions",
            new { municipalityId = "stolberg", amountCents = 120_00, reason, decisionId = Guid.NewGuid() }, Roles.Treasurer);
        var answerBy = DateOnly.Parse(decision.GetProperty("answerBy").GetString()!, System.Globalization.CultureInfo.InvariantCulture);

        await using var donor = await site.NewVisitorAsync();
        var page = donor.Page;
        await donor.GoAsync(pledge.DonorUrl.Replace("/api/donations/", "/spenden/", StringComparison.Ordinal));
        var question = page.Locator("section.earmark-question");
        (await question.Locator("h2").InnerTextAsync()).ShouldBe("Ihre Entscheidung ist gefragt: 120,00 € Ihrer Spende");
        var facts = await question.Locator("dl.facts").InnerTextAsync();
        foreach (var expected in new[] { reason, "120,00 € für Kommune Stolberg (Rhld.)", answerBy.ToString("dd'.'MM'.'yyyy", System.Globalization.CultureInfo.InvariantCulture),
                     "Umwidmung in den allgemeinen Fonds des Aufrufs" })
            facts.ShouldContain(expected);
        (await question.InnerTextAsync()).ShouldContain("(DE02 **** **** **** **20 51)");
        await donor.SeeAsync("spende-frage");

        // A refund to a mistyped IBAN is refused next to the IBAN field; nothing is answered.
        await question.GetByLabel("Zurückzahlen", new() { Exact = false }).CheckAsync();
        await question.GetByLabel("Andere IBAN für die Rückzahlung (freiwillig)").FillAsync("DE89 3704 0044 0532 0130 01");
        await question.GetByRole(AriaRole.Button, new() { Name = "Entscheidung absenden" }).ClickToLoadAsync();
        var iban = page.GetByLabel("Andere IBAN für die Rückzahlung (freiwillig)");
        (await iban.GetAttributeAsync("aria-invalid")).ShouldBe("true");
        (await page.Locator("#fehler-EarmarkAnswer-Iban").InnerTextAsync()).ShouldStartWith("Bitte prüfen Sie die IBAN");
        (await iban.InputValueAsync()).ShouldBe("DE89 3704 0044 0532 0130 01");

        // Redirected to Eschweiler: the page shows the answer.
        await page.GetByLabel("Für eine andere Kommune oder einen anderen Zweck des Aufrufs verwenden").CheckAsync();
        var targets = await page.GetByLabel("Kommune oder Zweck").Locator("option").AllInnerTextsAsync();
        targets.ShouldNotContain("Kommune Stolberg (Rhld.)", "not the fund in question");
        await page.GetByLabel("Kommune oder Zweck").SelectOptionAsync(new SelectOptionValue { Label = "Kommune Eschweiler" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Entscheidung absenden" }).ClickToLoadAsync();
        var answered = page.Locator("section.earmark-question");
        (await answered.Locator("[role=status]").InnerTextAsync()).ShouldStartWith("Danke für Ihre Antwort. Ihre Entscheidung vom ");
        (await answered.Locator("[role=status]").InnerTextAsync()).ShouldEndWith("Umwidmung an Kommune Eschweiler.");
        (await answered.Locator("form").CountAsync()).ShouldBe(0);
        await donor.SeeAsync("spende-frage-beantwortet");
    }
}
