namespace FlutHilfe.Api.Tests.Health;

/// <summary>Every response carries nosniff and no-referrer (donor tokens travel in URLs): successes, errors, docs.</summary>
public class SecurityHeaderTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Theory]
    [InlineData("GET", "/health/live", "", 200)]
    [InlineData("GET", "/openapi/v1.json", "", 200)]
    [InlineData("GET", "/api-docs/", "", 200)]
    [InlineData("GET", "/api/appeals/gibt-es-nicht", "", 404)]
    [InlineData("GET", "/api/receipts", "", 401)]
    [InlineData("GET", "/api/receipts?year=abc", "auditor", 400)]
    [InlineData("POST", "/api/appeals/x/donations", "", 404)]
    [InlineData("DELETE", "/api/appeals", "", 405)]
    // An unknown page is the German 404 page, for everyone; unknown API paths stay closed (401 above).
    [InlineData("GET", "/gibt-es-nicht", "", 404)]
    public async Task every_response_carries_nosniff_and_no_referrer(string method, string url, string role, int status)
    {
        var result = await app.Host.Scenario(s =>
        {
            if (method == "POST") s.Post.Json(new { amountCents = 100 }).ToUrl(url);
            else if (method == "DELETE") s.Delete.Url(url);
            else s.Get.Url(url);
            if (role.Length > 0) s.WithBearer(app.Token(role));
            s.StatusCodeShouldBe(status);
        });
        result.Context.Response.Headers.XContentTypeOptions.ToString().ShouldBe("nosniff");
        result.Context.Response.Headers["Referrer-Policy"].ToString().ShouldBe("no-referrer");
    }
}
