using System.Text.Json;
using Marten;

namespace FlutHilfe.Api.Tests.DemoData;

public sealed class SeededFixture : AppFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["DemoData:Seed"] = "true" };
}

public class DemoSeedingTests(SeededFixture app) : IClassFixture<SeededFixture>
{
    [Fact]
    public async Task the_demo_appeal_and_its_history_are_seeded_once()
    {
        var appeal = await app.Host.GetAsJson<JsonElement>("/api/appeals/freude-schenken-2021");
        appeal.GetProperty("beneficiary").GetProperty("name").GetString().ShouldBe("Region Aachen Zweckverband");
        appeal.GetProperty("municipalities").EnumerateArray().Select(m => m.GetProperty("name").GetString()).ShouldContain("Bad Münstereifel");
        appeal.GetProperty("purposes").GetArrayLength().ShouldBe(3);

        var funds = await app.Host.GetAsJsonAs(app.Token("auditor"), "/api/appeals/freude-schenken-2021/funds");
        funds.EnumerateArray().Sum(f => f.GetProperty("confirmedCents").GetInt64()).ShouldBe(145_100);

        await using var session = app.Store.QuerySession();
        var before = await session.Events.QueryAllRawEvents().CountAsync(TestContext.Current.CancellationToken);

        // A second start of the service on the same database adds nothing.
        await using (await app.StartHostAsync())
        {
        }
        (await session.Events.QueryAllRawEvents().CountAsync(TestContext.Current.CancellationToken)).ShouldBe(before);
    }
}
