using System.Text.Json;
using FlutHilfe.Api.Audit.Verification;
using FlutHilfe.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace FlutHilfe.Api.Tests.Donors;

public sealed class PersonalDataFixture : AppFixture
{
    public ShiftableClock Clock { get; } = new();

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["PersonalData:RetentionRunInterval"] = "00:00:00" };

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);
}

/// <summary>
/// Erasure by crypto-shredding as far as retention allows (DESIGN §9; issue 16): on the donor's request through the donor
/// link, by the treasury, and by the retention run once the ten years of the receipts and bookings have passed; every
/// amount stays replayable and verification still passes; the Art. 15 export shows what is held.
/// </summary>
public class PersonalDataTests(PersonalDataFixture app) : IClassFixture<PersonalDataFixture>, IAsyncLifetime
{
    private const string Name = "Zoë Quellenbrunn-Xylander";
    private const string Email = "zoe.quellenbrunn@example.org";
    private const string PayerIban = "DE75512108001245126199";
    private static readonly object Donor = new { name = Name, street = "Xylophonweg 7", postalCode = "52062", city = "Aachen", country = "DE", email = Email };

    public async ValueTask InitializeAsync()
    {
        app.Clock.Reset();
        await app.ResetAsync();
        await app.OpenAppealAsync();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private string Treasurer => app.Token("treasurer");

    private async Task<JsonElement> PostAsync(string url, string? token, int status = 200)
        => await (await app.Host.Scenario(s =>
        {
            // The donor page's button posts a form without a body; the staff API takes an empty JSON object.
            if (token is not null)
            {
                s.Post.Json(new { }).ToUrl(url);
                s.WithBearer(token);
            }
            else s.Post.Url(url);
            s.StatusCodeShouldBe(status);
        })).ReadAsJsonAsync<JsonElement>();

    private async Task<JsonElement> ExportAsync(Guid donorId, int status = 200)
        => await (await app.Host.Scenario(s => { s.Get.Url($"/api/donors/{donorId}/export"); s.WithBearer(Treasurer); s.StatusCodeShouldBe(status); }))
            .ReadAsJsonAsync<JsonElement>();

    private async Task<long> CountAsync(string table, string where)
        => await Audit.AuditHistory.ScalarAsync<long>($"select count(*) from {app.Schema}.{table} where {where}");

    private static (Guid DonationId, string Token) Link(JsonElement pledge)
    {
        var url = pledge.GetProperty("donorUrl").GetString()!;
        return (pledge.GetProperty("donationId").GetGuid(), Uri.UnescapeDataString(url[(url.IndexOf("token=", StringComparison.Ordinal) + 6)..]));
    }

    private async Task<Guid> DonorIdOfAsync(Guid donationId)
        => await Audit.AuditHistory.ScalarAsync<Guid>($"select (data->>'donorId')::uuid from {app.Schema}.mt_doc_donation where id = '{donationId}'");

    [Fact]
    public async Task a_donor_nothing_binds_is_erased_completely_on_their_own_request_and_once()
    {
        var (donationId, token) = Link(await app.PledgeAsync(new { amountCents = 5_000, donor = Donor }));
        var donorId = await DonorIdOfAsync(donationId);
        (await ExportAsync(donorId)).GetProperty("profile").GetProperty("email").GetString().ShouldBe(Email);

        // A wrong token reveals nothing and erases nothing.
        await PostAsync($"/api/donations/{donationId}/erasure?token=wrong", null, 404);
        (await CountAsync("mt_doc_donorkey", $"id = '{donorId}'")).ShouldBe(1);

        var erased = await PostAsync($"/api/donations/{donationId}/erasure?token={Uri.EscapeDataString(token)}", null);
        erased.GetProperty("erased").GetString().ShouldBe("Everything");
        erased.GetProperty("message").GetString().ShouldBe("Alle personenbezogenen Daten wurden gelöscht.");
        (await CountAsync("mt_doc_donorkey", $"id = '{donorId}'")).ShouldBe(0);
        (await CountAsync("mt_doc_sealeddonorprofile", $"id = '{donorId}'")).ShouldBe(0);

        // Asked again: nothing more to erase, no second fact.
        (await PostAsync($"/api/donations/{donationId}/erasure?token={Uri.EscapeDataString(token)}", null)).GetProperty("erased").ValueKind.ShouldBe(JsonValueKind.Null);
        (await CountAsync("mt_events", "type = 'donor_data_erased'")).ShouldBe(1);

        var export = await ExportAsync(donorId);
        export.GetProperty("profile").ValueKind.ShouldBe(JsonValueKind.Null);
        export.GetProperty("donations").EnumerateArray().Single().GetProperty("pledgedCents").GetInt64().ShouldBe(5_000);
        export.GetProperty("erasures").EnumerateArray().Single().GetProperty("reason").GetString().ShouldBe("donor-request");
        export.GetRawText().ShouldNotContain(Email);
    }

    [Fact]
    public async Task receipts_and_bookings_keep_the_bound_data_ten_years_then_the_retention_run_erases_it_and_verification_passes()
    {
        var pledge = await app.PledgeAsync(new { amountCents = 30_000, receiptWanted = true, donor = Donor });
        var (donationId, _) = Link(pledge);
        var donorId = await DonorIdOfAsync(donationId);
        await app.ImportAsync(CamtWriter.Write053v08("E1", Requests.AppealIban,
            [new GeneratedCredit(30_000, new DateOnly(2021, 11, 20), DebtorName: "Zoe Quellenbrunn", DebtorIban: PayerIban, StructuredReference: pledge.GetProperty("reference").GetString())]));
        await Audit.AuditHistory.CaughtUpAsync(app);
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            while (await CountAsync("mt_doc_storedreceiptpdf", "true") == 0) await Task.Delay(50, timeout.Token);
        var number = await Audit.AuditHistory.ScalarAsync<string>($"select data->>'number' from {app.Schema}.mt_doc_receipt limit 1");
        var issuedYear = int.Parse(number[..4], System.Globalization.CultureInfo.InvariantCulture);

        // Art. 15: everything held, readable.
        var before = await ExportAsync(donorId);
        before.GetProperty("profile").GetProperty("name").GetString().ShouldBe(Name);
        var payment = before.GetProperty("donations").EnumerateArray().Single().GetProperty("payments").EnumerateArray().Single();
        payment.GetProperty("payerIban").GetString().ShouldBe(PayerIban);
        before.GetProperty("receipts").EnumerateArray().Single().GetProperty("number").GetString().ShouldBe(number);

        // The retention run leaves a donor alone whose data is still bound and who asked for nothing.
        (await PostAsync("/api/personal-data/retention-run", Treasurer)).GetProperty("donorsErased").GetInt32().ShouldBe(0);
        (await CountAsync("mt_doc_sealeddonorprofile", $"id = '{donorId}'")).ShouldBe(1);

        // The treasury erases on the donor's behalf: the profile goes, the receipt and the booking stay, bound by tax law.
        var erased = await PostAsync($"/api/donors/{donorId}/erasure", Treasurer);
        erased.GetProperty("erased").GetString().ShouldBe("Profile");
        var keptUntil = new DateOnly(Math.Max(issuedYear, 2021) + 10, 12, 31);
        erased.GetProperty("keptUntil").GetString().ShouldBe(keptUntil.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        erased.GetProperty("message").GetString()!.ShouldContain($"bis {keptUntil:dd.MM.yyyy}");
        (await CountAsync("mt_doc_sealeddonorprofile", $"id = '{donorId}'")).ShouldBe(0);
        (await CountAsync("mt_doc_donorkey", $"id = '{donorId}'")).ShouldBe(1);
        (await CountAsync("mt_doc_payerdetails", "true")).ShouldBe(1);
        PdfPages.Text(await ReceiptPdfAsync(number))[0].ShouldContain(Name);

        // The retention run before the end of the period erases nothing.
        (await PostAsync("/api/personal-data/retention-run", Treasurer)).GetProperty("donorsErased").GetInt32().ShouldBe(0);

        // On 1 January after the tenth year the run erases the rest: key, payer details, stored copy.
        app.Clock.Advance(keptUntil.AddDays(1).ToDateTime(TimeOnly.MinValue) - DateTime.UtcNow.Date);
        (await PostAsync("/api/personal-data/retention-run", Treasurer)).GetProperty("donorsErased").GetInt32().ShouldBe(1);
        (await CountAsync("mt_doc_donorkey", $"id = '{donorId}'")).ShouldBe(0);
        (await CountAsync("mt_doc_payerdetails", "true")).ShouldBe(0);
        (await CountAsync("mt_doc_storedreceiptpdf", "true")).ShouldBe(0);
        (await PostAsync("/api/personal-data/retention-run", Treasurer)).GetProperty("donorsErased").GetInt32().ShouldBe(0);

        // Every amount is still there; the receipt renders without the person; the log verifies unchanged.
        var after = await ExportAsync(donorId);
        after.GetRawText().ShouldNotContain(Name);
        after.GetRawText().ShouldNotContain(PayerIban);
        after.GetProperty("donations").EnumerateArray().Single().GetProperty("payments").EnumerateArray().Single().GetProperty("amountCents").GetInt64().ShouldBe(30_000);
        after.GetProperty("erasures").GetArrayLength().ShouldBe(2);
        var text = PdfPages.Text(await ReceiptPdfAsync(number))[0];
        text.ShouldNotContain(Name);
        text.ShouldContain("dreihundert Euro");
        var output = new StringWriter();
        (await AuditCommand.RunAsync(app.Host.Services, AuditAction.Verify, null, output, TestContext.Current.CancellationToken)).ShouldBeTrue(output.ToString());
    }

    [Fact]
    public async Task an_unbound_donors_data_is_erased_by_the_retention_run_after_the_profile_retention()
    {
        var (donationId, _) = Link(await app.PledgeAsync(new { amountCents = 2_000, donor = Donor }));
        var donorId = await DonorIdOfAsync(donationId);
        app.Clock.Advance(TimeSpan.FromDays(729));
        (await PostAsync("/api/personal-data/retention-run", Treasurer)).GetProperty("donorsErased").GetInt32().ShouldBe(0);
        (await CountAsync("mt_doc_sealeddonorprofile", $"id = '{donorId}'")).ShouldBe(1);

        // 730 days (PersonalData:ProfileRetentionDays) after the pledge, nothing binds the profile any more.
        app.Clock.Advance(TimeSpan.FromDays(2));
        (await PostAsync("/api/personal-data/retention-run", Treasurer)).GetProperty("donorsErased").GetInt32().ShouldBe(1);
        (await CountAsync("mt_doc_donorkey", $"id = '{donorId}'")).ShouldBe(0);
        (await ExportAsync(donorId)).GetProperty("erasures").EnumerateArray().Single().GetProperty("reason").GetString().ShouldBe("retention-expired");
    }

    [Fact]
    public async Task an_unknown_donor_is_a_404_problem()
    {
        await PostAsync($"/api/donors/{Guid.NewGuid()}/erasure", Treasurer, 404);
        await ExportAsync(Guid.NewGuid(), 404);
    }

    private async Task<byte[]> ReceiptPdfAsync(string number)
        => await (await app.Host.Scenario(s => { s.Get.Url($"/api/receipts/{number}.pdf"); s.WithBearer(app.Token("auditor")); s.StatusCodeShouldBeOk(); })).ReadAsBytesAsync();
}
