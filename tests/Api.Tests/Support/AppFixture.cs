using Alba;
using FlutHilfe.Api.Infrastructure.Auth;
using JasperFx.CommandLine;
using Marten;
using Marten.Events;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Wolverine;

namespace FlutHilfe.Api.Tests.Support;

/// <summary>
/// One real host and one PostgreSQL schema per test class (classes run in parallel).
/// The database is the one <c>ops/db</c> starts; <c>FLUTHILFE_TEST_DB</c> overrides it.
/// </summary>
public class AppFixture : IAsyncLifetime
{
    public const string SigningKey = "test-signing-key-0123456789-abcdefghijklmnopqrstuvwxyz";

    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("FLUTHILFE_TEST_DB")
        ?? "Host=127.0.0.1;Port=54329;Database=fluthilfe;Username=fluthilfe;Password=fluthilfe";

    public string Schema { get; } = "test_" + Guid.NewGuid().ToString("N")[..12];
    public IAlbaHost Host { get; private set; } = null!;
    public IDocumentStore Store => Host.Services.GetRequiredService<IDocumentStore>();

    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    /// <summary>
    /// Solo mode (one node, no leader election) keeps most test hosts fast; tests of several nodes on one database
    /// turn it off and run Wolverine's durability in <c>Balanced</c> mode, as production does.
    /// </summary>
    protected virtual bool SoloMode => true;

    /// <summary>Extra or replaced services of a fixture's host (e.g. the clock, or a Marten listener that injects a failure).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    public async ValueTask InitializeAsync()
    {
        JasperFxEnvironment.AutoStartHost = true;
        var connection = new NpgsqlConnectionStringBuilder(ConnectionString) { MaxPoolSize = 20 }.ConnectionString;
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:FlutHilfe"] = connection,
            ["Marten:Schema"] = Schema,
            ["Auth:SigningKey"] = SigningKey,
            ["Auth:Authority"] = "",
            ["DemoData:Seed"] = "false",
            // Each test class's schema is created as its host starts, whatever the environment of a test's own host.
            ["Database:ApplyChangesAtStartup"] = "true",
            ["Pledging:PledgesPerMinutePerClient"] = "100000",
            ["PublicFigures:ReplaysPerMinutePerClient"] = "100000",
            ["Receipts:VerificationKey"] = "test-verification-key-0123456789-abcdefghijklmnop",
        };
        foreach (var (key, value) in Settings) settings[key] = value;
        _settings = settings;
        Host = await StartHostAsync();
    }

    private Dictionary<string, string?> _settings = [];

    /// <summary>Another node of the same application on the same database schema (for two-node tests).</summary>
    public Task<IAlbaHost> StartHostAsync()
    {
        var settings = _settings;
        return AlbaHost.For<Program>(web =>
        {
            web.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(settings));
            foreach (var (key, value) in settings) web.UseSetting(key, value);
            web.ConfigureServices(services =>
            {
                if (SoloMode) services.RunWolverineInSoloMode();
                else services.ConfigureWolverine(o => o.Durability.Mode = DurabilityMode.Balanced);
                services.DisableAllExternalWolverineTransports();
                ConfigureServices(services);
            });
        });
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (Host is not null) await Host.DisposeAsync();
        await DropSchemaAsync(Schema);
    }

    /// <summary>Drops a test schema with everything in it.</summary>
    public static async Task DropSchemaAsync(string schema)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"drop schema if exists {schema} cascade", connection);
        // Other classes drop their schemas at the same moment (catalog locks), and a connection of the stopped host may still
        // be finishing: a deadlock aborts one drop, which is simply repeated.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await drop.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DeadlockDetected && attempt < 5)
            {
                await Task.Delay(250 * attempt);
            }
        }
    }

    /// <summary>
    /// Waits until the asynchronous projections have caught up with every event. Generous (90 s), because after a reset the
    /// daemon's agents are started again one by one, and CI runs three test processes, PostgreSQL and chromium on two cores;
    /// a passing test waits only as long as the daemon needs.
    /// </summary>
    public Task CatchUpAsync() => Store.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(90));

    public string Token(string role, string? municipalityId = null)
        => DevelopmentTokens.Issue(Host.Services.GetRequiredService<AuthOptions>(), role, municipalityId, TimeProvider.System);

    public async Task ResetAsync()
    {
        // Work the previous test started (a receipt issued or mailed, a reminder handled) finishes before its data goes:
        // otherwise it runs on into the wipe (a deadlock with the truncation) or into the next test (a mail or PDF under a
        // receipt number the next test issues again).
        await DrainAsync();
        // Marten's reset pauses the daemon, wipes, and restarts it; on a busy machine the daemon's high-water check can
        // read the emptied event table mid-restart ("Column 'highest_sequence' is null"), and a handler still committing
        // can deadlock with the truncation. The reset is repeatable: retry.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await Host.ResetAllMartenDataAsync();
                break;
            }
            catch (Exception e) when (attempt < 4 && (e.ToString().Contains("highest_sequence", StringComparison.Ordinal)
                                                      || e is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected }
                                                      || e.InnerException is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected }))
            {
                await Task.Delay(200 * attempt);
            }
        }
        // The reset bypasses the store's sessions: forget the public figures read before it.
        Host.Services.GetRequiredService<FlutHilfe.Api.Infrastructure.PublicCaching.PublicFigures>().Invalidate();
        Host.Services.GetRequiredService<FlutHilfe.Api.Appeals.AppealCache>().Clear();
        // Messages a test left scheduled or waiting belong to its data: clear them too, so tests stay independent.
        await Host.Services.GetRequiredService<Wolverine.Persistence.Durability.IMessageStore>().Admin.ClearAllAsync();
    }

    /// <summary>
    /// Waits (up to 30 s) until no durable message is waiting or being handled: every local queue here is durable, so a
    /// message lives in the inbox (status Incoming) until its handler committed, and in the outbox until it was sent.
    /// Scheduled messages (reminders, deadlines) are not waited for; the reset clears them.
    /// </summary>
    private async Task DrainAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var pending = new NpgsqlCommand($"""
            select (select count(*) from {Schema}.wolverine_incoming_envelopes where status = 'Incoming')
                 + (select count(*) from {Schema}.wolverine_outgoing_envelopes)
            """, connection);
        var until = DateTime.UtcNow.AddSeconds(30);
        try
        {
            while ((long)(await pending.ExecuteScalarAsync())! > 0 && DateTime.UtcNow < until) await Task.Delay(50);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // No message storage in this schema yet: nothing to wait for.
        }
    }
}
