using System.Net;
using FlutHilfe.Api.Infrastructure.Auth;

namespace FlutHilfe.Web.Tests.Hosting;

/// <summary>How the pages sit beside the API in one host: schemes by path, CSP, local assets.</summary>
[Collection(SiteCollection.Name)]
public sealed class PageHostingTests(Site site)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static HttpClient Client() => new(new HttpClientHandler { AllowAutoRedirect = false });

    [Fact]
    public async Task the_api_answers_401_without_a_token_while_a_page_redirects_to_the_sign_in()
    {
        using var client = Client();
        var api = await client.GetAsync(site.Url("/api/notices"), Ct);
        api.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        api.Headers.Location.ShouldBeNull();

        var page = await client.GetAsync(site.Url("/intern"), Ct);
        page.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        page.Headers.Location!.ToString().ShouldStartWith(site.Url("/anmelden?ReturnUrl="));

        // The bearer token still opens the API; it does not open pages by accident through a cookie.
        using var withToken = new HttpRequestMessage(HttpMethod.Get, site.Url("/api/notices"));
        withToken.Headers.Authorization = new("Bearer", site.Host.Token(Roles.Treasurer));
        (await client.SendAsync(withToken, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task pages_carry_a_content_security_policy_without_inline_script_and_assets_are_local()
    {
        using var client = Client();
        var page = await client.GetAsync(site.Url("/"), Ct);
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        var csp = page.Headers.GetValues("Content-Security-Policy").Single();
        csp.ShouldContain("script-src 'self'");
        csp.ShouldContain("style-src 'self'");
        csp.ShouldNotContain("unsafe-inline");
        csp.ShouldNotContain("unsafe-eval");
        var html = await page.Content.ReadAsStringAsync(Ct);
        html.ShouldNotContain("<script>");
        html.ShouldNotContain("style=\"");
        html.ShouldNotContain("https://");

        var htmx = await client.GetAsync(site.Url("/js/htmx.min.js"), Ct);
        htmx.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await htmx.Content.ReadAsStringAsync(Ct)).ShouldContain("htmx");
        (await client.GetStringAsync(site.Url("/js/htmx.LICENSE.txt"), Ct)).ShouldContain("Zero-Clause BSD");

        // The API keeps its own headers (no page CSP on JSON).
        (await client.GetAsync(site.Url("/api/appeals"), Ct)).Headers.Contains("Content-Security-Policy").ShouldBeFalse();
    }

    [Fact]
    public async Task an_unknown_page_is_a_german_404_page()
    {
        using var client = Client();
        var missing = await client.GetAsync(site.Url("/gibt-es-nicht"), Ct);
        missing.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await missing.Content.ReadAsStringAsync(Ct)).ShouldContain("Seite nicht gefunden");
        // The API's 404 stays a problem.
        var api = await client.GetAsync(site.Url("/api/appeals/gibt-es-nicht"), Ct);
        api.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }
}
