using System.Net;
using FlutHilfe.Web.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace FlutHilfe.Web.Tests.Hosting;

/// <summary>Hosts of their own: Production without an authority, and an OIDC authority on a local fake.</summary>
public sealed class SignInOutsideDevelopmentTests
{
    private static readonly Dictionary<string, string?> ProductionSettings = new()
    {
        ["PublicBaseUrl"] = "https://spenden.example.org",
        ["Receipts:TaxOfficeNoticeDate"] = "2021-11-15",
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static HttpClient Client() => new(new HttpClientHandler { AllowAutoRedirect = false });

    [Fact]
    public async Task outside_development_the_role_picker_does_not_exist()
    {
        await using var host = new SiteHost("Production", ProductionSettings);
        await host.StartAsync();
        using var client = Client();
        (await client.GetAsync(host.BaseUrl + "/anmelden/entwicklung", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.PostAsync(host.BaseUrl + "/anmelden/entwicklung", new FormUrlEncodedContent([new("Role", "treasurer")]), Ct))
            .StatusCode.ShouldBeOneOf(HttpStatusCode.NotFound, HttpStatusCode.BadRequest);
        (await client.GetAsync(host.BaseUrl + "/anmelden", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var staff = await client.GetAsync(host.BaseUrl + "/intern", Ct);
        staff.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        staff.Headers.Location!.ToString().ShouldNotContain("entwicklung");
    }

    [Fact]
    public async Task with_an_authority_a_staff_page_sends_the_browser_to_it_with_pkce()
    {
        await using var authority = await FakeAuthority.StartAsync();
        await using var host = new SiteHost("Development", new Dictionary<string, string?>
        {
            ["Auth:Authority"] = authority.Url,
            ["Auth:ClientId"] = "fluthilfe-seiten",
        });
        await host.StartAsync();
        using var client = Client();
        var staff = await client.GetAsync(host.BaseUrl + "/intern", Ct);
        staff.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var location = staff.Headers.Location!.ToString();
        location.ShouldStartWith(authority.Url + "/authorize?");
        location.ShouldContain("client_id=fluthilfe-seiten");
        location.ShouldContain("code_challenge_method=S256");
        location.ShouldContain("response_type=code");
        // The page CSP lets a sign-out form redirect to the authority, and nowhere else.
        var page = await client.GetAsync(host.BaseUrl + "/", Ct);
        page.Headers.GetValues("Content-Security-Policy").Single().ShouldContain("form-action 'self' " + authority.Url);
    }

    /// <summary>An OIDC discovery document on 127.0.0.1, enough for the challenge (no tokens are issued).</summary>
    private sealed class FakeAuthority : IAsyncDisposable
    {
        private readonly WebApplication _app;
        public string Url { get; }

        private FakeAuthority(WebApplication app, string url)
        {
            _app = app;
            Url = url;
        }

        public static async Task<FakeAuthority> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            app.MapGet("/.well-known/openid-configuration", (HttpContext c) =>
            {
                var issuer = $"http://{c.Request.Host}";
                return Results.Json(new Dictionary<string, object>
                {
                    ["issuer"] = issuer,
                    ["authorization_endpoint"] = issuer + "/authorize",
                    ["token_endpoint"] = issuer + "/token",
                    ["end_session_endpoint"] = issuer + "/logout",
                    ["jwks_uri"] = issuer + "/jwks",
                    ["response_types_supported"] = new[] { "code" },
                    ["subject_types_supported"] = new[] { "public" },
                    ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
                    ["code_challenge_methods_supported"] = new[] { "S256" },
                });
            });
            app.MapGet("/jwks", () => Results.Json(new { keys = Array.Empty<object>() }));
            await app.StartAsync();
            return new FakeAuthority(app, app.Urls.First().TrimEnd('/'));
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
