using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FlutHilfe.Api.Tests.Health;

public class HealthTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Theory]
    [InlineData("/health")]
    [InlineData("/health/ready")]
    public async Task readiness_is_200_when_the_database_answers(string url)
    {
        var result = await app.Host.Scenario(s =>
        {
            s.Get.Url(url);
            s.StatusCodeShouldBeOk();
        });
        var body = await result.ReadAsJsonAsync<JsonElement>();
        body.GetProperty("database").GetString().ShouldBe("reachable");
    }

    [Fact]
    public async Task liveness_answers_without_asking_the_database()
    {
        var body = await (await app.Host.Scenario(s =>
        {
            s.Get.Url("/health/live");
            s.StatusCodeShouldBeOk();
        })).ReadAsJsonAsync<JsonElement>();
        body.GetProperty("status").GetString().ShouldBe("healthy");
        body.GetProperty("database").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task many_readiness_probes_share_at_most_two_pooled_connections()
    {
        await Task.WhenAll(Enumerable.Range(0, 60).Select(_ => app.Host.Scenario(s =>
        {
            s.Get.Url("/health/ready");
            s.StatusCodeShouldBeOk();
        })));

        await using var connection = new Npgsql.NpgsqlConnection(AppFixture.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        // This process's pool only: other test processes (the browser tests' host) share the PostgreSQL server.
        await using var count = new Npgsql.NpgsqlCommand("select count(*) from pg_stat_activity where application_name = $1", connection)
        {
            Parameters = { new() { Value = FlutHilfe.Api.Health.HealthDatabase.ApplicationName } },
        };
        // The probes' pool keeps at most two connections open; a connection per probe would leave none (no pooling)
        // or up to sixty.
        var open = (long)(await count.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
        open.ShouldBeInRange(1, 2);
    }

    [Fact]
    public async Task openapi_document_lists_every_endpoint_with_a_summary()
    {
        var result = await app.Host.Scenario(s =>
        {
            s.Get.Url("/openapi/v1.json");
            s.StatusCodeShouldBeOk();
        });
        using var doc = JsonDocument.Parse(await result.ReadAsTextAsync());
        var paths = doc.RootElement.GetProperty("paths");
        var operations = paths.EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(op => (Path: p.Name, Method: op.Name, Op: op.Value)))
            .ToList();
        operations.ShouldContain(o => o.Path == "/health");
        foreach (var (path, method, op) in operations)
        {
            op.TryGetProperty("summary", out var summary).ShouldBeTrue($"{method} {path} has no summary");
            summary.GetString().ShouldNotBeNullOrWhiteSpace($"{method} {path} has an empty summary");
        }
    }

    [Fact]
    public async Task api_reference_page_is_served()
    {
        var redirect = await app.Host.Scenario(s =>
        {
            s.Get.Url("/api-docs");
            s.StatusCodeShouldBe(302);
        });
        var location = redirect.Context.Response.Headers.Location.ToString();
        // Scalar redirects to the trailing-slash form of its page.
        location.ShouldBe("api-docs/");
        var page = await app.Host.Scenario(s =>
        {
            s.Get.Url("/api-docs/");
            s.StatusCodeShouldBeOk();
        });
        (await page.ReadAsTextAsync()).ShouldContain("openapi/v1.json");
    }
}

public class HealthWithoutDatabaseTests
{
    [Fact]
    public async Task health_is_503_problem_when_the_database_does_not_answer()
    {
        // The real probe against a port where nothing listens.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:FlutHilfe"] = "Host=127.0.0.1;Port=1;Database=none;Username=none;Password=none",
        }).Build();
        await using var database = new FlutHilfe.Api.Health.HealthDatabase(configuration, TimeProvider.System);
        var result = await FlutHilfe.Api.Health.HealthEndpoint.Ready(database, TestContext.Current.CancellationToken);
        var http = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        http.RequestServices = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        http.Response.Body = new MemoryStream();
        await result.ExecuteAsync(http);
        http.Response.StatusCode.ShouldBe(503);
        http.Response.ContentType.ShouldBe("application/problem+json");
    }
}

public class ReadinessCacheTests
{
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _clock = new();
    private int _probes;
    private volatile bool _databaseAnswers = true;

    private FlutHilfe.Api.Health.ReadinessCache Cache() => new(async _ =>
    {
        Interlocked.Increment(ref _probes);
        await Task.Delay(20, TestContext.Current.CancellationToken);
        return _databaseAnswers;
    }, _clock, TimeSpan.FromSeconds(2));

    [Fact]
    public async Task probes_within_the_interval_share_one_database_round_trip()
    {
        var cache = Cache();
        var answers = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => cache.IsReadyAsync(TestContext.Current.CancellationToken)));
        answers.ShouldAllBe(ready => ready);
        (await cache.IsReadyAsync(TestContext.Current.CancellationToken)).ShouldBeTrue();
        _probes.ShouldBe(1);
    }

    [Fact]
    public async Task a_database_that_stops_answering_shows_unready_once_the_interval_has_passed()
    {
        var cache = Cache();
        (await cache.IsReadyAsync(TestContext.Current.CancellationToken)).ShouldBeTrue();

        _databaseAnswers = false;
        _clock.Advance(TimeSpan.FromSeconds(1));
        // Within the interval the last answer stands (that is the bounded staleness) ...
        (await cache.IsReadyAsync(TestContext.Current.CancellationToken)).ShouldBeTrue();
        _clock.Advance(TimeSpan.FromSeconds(1.5));
        // ... after it, the next probe asks the database again and reports what it finds.
        (await cache.IsReadyAsync(TestContext.Current.CancellationToken)).ShouldBeFalse();
        _probes.ShouldBe(2);

        _databaseAnswers = true;
        _clock.Advance(TimeSpan.FromSeconds(2.5));
        (await cache.IsReadyAsync(TestContext.Current.CancellationToken)).ShouldBeTrue();
    }
}
