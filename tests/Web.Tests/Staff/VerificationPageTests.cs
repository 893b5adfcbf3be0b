using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.BankFiles;
using FlutHilfe.TestSupport;
using Microsoft.Playwright;
using Npgsql;

namespace FlutHilfe.Web.Tests.Staff;

/// <summary>
/// The auditor's Verifikation page reports what <c>GET /api/audit/verify</c> finds: a stored projection document changed
/// with SQL behind the service's back shows as a difference naming the projection, the document, the field and both values.
/// </summary>
[Collection(SiteCollection.Name)]
public sealed class VerificationPageTests(Site site)
{
    [Fact]
    public async Task a_fund_balance_changed_with_sql_is_listed_as_a_difference_on_the_verification_page()
    {
        var world = new StaffWorld(site);
        await world.OpenAppealAsync();
        var pledge = await world.PledgeAsync(30000, municipalityId: "stolberg");
        await world.ImportAsync(world.Statement("V-" + world.AppealId,
            new GeneratedCredit(30000, StaffWorld.Today, DebtorName: "Erika Mustermann", StructuredReference: pledge.Reference)));
        var fund = $"{world.AppealId}|m:stolberg";

        await using var auditor = await site.NewVisitorAsync();
        var page = auditor.Page;
        await StaffWorld.SignInAsync(auditor, Roles.Auditor);
        (await SqlAsync($"select (data->>'confirmed')::bigint from {site.Host.Schema}.mt_doc_fundbalance where id = @id", fund)).ShouldBe(30000L);
        await SqlAsync($"update {site.Host.Schema}.mt_doc_fundbalance set data = jsonb_set(data, '{{confirmed}}', '31000') where id = @id", fund);
        try
        {
            await auditor.GoAsync("/pruefung/verifikation");
            await page.GetByRole(AriaRole.Button, new() { Name = "Jetzt prüfen" }).ClickToLoadAsync();
            (await page.Locator("[role=status]").CountAsync()).ShouldBe(0);
            (await page.Locator("[role=alert]").InnerTextAsync()).ShouldEndWith("gefunden.");
            var rows = await page.Locator("table.differences tbody tr").AllInnerTextsAsync();
            rows.ShouldContain(r => r.Contains("Projektion") && r.Contains("FundBalance") && r.Contains(fund) && r.Contains("$.confirmed")
                                    && r.Contains("31000") && r.Contains("30000"));
            await auditor.SeeAsync("pruefung-verifikation-abweichung");
        }
        finally
        {
            // The site is shared by the other journeys, whose verification must find nothing.
            await SqlAsync($"update {site.Host.Schema}.mt_doc_fundbalance set data = jsonb_set(data, '{{confirmed}}', '30000') where id = @id", fund);
        }
    }

    private static async Task<object?> SqlAsync(string sql, string id)
    {
        await using var connection = new NpgsqlConnection(SiteHost.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
    }
}
