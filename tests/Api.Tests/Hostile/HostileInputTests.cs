using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;
using Wolverine.Http;

namespace FlutHilfe.Api.Tests.Hostile;

/// <summary>
/// Property: for every command endpoint the host exposes, generated hostile requests never get a 5xx, and every 4xx
/// is a problem that stored nothing. Deterministic (fixed seed), so a failure reproduces.
/// </summary>
public class HostileInputTests(AppFixture app) : IClassFixture<AppFixture>
{
    public const ulong Seed = 20_211_115;
    public const int RoundsPerEndpoint = 60;

    [Fact]
    public async Task no_command_endpoint_answers_hostile_input_with_a_5xx_or_stores_anything_on_a_4xx()
    {
        await app.ResetAsync();
        var world = await WorldSeeding.SeedAsync(app);
        var endpoints = CommandEndpoint.Discover(app.Host.Services);
        endpoints.Count.ShouldBeGreaterThan(20, string.Join('\n', endpoints));

        var report = await new HostileRun(app, world).RunAsync(endpoints, RoundsPerEndpoint, Seed);

        // The figures for the record: bin/…/hostile-input-report.txt (also printed when the test fails).
        await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "hostile-input-report.txt"),
            report + string.Join('\n', report.PerEndpoint.Select(p => $"{p.Key}: {p.Value}")) + "\n", TestContext.Current.CancellationToken);
        report.PerEndpoint.Keys.ShouldBe(endpoints.Select(e => e.ToString()), ignoreOrder: true);
        report.Findings.ShouldBeEmpty(report.ToString());
        report.ServerErrors.ShouldBe(0);
    }
}

/// <summary>A host that also exposes an endpoint the tests never name, with a bug that only odd input reaches.</summary>
public sealed class CanaryFixture : AppFixture
{
    protected override void ConfigureServices(IServiceCollection services)
        => services.ConfigureWolverine(o => o.Discovery.IncludeAssembly(typeof(CanaryEndpoint).Assembly));
}

public sealed record CanaryRequest(string? Label, long? Parts);

public static class CanaryEndpoint
{
    /// <summary>Forgets that the label may be missing: a body without it is a 500.</summary>
    [WolverinePost("/api/test-canary")]
    [Authorize(Roles = "treasurer")]
    public static IResult Post(CanaryRequest request) => Results.Ok(new { length = request.Label!.Length, parts = request.Parts });
}

public class HostileInputDiscoveryTests(CanaryFixture app) : IClassFixture<CanaryFixture>
{
    [Fact]
    public async Task a_new_command_endpoint_is_covered_without_naming_it_and_its_500_is_found()
    {
        await app.ResetAsync();
        var world = await WorldSeeding.SeedAsync(app);
        var endpoints = CommandEndpoint.Discover(app.Host.Services);
        var canary = endpoints.Single(e => e.Route == "/api/test-canary");
        canary.RequestType.ShouldBe(typeof(CanaryRequest));

        var report = await new HostileRun(app, world).RunAsync([canary], 40, HostileInputTests.Seed);

        report.ServerErrors.ShouldBeGreaterThan(0, report.ToString());
        report.Findings.ShouldAllBe(f => f.Contains("/api/test-canary"));
    }
}
