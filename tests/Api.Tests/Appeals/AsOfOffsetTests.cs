using System.Text.Json;

namespace FlutHilfe.Api.Tests.Appeals;

/// <summary>
/// <c>asOf</c> is any ISO 8601 instant, also with an offset (German time, "+01:00"): the same instant as in UTC, never a
/// 500 (PostgreSQL takes instants only in UTC).
/// </summary>
public class AsOfOffsetTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Theory]
    [InlineData("/api/appeals/freude-schenken-2021/totals")]
    [InlineData("/api/appeals/freude-schenken-2021/funds")]
    [InlineData("/api/municipalities/stolberg/balance")]
    public async Task an_instant_with_an_offset_reads_like_the_same_instant_in_utc(string path)
    {
        await app.ResetAsync();
        await app.OpenAppealAsync();
        var utc = await app.Host.GetAsJsonAs(app.Token("auditor"), path + "?asOf=" + Uri.EscapeDataString("2021-12-01T11:00:00Z"));
        var german = await app.Host.GetAsJsonAs(app.Token("auditor"), path + "?asOf=" + Uri.EscapeDataString("2021-12-01T12:00:00+01:00"));
        JsonSerializer.Serialize(german).ShouldBe(JsonSerializer.Serialize(utc));
    }
}
