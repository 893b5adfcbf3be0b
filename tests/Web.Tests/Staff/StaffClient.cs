using System.Net;
using System.Text.RegularExpressions;
using FlutHilfe.Api.Infrastructure.Auth;

namespace FlutHilfe.Web.Tests.Staff;

/// <summary>A browser without a browser: cookies, no redirects followed, signed in through the Development role picker.</summary>
public sealed partial class StaffClient : IDisposable
{
    private readonly Site _site;
    private readonly HttpClient _client;

    private StaffClient(Site site)
    {
        _site = site;
        _client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() });
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static StaffClient Anonymous(Site site) => new(site);

    public static async Task<StaffClient> SignedInAsync(Site site, string role, string? municipalityId = null)
    {
        var client = new StaffClient(site);
        var form = await client.FormAsync("/anmelden/entwicklung");
        var signIn = await client.PostAsync("/anmelden/entwicklung", form.Token, new() { ["Role"] = role, ["MunicipalityId"] = municipalityId ?? "" });
        signIn.StatusCode.ShouldBe(HttpStatusCode.Redirect, $"sign-in as {role}");
        return client;
    }

    public Task<HttpResponseMessage> GetAsync(string path) => _client.GetAsync(_site.Url(path), Ct);

    /// <summary>A page with a form: its HTML and the antiforgery token the form carries.</summary>
    public async Task<(string Html, string Token)> FormAsync(string path)
    {
        var response = await GetAsync(path);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, path);
        var html = await response.Content.ReadAsStringAsync(Ct);
        return (html, AntiforgeryToken().Match(html).Groups[1].Value);
    }

    public async Task<HttpResponseMessage> PostAsync(string path, string token, Dictionary<string, string> fields)
    {
        var content = new FormUrlEncodedContent(fields.Append(new("__formular", token)));
        return await _client.PostAsync(_site.Url(path), content, Ct);
    }

    /// <summary>The value of a hidden input of the page.</summary>
    public static string Hidden(string html, string name)
        => Regex.Match(html, $"<input type=\"hidden\" name=\"{Regex.Escape(name)}\" value=\"([^\"]*)\"").Groups[1].Value;

    [GeneratedRegex("name=\"__formular\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    public void Dispose() => _client.Dispose();
}
