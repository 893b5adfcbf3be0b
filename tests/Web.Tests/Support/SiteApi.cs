using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FlutHilfe.TestSupport;

namespace FlutHilfe.Web.Tests.Support;

/// <summary>What staff do through the JSON API while a browser test plays the donor (the staff pages come later).</summary>
public sealed class SiteApi(SiteHost host) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(host.BaseUrl) };
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async Task<JsonElement> SendAsync(string path, object body, string role, string? municipality = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", host.Token(role, municipality));
        using var response = await _http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        response.IsSuccessStatusCode.ShouldBeTrue($"POST {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public Task OpenAppealAsync(string appealId, string iban) => SendAsync("/api/appeals", new
    {
        appealId,
        title = "Freude schenken",
        description = "Für Kinder in den vom Hochwasser im Juli 2021 betroffenen Kommunen: Spiel- und Arbeitsmaterialien, Weihnachtsfeiern, gemeinsame Ausflüge.",
        beneficiary = new { name = "Region Aachen Zweckverband", address = new { street = "Dennewartstraße 25–27", postalCode = "52068", city = "Aachen", country = "DE" } },
        account = new { iban, bic = "COBADEFFXXX", holder = "Region Aachen Zweckverband" },
        isDisasterSpecialAccount = true,
        simplifiedProof = new { from = "2021-07-15", to = "2021-12-31" },
        disasterDate = "2021-07-14",
        giftUse = new { passedOn = true, recipient = "die vom Hochwasser im Juli 2021 betroffenen Städte und Gemeinden" },
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
        proofOfUseDeadline = "2022-12-31",
    }, "treasurer");

    public async Task<JsonElement> ImportAsync(string iban, params GeneratedCredit[] credits)
    {
        var xml = CamtWriter.Write053v08("S-" + Guid.NewGuid().ToString("N")[..8], iban, credits);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/bank-statements") { Content = new ByteArrayContent(xml) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", host.Token("treasurer"));
        using var response = await _http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        response.IsSuccessStatusCode.ShouldBeTrue($"import: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task<byte[]> GetBytesAsync(string path) => await _http.GetByteArrayAsync(path, Ct);

    public void Dispose() => _http.Dispose();
}
