using System.Text.Json;
using FlutHilfe.TestSupport;
using JasperFx.Events.Daemon;
using Marten;
using Marten.Events;

namespace FlutHilfe.Api.Tests.Appeals;

/// <summary>
/// The public figures are served from memory between changes (src/Api/Infrastructure/PublicCaching): each test reads a
/// figure first (so it is cached), changes the store, and expects the change once it is projected.
/// </summary>
public class PublicCachingTests(AppFixture app) : IClassFixture<AppFixture>, IAsyncLifetime
{
    private const string Totals = "/api/appeals/freude-schenken-2021/totals";

    public async ValueTask InitializeAsync()
    {
        await app.ResetAsync();
        await app.OpenAppealAsync();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<(int Status, string? ETag, JsonElement? Body)> Get(string url, string? ifNoneMatch = null)
    {
        var result = await app.Host.Scenario(s =>
        {
            s.Get.Url(url);
            if (ifNoneMatch is not null) s.WithRequestHeader("If-None-Match", ifNoneMatch);
            s.IgnoreStatusCode();
        });
        var status = result.Context.Response.StatusCode;
        var etag = result.Context.Response.Headers.ETag.ToString();
        return (status, etag.Length == 0 ? null : etag, status == 200 ? await result.ReadAsJsonAsync<JsonElement>() : null);
    }

    private static object Pledge(long cents) => new { amountCents = cents };

    [Fact]
    public async Task the_public_totals_count_a_pledge_once_it_is_projected()
    {
        var before = await Get(Totals);
        before.Body!.Value.GetProperty("pledges").GetInt32().ShouldBe(0);
        (await Get(Totals)).Body!.Value.GetProperty("pledges").GetInt32().ShouldBe(0);

        await app.PledgeAsync(Pledge(2_500));
        // Read while the async daemon may still be behind: what is served now must not outlive the projection's commit.
        await Get(Totals);
        await app.CatchUpAsync();

        var after = (await Get(Totals)).Body!.Value;
        after.GetProperty("pledges").GetInt32().ShouldBe(1);
        after.GetProperty("pledgedCents").GetInt64().ShouldBe(2_500);
    }

    [Fact]
    public async Task a_client_with_the_current_etag_gets_304_until_the_figures_change()
    {
        var first = await Get(Totals);
        first.Status.ShouldBe(200);
        first.ETag.ShouldNotBeNull();

        var again = await Get(Totals, first.ETag);
        again.Status.ShouldBe(304);
        again.Body.ShouldBeNull();
        (await Get(Totals, "\"something-else\"")).Status.ShouldBe(200);

        await app.PledgeAsync(Pledge(1_000));
        await app.CatchUpAsync();

        var changed = await Get(Totals, first.ETag);
        changed.Status.ShouldBe(200);
        changed.ETag.ShouldNotBe(first.ETag);
        changed.Body!.Value.GetProperty("pledges").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task the_appeal_json_and_page_show_a_change_of_the_appeal_at_once()
    {
        const string Page = "/aufrufe/freude-schenken-2021";
        (await Get("/api/appeals/freude-schenken-2021")).Body!.Value.GetProperty("isClosed").GetBoolean().ShouldBeFalse();
        (await (await app.Host.Scenario(s => s.Get.Url(Page))).ReadAsTextAsync()).ShouldNotContain("Dieser Spendenaufruf ist abgeschlossen");

        await app.Host.Scenario(s =>
        {
            s.Post.Json(new { reason = "Aufruf beendet" }).ToUrl("/api/appeals/freude-schenken-2021/close");
            s.WithBearer(app.Token("treasurer"));
            s.StatusCodeShouldBeOk();
        });

        // The appeal is an inline snapshot: it changed with the command's own commit, nothing to wait for.
        (await Get("/api/appeals/freude-schenken-2021")).Body!.Value.GetProperty("isClosed").GetBoolean().ShouldBeTrue();
        (await (await app.Host.Scenario(s => s.Get.Url(Page))).ReadAsTextAsync()).ShouldContain("Dieser Spendenaufruf ist abgeschlossen");
        (await (await app.Host.Scenario(s => s.Get.Url("/"))).ReadAsTextAsync()).ShouldContain("Dieser Spendenaufruf ist abgeschlossen");
    }

    [Fact]
    public async Task replays_and_unknown_appeals_are_not_kept()
    {
        (await Get("/api/appeals/no-such-appeal/totals")).Status.ShouldBe(404);
        var replay = await Get(Totals + "?asOf=" + Uri.EscapeDataString(DateTimeOffset.UtcNow.AddSeconds(-1).ToString("O")));
        replay.Status.ShouldBe(200);
        replay.ETag.ShouldBeNull();
    }
}
