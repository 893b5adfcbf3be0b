using Marten;
using Marten.Events.Daemon.HighWater;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace FlutHilfe.Api.Infrastructure.ProjectionWakeup;

/// <summary>
/// Every commit that appends events sends a PostgreSQL NOTIFY in its own batch (delivered at commit, to every node's
/// daemon); the daemon's high-water agent listens and runs at once instead of at its next poll (up to 1 s when idle),
/// at most once per <c>Projections:WakeupWindowMs</c> (default 100 ms) so that a burst of commits costs one daemon
/// cycle per window, not one per commit. Polling stays as the fallback (a lost LISTEN connection reconnects on the
/// next poll). This replaces Marten's <c>UseListenNotifyForEventAppends</c>, which wakes the daemon per commit.
/// </summary>
public static class DaemonWakeup
{
    public const string Channel = "fluthilfe_events_appended";

    public static void Configure(IServiceCollection services, IConfiguration configuration, string connectionString)
    {
        var window = TimeSpan.FromMilliseconds(Math.Clamp(configuration.GetValue("Projections:WakeupWindowMs", 100.0), 0, 5_000));
        // Its own small pool: one connection stays in LISTEN for the life of the process.
        services.AddSingleton(new ListenDataSource(new NpgsqlDataSourceBuilder(connectionString) { ConnectionStringBuilder = { MaxPoolSize = 2 } }.Build()));
        services.ConfigureMarten((sp, options) =>
        {
            options.Events.UseListenNotifyForEventAppends = false;
            options.Listeners.Add(new NotifyOnAppend());
            var listen = new PostgresqlListenWakeup(sp.GetRequiredService<ListenDataSource>().DataSource,
                sp.GetRequiredService<ILoggerFactory>().CreateLogger<PostgresqlListenWakeup>(), Channel);
            options.Projections.Wakeup = new CoalescingWakeup(listen, window, sp.GetRequiredService<TimeProvider>());
        });
    }

    /// <summary>Owns the LISTEN connection's data source (disposed with the host).</summary>
    public sealed class ListenDataSource(NpgsqlDataSource dataSource) : IAsyncDisposable
    {
        public NpgsqlDataSource DataSource { get; } = dataSource;

        public ValueTask DisposeAsync() => DataSource.DisposeAsync();
    }

    /// <summary>Adds the NOTIFY to the batch of every commit that appends events (it is sent only if the commit succeeds).</summary>
    private sealed class NotifyOnAppend : DocumentSessionListenerBase
    {
        public override Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
        {
            if (session.PendingChanges.Streams().Any()) session.QueueSqlCommand($"select pg_notify('{Channel}', '')");
            return Task.CompletedTask;
        }
    }
}
