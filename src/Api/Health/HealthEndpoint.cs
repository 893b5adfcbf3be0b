using FlutHilfe.Api.Infrastructure.Problems;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace FlutHilfe.Api.Health;

public static class HealthEndpoint
{
    /// <summary>200 when PostgreSQL answers, 503 when it does not.</summary>
    [WolverineGet("/health", OperationId = "health")]
    [AllowAnonymous]
    [EndpointSummary("Liveness and database reachability")]
    [ProducesResponseType<HealthStatus>(200)]
    [ProducesResponseType(503)]
    public static async Task<IResult> Get(IConfiguration configuration, CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            var builder = new Npgsql.NpgsqlConnectionStringBuilder(configuration.GetConnectionString("FlutHilfe")) { Timeout = 3, Pooling = false };
            await using var connection = new Npgsql.NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(timeout.Token);
            await using var command = connection.CreateCommand();
            command.CommandText = "select 1";
            await command.ExecuteScalarAsync(timeout.Token);
            return Results.Ok(new HealthStatus("healthy", "reachable"));
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or OperationCanceledException or TimeoutException or System.Net.Sockets.SocketException)
        {
            var problem = Problem.Of(503, "Service unavailable", "The database does not answer.");
            return Results.Problem(problem);
        }
    }
}

public sealed record HealthStatus(string Status, string Database);
