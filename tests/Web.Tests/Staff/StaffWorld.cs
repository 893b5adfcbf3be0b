using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Numerics;
using System.Text.Json;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.BankFiles;
using FlutHilfe.TestSupport;
using Microsoft.Playwright;
using Npgsql;

namespace FlutHilfe.Web.Tests.Staff;

/// <summary>
/// The world a staff test needs, made through the JSON API as its clients would (an appeal of its own with its own bank
/// account, pledges, statements), and the browser sign-in of a role. Each test opens its own appeal, so tests that share
/// the host never see each other's money.
/// </summary>
public sealed class StaffWorld(Site site)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public string AppealId { get; } = "staff-" + Guid.NewGuid().ToString("N")[..10];
    public string Iban { get; } = GermanIban();

    public static int ThisYear => Today.Year;

    public async Task OpenAppealAsync()
    {
        await PostAsync(Roles.Treasurer, "/api/appeals", new
        {
            appealId = AppealId,
            title = "Freude schenken",
            description = "Für Kinder in den vom Hochwasser betroffenen Kommunen.",
            beneficiary = new { name = "Region Aachen Zweckverband", address = new { street = "Dennewartstraße 25–27", postalCode = "52068", city = "Aachen", country = "DE" } },
            account = new { iban = Iban, bic = "COBADEFFXXX", holder = "Region Aachen Zweckverband" },
            isDisasterSpecialAccount = true,
            simplifiedProof = new { from = "2021-07-15", to = "2021-12-31" },
            disasterDate = "2021-07-14",
            giftUse = new { passedOn = true, recipient = "die vom Hochwasser betroffenen Städte und Gemeinden der Region" },
            purposes = new[]
            {
                new { id = "kita-schulmaterial", name = "Spiel- und Arbeitsmaterialien für Kitas und Schulen" },
                new { id = "weihnachtsfeiern", name = "Weihnachtsfeiern" },
            },
            municipalities = new[]
            {
                new { id = "stolberg", name = "Stolberg (Rhld.)", district = "StädteRegion Aachen" },
                new { id = "eschweiler", name = "Eschweiler", district = "StädteRegion Aachen" },
            },
            receiptSignatory = "Geschäftsführung",
            proofOfUseDeadline = $"{ThisYear + 2}-12-31",
        });
    }

    /// <summary>A pledge as a donor makes it; the answer carries the reference (RF…) and the donor link.</summary>
    public async Task<Pledge> PledgeAsync(long cents, string? municipalityId = null, string? donorName = null)
    {
        var body = new
        {
            amountCents = cents,
            earmarks = municipalityId is null ? null : new[] { new { municipalityId, amountCents = cents } },
            donor = donorName is null ? null : new { name = donorName, street = "Kaiserplatz 1", postalCode = "52062", city = "Aachen", country = "DE" },
            receiptWanted = donorName is not null,
        };
        var answer = await PostAsync(null, $"/api/appeals/{AppealId}/donations", body);
        return new Pledge(answer.GetProperty("donationId").GetGuid(), answer.GetProperty("reference").GetString()!, answer.GetProperty("donorUrl").GetString()!);
    }

    /// <summary>A pledge with a body of the test's own (e.g. no receipt wanted, or no postal address).</summary>
    public async Task<Pledge> PledgeAsync(object body)
    {
        var answer = await PostAsync(null, $"/api/appeals/{AppealId}/donations", body);
        return new Pledge(answer.GetProperty("donationId").GetGuid(), answer.GetProperty("reference").GetString()!, answer.GetProperty("donorUrl").GetString()!);
    }

    public async Task<string> DonationStatusAsync(Pledge pledge)
    {
        using var client = new HttpClient();
        var view = await client.GetFromJsonAsync<JsonElement>(site.Url(pledge.DonorUrl), Ct);
        return view.GetProperty("status").GetString()!;
    }

    /// <summary>A camt.053.001.08 statement of this appeal's account, booked today.</summary>
    public byte[] Statement(string statementId, params GeneratedCredit[] bookings)
        => CamtWriter.Write053v08(statementId, Iban, bookings);

    /// <summary>Today in Germany (the service's calendar: a day ends at midnight Berlin time, not UTC).</summary>
    public static DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeBySystemTimeZoneId(DateTime.UtcNow, "Europe/Berlin"));

    public async Task ImportAsync(byte[] statement)
    {
        using var client = Client(Roles.Treasurer);
        using var content = new ByteArrayContent(statement);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
        var response = await client.PostAsync(site.Url("/api/bank-statements"), content, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
    }

    public async Task<Guid> AllocateAsync(string municipalityId, long cents, string decisionReference)
    {
        var answer = await PostAsync(Roles.Treasurer, $"/api/appeals/{AppealId}/allocations",
            new { municipalityId, amountCents = cents, decisionReference, decidedOn = Today.ToString("yyyy-MM-dd") });
        return answer.GetProperty("allocationId").GetGuid();
    }

    /// <summary>Receipts of this year issued for the given donations (issued in the background after the money arrived).</summary>
    public async Task<IReadOnlyList<JsonElement>> ReceiptsAsync()
    {
        using var client = Client(Roles.Auditor);
        var register = await client.GetFromJsonAsync<JsonElement>(site.Url($"/api/receipts?year={ThisYear}"), Ct);
        return register.GetProperty("receipts").EnumerateArray().ToList();
    }

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds; background handlers (receipts) take a moment.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("Waited 30 s for " + what);
            await Task.Delay(200, Ct);
        }
    }

    /// <summary>The sequence number of the last event recorded so far.</summary>
    public async Task<long> LastSequenceAsync()
    {
        await using var connection = new NpgsqlConnection(SiteHost.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand($"select coalesce(max(seq_id), 0) from {site.Host.Schema}.mt_events", connection);
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }

    /// <summary>
    /// Moves the events recorded after <paramref name="afterSequence"/> (this test's) <paramref name="days"/> days into the
    /// past. The store stamps every event with the database clock when it learns of it ("as known on"), so a test cannot
    /// otherwise have a history older than its own run; auditors' as-of figures need one.
    /// </summary>
    public async Task RecordedEarlierAsync(long afterSequence, int days)
    {
        await using var connection = new NpgsqlConnection(SiteHost.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(
            $"update {site.Host.Schema}.mt_events set timestamp = timestamp - make_interval(days => @days) where seq_id > @after", connection);
        command.Parameters.AddWithValue("days", days);
        command.Parameters.AddWithValue("after", afterSequence);
        await command.ExecuteNonQueryAsync(Ct);
    }

    private HttpClient Client(string? role, string? municipalityId = null)
    {
        var client = new HttpClient();
        if (role is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", site.Host.Token(role, municipalityId));
        return client;
    }

    /// <summary>A transfer to Stolberg ordered for the next payment file; answers its EndToEndId.</summary>
    public async Task<string> OrderDisbursementAsync(Guid allocationId, long cents)
    {
        var answer = await PostAsync(Roles.Treasurer, $"/api/allocations/{allocationId}/disbursement-orders", new
        {
            amountCents = cents, payee = new { iban = "DE02120300000000202051", holder = "Stadt Stolberg (Rhld.)" }, remittanceText = "Zuweisung SI/2021/120",
        });
        return answer.GetProperty("disbursementOrders").EnumerateArray().Last().GetProperty("endToEndId").GetString()!;
    }

    /// <summary>A spending item as the municipality's clerk reports it through the API (no voucher).</summary>
    public async Task ReportSpendingAsync(Guid allocationId, long cents, string voucherNumber)
        => await PostAsync(Roles.Municipality, $"/api/allocations/{allocationId}/spending", new
        {
            date = Today.ToString("yyyy-MM-dd"), payee = "Spielwaren Becker GmbH", payeeIsOrganisation = true, reason = "Bastelmaterial",
            purposeId = "kita-schulmaterial", amountCents = cents, voucherNumber,
        }, "stolberg");

    public async Task<JsonElement> PostAsync(string? role, string path, object body, string? municipalityId = null)
    {
        using var client = Client(role, municipalityId);
        var response = await client.PostAsJsonAsync(site.Url(path), body, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        response.IsSuccessStatusCode.ShouldBeTrue($"POST {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>A valid German IBAN of a made-up account (ISO 13616 check digits).</summary>
    private static string GermanIban()
    {
        var bban = "37040044" + Random.Shared.NextInt64(1_000_000_000, 9_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var check = 98 - (int)(BigInteger.Parse(bban + "131400", System.Globalization.CultureInfo.InvariantCulture) % 97);
        return $"DE{check:00}{bban}";
    }

    /// <summary>Follows a link of the main navigation (what the signed-in role may use).</summary>
    public static async Task NavigateAsync(IPage page, string label)
    {
        await page.Locator("nav.main-nav").GetByRole(AriaRole.Link, new() { Name = label, Exact = true }).ClickToLoadAsync();
    }

    /// <summary>Signs the browser in with the Development role picker, as a person would.</summary>
    public static async Task SignInAsync(Visitor visitor, string role, string? municipalityName = null)
    {
        var page = visitor.Page;
        await visitor.GoAsync("/anmelden/entwicklung");
        var label = role switch { Roles.Treasurer => "Kasse", Roles.Municipality => "Kommune", _ => "Prüfung" };
        await page.GetByRole(AriaRole.Radio, new() { Name = label }).CheckAsync();
        if (municipalityName is not null) await page.GetByLabel("Kommune (nur für die Rolle Kommune)").SelectOptionAsync(new SelectOptionValue { Label = municipalityName });
        await page.GetByRole(AriaRole.Button, new() { Name = "Anmelden", Exact = true }).ClickToLoadAsync();
        await page.WaitForURLAsync("**/intern");
    }
}

public sealed record Pledge(Guid DonationId, string Reference, string DonorUrl);
