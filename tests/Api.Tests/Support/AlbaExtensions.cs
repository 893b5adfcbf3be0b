using Alba;

namespace FlutHilfe.Api.Tests.Support;

public static class AlbaExtensions
{
    public static void WithBearer(this Scenario scenario, string token)
        => scenario.WithRequestHeader("Authorization", "Bearer " + token);

    public static async Task<byte[]> ReadAsBytesAsync(this IScenarioResult result)
    {
        var body = result.Context.Response.Body;
        if (body.CanSeek) body.Position = 0;
        using var copy = new MemoryStream();
        await body.CopyToAsync(copy);
        return copy.ToArray();
    }
}

public static class AlbaReadExtensions
{
    public static async Task<System.Text.Json.JsonElement> GetAsJsonAs(this IAlbaHost host, string token, string url)
        => await (await host.Scenario(s =>
        {
            s.Get.Url(url);
            s.WithBearer(token);
            s.StatusCodeShouldBeOk();
        })).ReadAsJsonAsync<System.Text.Json.JsonElement>();
}
