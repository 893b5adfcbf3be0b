using Npgsql;

namespace FlutHilfe.Api.Infrastructure.Problems;

/// <summary>
/// PostgreSQL cannot be reached or is going away (stopped, restarting, failing over, out of connections): the client
/// may send the request again later with the same Idempotency-Key (a commit whose acknowledgement was lost is then
/// replayed, not repeated). It is answered with a 503 problem and <c>Retry-After</c> instead of a 500.
/// </summary>
public static class DatabaseUnavailable
{
    /// <summary>Seconds a client is asked to wait (<c>Retry-After</c>): about one readiness interval plus a restart.</summary>
    public const int RetryAfterSeconds = 5;

    public static bool Is(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException p:
                    // 08: connection exception; 57P01-57P03: admin/crash shutdown, cannot connect now; 53300: too many connections.
                    if (p.SqlState.StartsWith("08", StringComparison.Ordinal) || p.SqlState is "57P01" or "57P02" or "57P03" or "53300") return true;
                    return false;
                case NpgsqlException n when n.IsTransient:
                    // Connection refused or reset, a broken pooled connection, a connect timeout, an exhausted pool.
                    return true;
            }
        }
        return false;
    }
}
