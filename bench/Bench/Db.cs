using System.Diagnostics;
using Npgsql;

namespace FlutHilfe.Bench;

internal static class Db
{
    /// <summary>The connection string `ops/db url` prints, found by walking up from the working directory.</summary>
    public static string UrlFromOps()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            var script = Path.Combine(dir.FullName, "ops", "db");
            if (!File.Exists(script)) continue;
            var info = new ProcessStartInfo(script, "url") { RedirectStandardOutput = true, UseShellExecute = false };
            using var p = Process.Start(info) ?? throw new InvalidOperationException($"could not run {script}");
            var output = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            if (p.ExitCode == 0 && output.Length > 0) return output;
            throw new InvalidOperationException($"{script} url failed with {p.ExitCode}");
        }
        throw new UsageException("no --connection given and no ops/db found above the working directory");
    }

    /// <summary>Creates the database of <paramref name="connection"/> when it does not exist (the role may create databases).</summary>
    public static async Task EnsureDatabaseAsync(string connection, CancellationToken ct)
    {
        try
        {
            await using var conn = new NpgsqlConnection(connection);
            await conn.OpenAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
            var builder = new NpgsqlConnectionStringBuilder(connection);
            var name = builder.Database!;
            builder.Database = "postgres";
            await using var admin = new NpgsqlConnection(builder.ConnectionString);
            await admin.OpenAsync(ct);
            await using var create = new NpgsqlCommand($"create database \"{name.Replace("\"", "", StringComparison.Ordinal)}\"", admin);
            await create.ExecuteNonQueryAsync(ct);
            Log.Info($"created the database {name}");
        }
    }

    public static async Task<T?> ScalarAsync<T>(string connection, string sql, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var conn = new NpgsqlConnection(connection);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 600 };
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
        var result = await cmd.ExecuteScalarAsync(ct);
        return result is null or DBNull ? default : (T)Convert.ChangeType(result, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static async Task ExecuteAsync(string connection, string sql, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connection);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 600 };
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
