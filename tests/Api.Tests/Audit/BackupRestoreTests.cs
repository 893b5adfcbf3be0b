using System.Diagnostics;
using System.Text.Json;
using Alba;
using FlutHilfe.Api.Audit.Verification;
using JasperFx.CommandLine;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Wolverine;

namespace FlutHilfe.Api.Tests.Audit;

/// <summary>
/// The backup drill: <c>ops/backup</c> dumps a store with a sealed and signed history, <c>ops/restore</c> puts it into a
/// fresh database, and a service started on the restore (without changing its tables) verifies with no difference and
/// shows the same balances; a restore over existing data and a damaged file are refused.
/// </summary>
public class BackupRestoreTests(AppFixture app) : IClassFixture<AppFixture>, IAsyncLifetime
{
    private readonly string _database = "fh_restore_" + Guid.NewGuid().ToString("N")[..10];
    private readonly string _folder = Directory.CreateTempSubdirectory("fluthilfe-backup-").FullName;

    public async ValueTask InitializeAsync() => await AuditHistory.ResetAsync(app);

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        // Dropping a database waits for a checkpoint, which takes long on a busy server: give it minutes, not 30 s.
        await using (var connection = new NpgsqlConnection(AppFixture.ConnectionString))
        {
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"drop database if exists {_database} with (force)", connection) { CommandTimeout = 600 };
            await drop.ExecuteNonQueryAsync();
        }
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task a_backup_restored_into_a_fresh_database_verifies_and_shows_the_same_balances()
    {
        var ct = TestContext.Current.CancellationToken;
        await AuditHistory.ProduceAsync(app);
        await AuditHistory.Post(app, "/api/audit/checkpoints", new { }, app.Token("treasurer"), 200);
        var events = await AuditHistory.ScalarAsync<long>($"select count(*) from {app.Schema}.mt_events");
        var funds = await app.Host.GetAsJsonAs(app.Token("auditor"), "/api/appeals/freude-schenken-2021/funds");
        var transparency = await app.Host.GetAsJsonAs(app.Token("auditor"), "/api/appeals/freude-schenken-2021/transparency");

        var file = Path.Combine(_folder, "fluthilfe.dump");
        var backup = await Ops("backup", "--schema", app.Schema, file);
        backup.ExitCode.ShouldBe(0, backup.Output);
        File.Exists(file + ".sha256").ShouldBeTrue();
        var restore = await Ops("restore", file, "--database", _database, "--create");
        restore.ExitCode.ShouldBe(0, restore.Output);
        restore.Output.ShouldContain($"({events} events)");

        await using (var restored = await StartOnAsync(_database))
        {
            var output = new StringWriter();
            var ok = await AuditCommand.RunAsync(restored.Services, AuditAction.Verify, null, output, ct);
            ok.ShouldBeTrue(output.ToString());
            // The sealed chain and its signed checkpoint came along and were checked again.
            output.ToString().ShouldContain("checkpoints checked 1");
            output.ToString().ShouldContain("vouchers checked 1");
            (await restored.GetAsJsonAs(app.Token("auditor"), "/api/appeals/freude-schenken-2021/funds")).GetRawText().ShouldBe(funds.GetRawText());
            (await restored.GetAsJsonAs(app.Token("auditor"), "/api/appeals/freude-schenken-2021/transparency")).GetRawText().ShouldBe(transparency.GetRawText());
        }

        // Never over existing data: a second restore into the same database is refused and changes nothing.
        var again = await Ops("restore", file, "--database", _database);
        again.ExitCode.ShouldNotBe(0);
        again.Output.ShouldContain("refusing to restore over them");
        (await CountEventsAsync(_database)).ShouldBe(events);
    }

    [Fact]
    public async Task a_damaged_backup_is_refused_before_anything_is_written()
    {
        await app.OpenAppealAsync();
        var file = Path.Combine(_folder, "fluthilfe.dump");
        var backup = await Ops("backup", "--schema", app.Schema, file);
        backup.ExitCode.ShouldBe(0, backup.Output);
        var bytes = await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken);
        bytes[bytes.Length / 2] ^= 0xFF;
        await File.WriteAllBytesAsync(file, bytes, TestContext.Current.CancellationToken);

        var restore = await Ops("restore", file, "--database", _database, "--create");
        restore.ExitCode.ShouldNotBe(0);
        restore.Output.ShouldContain("does not match its checksum");
        (await AuditHistory.ScalarAsync<long>($"select count(*) from pg_database where datname = '{_database}'")).ShouldBe(0);
    }

    private async Task<IAlbaHost> StartOnAsync(string database)
    {
        JasperFxEnvironment.AutoStartHost = true;
        var connection = new NpgsqlConnectionStringBuilder(AppFixture.ConnectionString) { Database = database, MaxPoolSize = 10 }.ConnectionString;
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:FlutHilfe"] = connection,
            ["Marten:Schema"] = app.Schema,
            ["Auth:SigningKey"] = AppFixture.SigningKey,
            ["Auth:Authority"] = "",
            ["DemoData:Seed"] = "false",
            // The restore must hold every table: the service starts on it without creating or changing any.
            ["Database:ApplyChangesAtStartup"] = "false",
            ["Receipts:VerificationKey"] = "test-verification-key-0123456789-abcdefghijklmnop",
        };
        return await AlbaHost.For<Program>(web =>
        {
            web.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(settings));
            foreach (var (key, value) in settings) web.UseSetting(key, value);
            web.ConfigureServices(services =>
            {
                services.RunWolverineInSoloMode();
                services.DisableAllExternalWolverineTransports();
            });
        });
    }

    private static async Task<long> CountEventsAsync(string database)
    {
        var connection = new NpgsqlConnectionStringBuilder(AppFixture.ConnectionString) { Database = database, Pooling = false }.ConnectionString;
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync(TestContext.Current.CancellationToken);
        var schemas = new List<string>();
        await using (var find = new NpgsqlCommand("select table_schema from information_schema.tables where table_name = 'mt_events'", db))
        await using (var reader = await find.ExecuteReaderAsync(TestContext.Current.CancellationToken))
            while (await reader.ReadAsync(TestContext.Current.CancellationToken)) schemas.Add(reader.GetString(0));
        await using var count = new NpgsqlCommand($"select count(*) from {schemas.Single()}.mt_events", db);
        return (long)(await count.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    /// <summary>Runs <c>ops/NAME</c> of this repository against the test database; exit code and both outputs.</summary>
    private static async Task<(int ExitCode, string Output)> Ops(string name, params string[] arguments)
    {
        var start = new ProcessStartInfo(Path.Combine(FlutHilfe.TestSupport.Repository.Root, "ops", name)) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["ConnectionStrings__FlutHilfe"] = AppFixture.ConnectionString;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await stdout + await stderr);
    }
}
