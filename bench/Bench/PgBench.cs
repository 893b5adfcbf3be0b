using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace FlutHilfe.Bench;

internal sealed record PgBenchResult(double Tps, long Transactions, long Failed, double Seconds, string Command);

/// <summary>
/// PostgreSQL's own load generator with a custom script, against the same server, database and TCP address the
/// service uses. Extended query protocol (what Npgsql sends by default), C clients on two threads, no vacuum.
/// </summary>
internal static partial class PgBench
{
    public static string Executable()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var path = Path.Combine(dir, "pgbench");
            if (File.Exists(path)) return path;
        }
        var installed = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").OrderDescending(StringComparer.Ordinal).Select(d => Path.Combine(d, "bin", "pgbench")).FirstOrDefault(File.Exists)
            : null;
        return installed ?? throw new InvalidOperationException("pgbench not found: install postgresql-client (ops/deps --bench does)");
    }

    /// <summary>Runs <paramref name="script"/> for <paramref name="duration"/> (whole seconds, at least 1), or
    /// <paramref name="transactionsPerClient"/> each when given.</summary>
    public static async Task<PgBenchResult> RunAsync(string connection, string script, int clients, TimeSpan duration, int? transactionsPerClient, CancellationToken ct)
    {
        var c = new NpgsqlConnectionStringBuilder(connection);
        var info = new ProcessStartInfo(Executable()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        string[] args =
        [
            "-n", "-M", "extended", "-h", c.Host ?? "127.0.0.1", "-p", c.Port.ToString(CultureInfo.InvariantCulture), "-U", c.Username ?? "postgres",
            "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", Math.Min(clients, Environment.ProcessorCount).ToString(CultureInfo.InvariantCulture),
            .. transactionsPerClient is { } t
                ? new[] { "-t", t.ToString(CultureInfo.InvariantCulture) }
                : ["-T", Math.Max(1, (int)Math.Round(duration.TotalSeconds)).ToString(CultureInfo.InvariantCulture)],
            "-f", script, c.Database ?? "postgres",
        ];
        foreach (var a in args) info.ArgumentList.Add(a);
        if (c.Password is { } password) info.Environment["PGPASSWORD"] = password;
        info.Environment["PGAPPNAME"] = "bench-pgbench";
        var command = "pgbench " + string.Join(' ', args.Select(a => a == script ? Path.GetFileName(script) : a));
        var clock = Stopwatch.StartNew();
        using var p = Process.Start(info) ?? throw new InvalidOperationException("could not start pgbench");
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        var output = await stdout + "\n" + await stderr;
        if (p.ExitCode != 0) throw new InvalidOperationException($"{command} exited with {p.ExitCode}: {output.Trim()}");
        var tps = TpsLine().Match(output);
        if (!tps.Success) throw new InvalidOperationException($"no tps in the output of {command}: {output.Trim()}");
        var processed = Processed().Match(output);
        var failed = FailedLine().Match(output);
        return new PgBenchResult(double.Parse(tps.Groups[1].Value, CultureInfo.InvariantCulture),
            processed.Success ? long.Parse(processed.Groups[1].Value, CultureInfo.InvariantCulture) : -1,
            failed.Success ? long.Parse(failed.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
            clock.Elapsed.TotalSeconds, command);
    }

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex TpsLine();

    [GeneratedRegex(@"number of transactions actually processed: ([0-9]+)")]
    private static partial Regex Processed();

    [GeneratedRegex(@"number of failed transactions: ([0-9]+)")]
    private static partial Regex FailedLine();
}

/// <summary>The baseline tables, in a schema of their own beside the service's.</summary>
internal static class BaselineTables
{
    public const int PointRows = 10_000;

    public static async Task CreateAsync(string connection, string schema, string documentJson, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connection);
        await conn.OpenAsync(ct);
        await using (var cmd = new NpgsqlCommand($"""
            set client_min_messages = warning;
            create schema if not exists {schema};
            -- (a) a pledge's event row: the same JSON, a uuid, a server timestamp
            create table if not exists {schema}.pledge_events (seq_id bigserial primary key, id uuid not null, data jsonb not null,
                timestamp timestamptz not null default now());
            -- (b) documents read by primary key
            create table if not exists {schema}.documents (id integer primary key, data jsonb not null);
            -- (c) rows written by binary COPY
            create table if not exists {schema}.copy_rows (id uuid not null, reference text not null, amount_cents bigint not null,
                booked_on date not null, data jsonb not null);
            truncate {schema}.documents;
            insert into {schema}.documents select g, @doc::jsonb from generate_series(1, {PointRows}) g;
            analyze {schema}.documents;
            """, conn))
        {
            cmd.Parameters.AddWithValue("doc", documentJson);
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>The pgbench script of (a): one single-row insert, one transaction. The JSON travels base64-encoded:
    /// pgbench would take ":stolberg" inside the literal for one of its variables.</summary>
    public static string InsertScript(string schema, string pledgeJson)
        => $"insert into {schema}.pledge_events (id, data) values (gen_random_uuid(), "
           + $"convert_from(decode('{Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(pledgeJson))}', 'base64'), 'UTF8')::jsonb);\n";

    /// <summary>The pgbench script of (b): one point select by primary key.</summary>
    public static string PointSelectScript(string schema)
        => $"\\set id random(1, {PointRows})\nselect data from {schema}.documents where id = :id;\n";

    public static async Task DropAsync(string connection, string schema, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connection);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand($"set client_min_messages = warning; drop schema if exists {schema} cascade", conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
