using System.Text.Json;
using FlutHilfe.TestSupport;
using Wolverine;
using Wolverine.Tracking;

namespace FlutHilfe.Api.Tests.Receipts;

/// <summary>
/// § 50 Abs. 4 EStDV in the donor view: the demo appeal's window is 15.07.–31.12.2021; above 300 € outside it the
/// bank statement does not suffice, and a donor who asked for no receipt is told so and given the request URL.
/// </summary>
public class SimplifiedProofTests(ReceiptDocumentFixture app) : IClassFixture<ReceiptDocumentFixture>, IAsyncLifetime
{
    public async ValueTask InitializeAsync()
    {
        await app.ResetAsync();
        await app.OpenAppealAsync();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<(Guid Id, string DonorUrl, string Token)> PledgeAndPay(long cents, DateOnly day, bool receiptWanted = false)
    {
        var pledge = await app.PledgeAsync(new
        {
            amountCents = cents, receiptWanted,
            donor = new { name = "Anna Schmitz", street = "Markt 3", postalCode = "52062", city = "Aachen", country = "DE", email = (string?)null },
        });
        await app.Host.TrackActivity(TimeSpan.FromSeconds(30)).ExecuteAndWaitAsync((Func<IMessageContext, Task>)(_ => app.ImportAsync(CamtWriter.Write053v08(
            "S-" + Guid.NewGuid().ToString("N")[..8], Requests.AppealIban, [new GeneratedCredit(cents, day, StructuredReference: pledge.GetProperty("reference").GetString())]))));
        var url = pledge.GetProperty("donorUrl").GetString()!;
        return (pledge.GetProperty("donationId").GetGuid(), url, Uri.UnescapeDataString(url.Split("token=")[1]));
    }

    [Theory]
    [InlineData(50_000, "2021-07-14", false)]
    [InlineData(50_000, "2021-07-15", true)]
    [InlineData(50_000, "2021-12-31", true)]
    [InlineData(50_000, "2022-01-10", false)]
    [InlineData(30_000, "2022-01-10", true)]
    public async Task the_donor_view_says_whether_the_bank_statement_suffices(long cents, string day, bool suffices)
    {
        var (_, url, _) = await PledgeAndPay(cents, DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture));
        var view = await app.Host.GetAsJson<JsonElement>(url);
        view.GetProperty("bankStatementSuffices").GetBoolean().ShouldBe(suffices);
        view.GetProperty("receiptNote").GetString()!.ShouldContain(suffices ? "genügt dem Finanzamt Ihr Kontoauszug" : "genügt Ihr Kontoauszug dem Finanzamt nicht");
        (view.GetProperty("receiptRequestUrl").ValueKind == JsonValueKind.String).ShouldBe(!suffices);
    }

    [Fact]
    public async Task a_donor_without_a_receipt_is_told_the_statement_does_not_suffice_and_the_offered_request_works()
    {
        var (id, url, _) = await PledgeAndPay(50_000, new DateOnly(2022, 1, 10));
        var view = await app.Host.GetAsJson<JsonElement>(url);
        var note = view.GetProperty("receiptNote").GetString()!;
        note.ShouldContain("über 300 €");
        note.ShouldContain("Katastrophenzeitraum vom 15.07.2021 bis 31.12.2021");
        note.ShouldContain("§ 50 Abs. 4 EStDV");
        var request = view.GetProperty("receiptRequestUrl").GetString()!;
        request.ShouldStartWith($"/api/donations/{id}/receipt?token=");

        await app.Host.TrackActivity(TimeSpan.FromSeconds(30)).ExecuteAndWaitAsync((Func<IMessageContext, Task>)(_ => app.Host.Scenario(s =>
        {
            s.Post.Json(new { }).ToUrl(request.Split('?')[0]).QueryString("token", Uri.UnescapeDataString(request.Split("?token=")[1]));
            s.StatusCodeShouldBe(202);
        })));
        var after = await app.Host.GetAsJson<JsonElement>(url);
        after.GetProperty("receiptNumber").GetString().ShouldNotBeNull();
        after.GetProperty("receiptRequestUrl").ValueKind.ShouldBe(JsonValueKind.Null);
        after.GetProperty("receipts").EnumerateArray().Single().GetProperty("amountCents").GetInt64().ShouldBe(50_000);
    }
}
