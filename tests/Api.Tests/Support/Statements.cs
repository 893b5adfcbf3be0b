using System.Text.Json;

namespace FlutHilfe.Api.Tests.Support;

public static class Statements
{
    public static async Task<IScenarioResult> PostStatementAsync(this AppFixture app, byte[] body, string contentType = "application/xml", int? status = 200)
    {
        return await app.Host.Scenario(s =>
        {
            s.Post.Url("/api/bank-statements");
            s.ConfigureHttpContext(c =>
            {
                c.Request.Body = new MemoryStream(body);
                c.Request.ContentLength = body.Length;
                c.Request.ContentType = contentType;
            });
            s.WithBearer(app.Token("treasurer"));
            if (status is { } code) s.StatusCodeShouldBe(code);
            else s.IgnoreStatusCode();
        });
    }

    public static async Task<JsonElement> ImportAsync(this AppFixture app, byte[] body, string contentType = "application/xml")
        => await (await app.PostStatementAsync(body, contentType)).ReadAsJsonAsync<JsonElement>();

    public static async Task<JsonElement> PledgeAsync(this AppFixture app, object body, string appealId = Requests.AppealId)
    {
        var result = await app.Host.Scenario(s =>
        {
            s.Post.Json(body).ToUrl($"/api/appeals/{appealId}/donations");
            s.StatusCodeShouldBe(201);
        });
        return await result.ReadAsJsonAsync<JsonElement>();
    }
}
