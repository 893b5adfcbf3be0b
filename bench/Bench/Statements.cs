using System.Text.RegularExpressions;
using Npgsql;

namespace FlutHilfe.Bench;

/// <summary>
/// Statement-level profile from <c>pg_stat_statements</c>, when the cluster loads it (<c>ops/db</c> does, and creates the
/// view in its own database, from where it shows the statements of every database): counters reset before a measured
/// window, the statements of the benchmark's database read after it.
/// </summary>
internal static partial class Statements
{
    /// <summary>The database where <c>ops/db</c> created the view (the shared development database).</summary>
    private static string ViewConnection(string connection)
        => new NpgsqlConnectionStringBuilder(connection) { Database = Environment.GetEnvironmentVariable("FLUTHILFE_DB_NAME") ?? "fluthilfe" }.ConnectionString;

    /// <summary>Resets the counters; false when <c>pg_stat_statements</c> is not there (not loaded, not created, not granted).</summary>
    public static async Task<bool> ResetAsync(string connection, CancellationToken ct)
    {
        try
        {
            await using var conn = new NpgsqlConnection(ViewConnection(connection));
            await conn.OpenAsync(ct);
            await using var cmd = new NpgsqlCommand("select pg_stat_statements_reset()", conn);
            await cmd.ExecuteNonQueryAsync(ct);
            return true;
        }
        catch (PostgresException e)
        {
            Log.Info($"  pg_stat_statements not available ({e.SqlState}: {e.MessageText})");
            return false;
        }
    }

    /// <summary>
    /// The benchmark database's statements since the reset, by total execution time, per unit of work
    /// (<paramref name="units"/> pledges, bookings, …), against the backends' CPU per unit measured beside.
    /// </summary>
    public static async Task WriteAsync(string connection, ScenarioResult r, int units, string unit, double backendCpuMsPerUnit, CancellationToken ct, int top = 15)
    {
        foreach (var line in await LinesAsync(connection, units, unit, backendCpuMsPerUnit, ct, top)) r.Line(line);
    }

    /// <summary>The same, as lines to write later (read right after the window, before other work counts).</summary>
    public static async Task<IReadOnlyList<string>> LinesAsync(string connection, int units, string unit, double backendCpuMsPerUnit, CancellationToken ct, int top = 15)
    {
        var r = new List<string>();
        var database = new NpgsqlConnectionStringBuilder(connection).Database;
        await using var conn = new NpgsqlConnection(ViewConnection(connection));
        await conn.OpenAsync(ct);
        const string Where = "dbid = (select oid from pg_database where datname = @db)";
        double totalMs;
        long totalCalls;
        await using (var cmd = new NpgsqlCommand($"select coalesce(sum(total_exec_time), 0)::float8, coalesce(sum(calls), 0)::int8 from pg_stat_statements where {Where}", conn))
        {
            cmd.Parameters.AddWithValue("db", database!);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            (totalMs, totalCalls) = (reader.GetDouble(0), reader.GetInt64(1));
        }
        r.Add("");
        r.Add($"Statements (`pg_stat_statements`, database `{database}`, the measured window of {units:N0} × {unit}, everything the service ran meanwhile "
               + $"included; no idle correction): **{Stats.F((double)totalCalls / units, 1)} statements per {unit}**, "
               + $"**{Stats.F(totalMs / units, 2)} ms of execution per {unit}** (the backends' CPU per {unit}: {Stats.F(backendCpuMsPerUnit, 2)} ms; "
               + "execution time counts waits for locks and for a core, the CPU also parsing, planning, the protocol and commits). The top ones by execution time:");
        r.Add("");
        r.Add($"| statement (normalised, shortened) | calls per {unit} | mean ms | share of execution | rows per call |");
        r.Add("|---|---:|---:|---:|---:|");
        await using (var cmd = new NpgsqlCommand(
            $"select query, calls, total_exec_time, rows from pg_stat_statements where {Where} order by total_exec_time desc limit {top}", conn))
        {
            cmd.Parameters.AddWithValue("db", database!);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var (query, calls, total, rows) = (reader.GetString(0), reader.GetInt64(1), reader.GetDouble(2), reader.GetInt64(3));
                r.Add($"| `{Shorten(query)}` | {Stats.F((double)calls / units, 2)} | {Stats.F(total / Math.Max(1, calls), 3)} | "
                       + $"{Stats.F(totalMs > 0 ? 100 * total / totalMs : 0, 1)} % | {Stats.F((double)rows / Math.Max(1, calls), 1)} |");
            }
        }
        return r;
    }

    private static string Shorten(string query)
    {
        var flat = Whitespace().Replace(query, " ").Trim().Replace("`", "'").Replace("|", "\\|");
        return flat.Length <= 150 ? flat : flat[..147] + "…";
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
