using System.Text.Json;
using FlutHilfe.BankFiles;
using FlutHilfe.TestSupport;

namespace FlutHilfe.Api.Tests.Audit;

/// <summary>What <see cref="AuditScenario.RunAsync"/> produced, for tests that look at it.</summary>
public sealed record ExplainedHistory(JsonElement Stolberg, JsonElement General, JsonElement Returned, JsonElement Later, string StolbergAllocation, string EschweilerAllocation);

/// <summary>
/// A realistic appeal history through the API: pledges, payments by camt import, a receipt, a bank return, allocations,
/// a disbursement, spending (one item withdrawn), money paid back and an allocation partly withdrawn.
/// </summary>
public static class AuditScenario
{
    public static readonly DateOnly Day = new(2021, 11, 20);

    public static object Donor(string name, string? email) => new { name, street = "Kaiserplatz 1", postalCode = "52062", city = "Aachen", country = "DE", email };

    public static async Task<JsonElement> PostAsync(this AppFixture app, string url, object body, string? token, int status)
        => await (await app.Host.Scenario(s =>
        {
            s.Post.Json(body).ToUrl(url);
            if (token is not null) s.WithBearer(token);
            s.StatusCodeShouldBe(status);
        })).ReadAsJsonAsync<JsonElement>();

    public static string Ref(this JsonElement pledge) => pledge.GetProperty("reference").GetString()!;

    public static async Task<ExplainedHistory> RunAsync(AppFixture app)
    {
        const string appeal = "/api/appeals/" + Requests.AppealId;
        var treasurer = app.Token("treasurer");
        await app.OpenAppealAsync();

        var stolberg = await app.PledgeAsync(new { amountCents = 30_000, receiptWanted = true, donor = Donor("Jürgen Müller", "jm@example.org"),
            earmarks = new[] { new { municipalityId = "stolberg", purposeId = "kita-schulmaterial", amountCents = 30_000 } } });
        var general = await app.PledgeAsync(new { amountCents = 20_000 });
        var returned = await app.PledgeAsync(new { amountCents = 7_777, receiptWanted = true, donor = Donor("Erika Mustermann", null),
            earmarks = new[] { new { municipalityId = "eschweiler", amountCents = 7_777 } } });
        var later = await app.PledgeAsync(new { amountCents = 4_000 });

        await app.ImportAsync(CamtWriter.Write053v08("S1", Requests.AppealIban,
        [
            new GeneratedCredit(30_000, Day, StructuredReference: stolberg.Ref()),
            new GeneratedCredit(20_000, Day, StructuredReference: general.Ref()),
            new GeneratedCredit(7_777, Day, StructuredReference: returned.Ref()),
        ]));
        await app.ImportAsync(CamtWriter.Write053v08("S2", Requests.AppealIban, [new GeneratedCredit(4_000, Day.AddDays(2), StructuredReference: later.Ref())]));

        // The receipted 77,77 € are taken back by the bank once the receipt exists.
        await EventuallyAsync(async () => (await app.Host.GetAsJson<JsonElement>(returned.GetProperty("donorUrl").GetString()!)).GetProperty("receiptNumber").ValueKind == JsonValueKind.String);
        await app.ImportAsync(CamtWriter.Write053v08("R1", Requests.AppealIban,
            [new GeneratedCredit(7_777, Day.AddDays(5), StructuredReference: returned.Ref(), Direction: CreditDebit.Debit, ReturnReasonCode: "MD06")]));

        var stolbergAllocation = (await app.PostAsync($"{appeal}/allocations", new { municipalityId = "stolberg", purposeId = "kita-schulmaterial", amountCents = 25_000,
            decisionReference = "SI/2021/088", decidedOn = "2021-12-10" }, treasurer, 201)).GetProperty("allocationId").GetString()!;
        var eschweilerAllocation = (await app.PostAsync($"{appeal}/allocations", new { municipalityId = "eschweiler", amountCents = 5_000,
            decisionReference = "SI/2021/089", decidedOn = "2021-12-10" }, treasurer, 201)).GetProperty("allocationId").GetString()!;
        var clerk = app.Token("municipality", "stolberg");
        await app.PostAsync($"/api/allocations/{stolbergAllocation}/disbursements", new { amountCents = 20_000, paidOn = "2021-12-12", bankReference = "UEB-1" }, treasurer, 200);
        var wrong = (await app.PostAsync($"/api/allocations/{stolbergAllocation}/spending", new { date = "2021-12-15", payee = "Spielwaren Becker GmbH", payeeIsOrganisation = true,
            reason = "Bastelmaterial", purposeId = "kita-schulmaterial", amountCents = 999, voucherNumber = "V-1" }, clerk, 201)).GetProperty("itemId").GetString();
        await app.PostAsync($"/api/spending/{wrong}/withdraw", new { reason = "doppelt erfasst" }, clerk, 200);
        await app.PostAsync($"/api/allocations/{stolbergAllocation}/spending", new { date = "2021-12-15", payee = "Spielwaren Becker GmbH", payeeIsOrganisation = true,
            reason = "Bastelmaterial", purposeId = "kita-schulmaterial", amountCents = 1_250, voucherNumber = "V-1", facility = "Kita Sonnenschein" }, clerk, 201);
        await app.PostAsync($"/api/allocations/{stolbergAllocation}/spending", new { date = "2021-12-18", payee = "Buchhandlung Schmitz", payeeIsOrganisation = true,
            reason = "Bilderbücher", purposeId = "kita-schulmaterial", amountCents = 8_000, voucherNumber = "V-2", facility = "Grundschule Liester" }, clerk, 201);
        await app.PostAsync($"/api/allocations/{stolbergAllocation}/returns", new { amountCents = 1_000, returnedOn = "2022-01-10", bankReference = "RUECK-1" }, treasurer, 200);
        await app.PostAsync($"/api/allocations/{stolbergAllocation}/withdraw", new { amountCents = 1_000, reason = "Beschluss geändert" }, treasurer, 200);
        await app.PostAsync($"/api/allocations/{eschweilerAllocation}/disbursements", new { amountCents = 5_000, paidOn = "2021-12-12", bankReference = "UEB-2" }, treasurer, 200);
        return new ExplainedHistory(stolberg, general, returned, later, stolbergAllocation, eschweilerAllocation);
    }

    public static async Task EventuallyAsync(Func<Task<bool>> done)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (!await done()) await Task.Delay(50, timeout.Token);
    }
}
