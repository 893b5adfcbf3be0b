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
