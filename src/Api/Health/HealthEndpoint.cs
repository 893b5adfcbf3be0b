using FlutHilfe.Api.Infrastructure.Problems;
using Microsoft.AspNetCore.Authorization;
using Npgsql;
using Wolverine.Http;

namespace FlutHilfe.Api.Health;

/// <summary>
/// The connections of the readiness check: a small pool of its own (at most two connections, three-second timeouts),
/// so a probe costs one round trip on an open connection, and a flood of probes cannot take the service's connections.
/// Its connections show in <c>pg_stat_activity</c> as <c>fluthilfe-health-{process id}</c> (one pool per process).
/// The answer is kept for <c>Health:ReadinessCacheSeconds</c> (2 by default): probes in between cost no round trip.
/// </summary>
public sealed class HealthDatabase : IAsyncDisposable
{
    public HealthDatabase(IConfiguration configuration, TimeProvider clock)
    {
        _source = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(configuration.GetConnectionString("FlutHilfe"))
        {
            Timeout = 3, CommandTimeout = 3, Pooling = true, MinPoolSize = 0, MaxPoolSize = 2, ApplicationName = ApplicationName,
        }.ConnectionString);
        var seconds = configuration.GetValue("Health:ReadinessCacheSeconds", 2.0);
        Readiness = new ReadinessCache(AnswersAsync, clock, TimeSpan.FromSeconds(Math.Clamp(seconds, 0, 60)));
    }

    private readonly NpgsqlDataSource _source;

    /// <summary>The cached readiness: what probes read.</summary>
    public ReadinessCache Readiness { get; }

    public static string ApplicationName => $"fluthilfe-health-{Environment.ProcessId}";

    public async Task<bool> AnswersAsync(CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            await using var command = _source.CreateCommand("select 1");
            await command.ExecuteScalarAsync(timeout.Token);
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException or System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync() => _source.DisposeAsync();
}

public static class HealthEndpoint
{
    /// <summary>200 while the process runs; touches nothing else (for a liveness probe: restart only a hung process).</summary>
    [WolverineGet("/health/live", OperationId = "healthLive")]
    [AllowAnonymous]
    [EndpointSummary("Liveness: the process answers (no database call)")]
    [ProducesResponseType<HealthStatus>(200)]
    public static HealthStatus Live() => new("healthy", null);

    /// <summary>200 when PostgreSQL answered its last probe (at most two seconds ago) on a pooled connection, 503 when it did not.</summary>
    [WolverineGet("/health/ready", OperationId = "healthReady")]
    [AllowAnonymous]
    [EndpointSummary("Readiness: the database answers (probed at most every 2 s, pooled connection)")]
    [ProducesResponseType<HealthStatus>(200)]
    [ProducesResponseType(503)]
    public static Task<IResult> Ready(HealthDatabase database, CancellationToken ct) => ReadyAsync(database, ct);

    /// <summary>The same as <c>/health/ready</c>, kept for existing probes.</summary>
    [WolverineGet("/health", OperationId = "health")]
    [AllowAnonymous]
    [EndpointSummary("Readiness (same as /health/ready)")]
    [ProducesResponseType<HealthStatus>(200)]
    [ProducesResponseType(503)]
    public static Task<IResult> Get(HealthDatabase database, CancellationToken ct) => ReadyAsync(database, ct);

    private static async Task<IResult> ReadyAsync(HealthDatabase database, CancellationToken ct)
        => await database.Readiness.IsReadyAsync(ct)
            ? Results.Ok(new HealthStatus("healthy", "reachable"))
            : Results.Problem(Problem.Of(503, "Service unavailable", "The database does not answer."));
}

public sealed record HealthStatus(string Status, string? Database);
