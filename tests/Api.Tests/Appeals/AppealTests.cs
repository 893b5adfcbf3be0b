using System.Text.Json;
using System.Text.Json.Nodes;
using FlutHilfe.Domain.Appeals.Opening;
using Marten;

namespace FlutHilfe.Api.Tests.Appeals;

public class AppealTests(AppFixture app) : IClassFixture<AppFixture>, IAsyncLifetime
{
    public async ValueTask InitializeAsync() => await app.ResetAsync();
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task treasurer_opens_an_appeal_and_the_public_reads_it()
    {
        await app.OpenAppealAsync();

        var list = await app.Host.GetAsJson<JsonElement>("/api/appeals");
        list.GetArrayLength().ShouldBe(1);

        var appeal = await app.Host.GetAsJson<JsonElement>("/api/appeals/freude-schenken-2021");
        appeal.GetProperty("id").GetString().ShouldBe("freude-schenken-2021");
        appeal.GetProperty("beneficiary").GetProperty("name").GetString().ShouldBe("Region Aachen Zweckverband");
        appeal.GetProperty("account").GetProperty("ibanPrint").GetString().ShouldBe("DE89 3704 0044 0532 0130 00");
        appeal.GetProperty("municipalities").EnumerateArray().Select(m => m.GetProperty("id").GetString())
            .ShouldBe(["stolberg", "eschweiler"]);
        appeal.GetProperty("simplifiedProof").GetProperty("to").GetString().ShouldBe("2021-12-31");
        appeal.GetProperty("isClosed").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task opening_the_same_appeal_twice_appends_nothing_new()
    {
        await app.OpenAppealAsync();
        await app.Host.Scenario(s =>
        {
            s.Post.Json(Requests.OpenAppeal()).ToUrl("/api/appeals");
            s.WithBearer(app.Token("treasurer"));
            s.StatusCodeShouldBe(201);
        });
        await using var session = app.Store.QuerySession();
        var events = await session.Events.QueryAllRawEvents().ToListAsync(TestContext.Current.CancellationToken);
        events.Count(e => e.Data is AppealOpened).ShouldBe(1);
    }

    [Fact]
    public async Task another_appeal_under_a_taken_id_is_a_conflict()
    {
        await app.OpenAppealAsync();
        await app.Host.Scenario(s =>
        {
            s.Post.Json(Requests.OpenAppeal(iban: "DE02120300000000202051")).ToUrl("/api/appeals");
            s.WithBearer(app.Token("treasurer"));
            s.StatusCodeShouldBe(409);
            s.ContentTypeShouldBe("application/problem+json");
        });
    }

    [Theory]
    [InlineData("account.iban", "DE89370400440532013001")]   // wrong check digits
    [InlineData("appealId", "Not A Slug")]
    [InlineData("purposes", null)]
    [InlineData("municipalities[0].id", "")]
    [InlineData("title", "")]
    public async Task bad_input_is_a_problem_naming_the_field(string field, string? value)
    {
        var body = JsonSerializer.SerializeToNode(Requests.OpenAppeal())!.AsObject();
        SetPath(body, field, value);

        var result = await app.Host.Scenario(s =>
        {
            s.Post.Text(body.ToJsonString()).ToUrl("/api/appeals");
            s.WithRequestHeader("Content-Type", "application/json");
            s.WithBearer(app.Token("treasurer"));
            s.StatusCodeShouldBe(422);
            s.ContentTypeShouldBe("application/problem+json");
        });
        var problem = await result.ReadAsJsonAsync<JsonElement>();
        problem.GetProperty("field").GetString().ShouldBe(field);
        await using var session = app.Store.QuerySession();
        (await session.Events.QueryAllRawEvents().CountAsync(TestContext.Current.CancellationToken)).ShouldBe(0);
    }

    [Fact]
    public async Task malformed_json_is_a_400_problem()
    {
        await app.Host.Scenario(s =>
        {
            s.Post.Text("{\"appealId\": \"x\", ").ToUrl("/api/appeals");
            s.WithRequestHeader("Content-Type", "application/json");
            s.WithBearer(app.Token("treasurer"));
            s.StatusCodeShouldBe(400);
            s.ContentTypeShouldBe("application/problem+json");
        });
    }

    [Fact]
    public async Task wrong_type_is_a_422_naming_the_field()
    {
        var body = JsonSerializer.SerializeToNode(Requests.OpenAppeal())!.AsObject();
        body["pledgeLimitCents"] = "lots";
        var result = await app.Host.Scenario(s =>
        {
            s.Post.Text(body.ToJsonString()).ToUrl("/api/appeals");
            s.WithRequestHeader("Content-Type", "application/json");
            s.WithBearer(app.Token("treasurer"));
            s.StatusCodeShouldBe(422);
            s.ContentTypeShouldBe("application/problem+json");
        });
        var problem = await result.ReadAsJsonAsync<JsonElement>();
        problem.GetProperty("field").GetString().ShouldBe("pledgeLimitCents");
        problem.GetProperty("detail").GetString()!.ShouldNotContain("System.");
    }

    [Fact]
    public async Task unknown_appeal_is_404_problem()
    {
        await app.Host.Scenario(s =>
        {
            s.Get.Url("/api/appeals/does-not-exist");
            s.StatusCodeShouldBe(404);
            s.ContentTypeShouldBe("application/problem+json");
        });
    }

    [Fact]
    public async Task municipalities_and_purposes_can_be_added_and_the_appeal_closed()
    {
        await app.OpenAppealAsync();
        var treasurer = app.Token("treasurer");
        await app.Host.Scenario(s =>
        {
            s.Post.Json(new { id = "roetgen", name = "Roetgen", district = "StädteRegion Aachen" }).ToUrl("/api/appeals/freude-schenken-2021/municipalities");
            s.WithBearer(treasurer);
            s.StatusCodeShouldBeOk();
        });
        await app.Host.Scenario(s =>
        {
            s.Post.Json(new { id = "ausflug", name = "Ausflüge" }).ToUrl("/api/appeals/freude-schenken-2021/purposes");
            s.WithBearer(treasurer);
            s.StatusCodeShouldBeOk();
        });
        await app.Host.Scenario(s =>
        {
            s.Post.Json(new { reason = "Aufruf beendet" }).ToUrl("/api/appeals/freude-schenken-2021/close");
            s.WithBearer(treasurer);
            s.StatusCodeShouldBeOk();
        });

        var appeal = await app.Host.GetAsJson<JsonElement>("/api/appeals/freude-schenken-2021");
        appeal.GetProperty("municipalities").GetArrayLength().ShouldBe(3);
        appeal.GetProperty("purposes").EnumerateArray().Last().GetProperty("name").GetString().ShouldBe("Ausflüge");
        appeal.GetProperty("isClosed").GetBoolean().ShouldBeTrue();
    }

    private static void SetPath(JsonObject body, string path, string? value)
    {
        JsonNode node = body;
        var parts = path.Split('.');
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            var index = -1;
            if (part.EndsWith(']'))
            {
                index = int.Parse(part[(part.IndexOf('[') + 1)..^1], System.Globalization.CultureInfo.InvariantCulture);
                part = part[..part.IndexOf('[')];
            }
            var last = i == parts.Length - 1;
            if (index >= 0)
            {
                node = node[part]![index]!;
                if (last) throw new NotSupportedException();
                continue;
            }
            if (last) node[part] = value is null ? null : JsonValue.Create(value);
            else node = node[part]!;
        }
    }
}
