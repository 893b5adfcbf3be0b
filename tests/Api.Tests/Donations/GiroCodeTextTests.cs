using System.Text.Json;
using System.Text.Json.Nodes;
using Marten;

namespace FlutHilfe.Api.Tests.Donations;

/// <summary>The GiroCode carries only the SEPA character set; appeal texts without a sensible SEPA form are refused.</summary>
public class GiroCodeTextTests(AppFixture app) : IClassFixture<AppFixture>, IAsyncLifetime
{
    public async ValueTask InitializeAsync() => await app.ResetAsync();
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<IScenarioResult> Open(string holder, string title, int status)
    {
        var body = JsonSerializer.SerializeToNode(Requests.OpenAppeal("fluthilfe-2026", "DE02120300000000202051"))!.AsObject();
        body["account"]!["holder"] = holder;
        body["title"] = title;
        return await app.Host.Scenario(s =>
        {
            s.Post.Text(body.ToJsonString()).ToUrl("/api/appeals");
            s.WithRequestHeader("Content-Type", "application/json");
            s.WithBearer(app.Token("treasurer"));
            s.StatusCodeShouldBe(status);
        });
    }

    [Fact]
    public async Task the_qr_code_carries_the_holder_and_title_transliterated_into_the_sepa_character_set()
    {
        await Open("Zweckverband Region Aachen – Flut\u00ADhilfe für Kinder", "„Freude schenken“ – Fluthilfe für Kinder 🌊", 201);
        var pledge = await app.PledgeAsync(new { amountCents = 2500 }, "fluthilfe-2026");

        var png = await app.Host.Scenario(s => s.Get.Url(pledge.GetProperty("qrPngUrl").GetString()!));
        var decoded = QrDecoder.Decode(await png.ReadAsBytesAsync()).ShouldNotBeNull();
        var lines = decoded.Split('\n');
        lines[5].ShouldBe("Zweckverband Region Aachen - Fluthilfe fuer Kinder");
        lines[11].ShouldBe("Spende: 'Freude schenken' - Fluthilfe fuer Kinder");
        decoded.ShouldBe(pledge.GetProperty("epcPayload").GetString());
        decoded.ShouldAllBe(c => char.IsAsciiLetterOrDigit(c) || "/-?:().,'+ \n".Contains(c));

        // People still read the name as written next to the code.
        pledge.GetProperty("payment").GetProperty("beneficiary").GetString().ShouldBe("Zweckverband Region Aachen – Flut\u00ADhilfe für Kinder");
    }

    [Theory]
    [InlineData("account.holder", "救援基金", "Fluthilfe")]
    [InlineData("account.holder", "Zweckverband 🌊", "Fluthilfe")]
    [InlineData("account.holder", "\u00AD\u200B", "Fluthilfe")]
    [InlineData("title", "Region Aachen Zweckverband", "洪水救援")]
    [InlineData("title", "Region Aachen Zweckverband", "🌊🌊🌊")]
    public async Task appeal_texts_that_cannot_be_written_in_the_sepa_character_set_are_refused_naming_the_field(string field, string holder, string title)
    {
        var result = await Open(holder, title, 422);
        (await result.ReadAsJsonAsync<JsonElement>()).GetProperty("field").GetString().ShouldBe(field);
        await using var session = app.Store.QuerySession();
        (await session.Events.QueryAllRawEvents().CountAsync(TestContext.Current.CancellationToken)).ShouldBe(0);
    }
}
