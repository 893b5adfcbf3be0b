using System.Collections.Concurrent;
using FlutHilfe.Api.Infrastructure;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Shared;
using Marten;
using Marten.Services;

namespace FlutHilfe.Api.Appeals;

/// <summary>
/// Appeals as the pledge path reads them (open? which municipalities and purposes? which account?), kept in memory
/// so that a pledge does not read the appeal from the store each time. Every commit of this node's store that touches
/// an appeal's stream evicts it, after the commit (<see cref="AppealCacheInvalidation"/>); a read that raced such a
/// commit is not kept. Entries also expire after <c>Pledging:AppealCacheSeconds</c> (2 by default): the bound for a
/// change made by another node of the service on the same database, whose commits this node does not see. Unknown
/// appeals are not kept.
/// </summary>
public sealed class AppealCache(TimeProvider clock, TimeSpan maxAge)
{
    /// <summary>At most this many appeals are kept (there are a handful).</summary>
    public const int EntriesMax = 1_000;

    private readonly ConcurrentDictionary<Guid, Entry> _entries = new();
    private long _generation;

    /// <summary>The appeal's snapshot (inline, written with its events), or null when there is no such appeal.</summary>
    public async Task<Appeal?> FindAsync(IDocumentStore store, Guid appealStreamId, CancellationToken ct)
    {
        if (_entries.TryGetValue(appealStreamId, out var entry) && clock.GetElapsedTime(entry.AtTimestamp) < maxAge) return entry.Appeal;
        var generation = Interlocked.Read(ref _generation);
        Appeal? appeal;
        await using (var session = store.QuerySession())
        {
            appeal = await session.LoadAsync<Appeal>(appealStreamId, ct);
        }
        if (appeal is not null && generation == Interlocked.Read(ref _generation))
        {
            if (_entries.Count >= EntriesMax) _entries.Clear();
            _entries[appealStreamId] = new Entry(appeal, clock.GetTimestamp());
        }
        return appeal;
    }

    /// <summary>The appeal changed (or may have): it is read from the store again, and no read begun before is kept.</summary>
    public void Evict(Guid appealStreamId)
    {
        Interlocked.Increment(ref _generation);
        _entries.TryRemove(appealStreamId, out _);
    }

    /// <summary>Forgets every appeal (the store was changed behind the sessions' back, e.g. reset).</summary>
    public void Clear()
    {
        Interlocked.Increment(ref _generation);
        _entries.Clear();
    }

    internal bool Holds(Guid appealStreamId) => _entries.ContainsKey(appealStreamId);

    private sealed record Entry(Appeal Appeal, long AtTimestamp);
}

/// <summary>Evicts an appeal after every commit that appended to its stream (which also rewrites its inline snapshot).</summary>
public sealed class AppealCacheInvalidation(AppealCache cache) : DocumentSessionListenerBase
{
    public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        foreach (var stream in commit.GetStreams())
        {
            // An appeal's own events (not only a held entry): a read in flight when the commit lands must not be kept.
            if (cache.Holds(stream.Id) || stream.Events.Any(e => e.Data is IEventOf<Appeal>)) cache.Evict(stream.Id);
        }
        foreach (var appeal in commit.Updated.Concat(commit.Inserted).OfType<Appeal>()) cache.Evict(appeal.Id);
        return Task.CompletedTask;
    }
}

public sealed class Configuration : IFeatureConfiguration
{
    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        var seconds = Math.Clamp(configuration.GetValue("Pledging:AppealCacheSeconds", 2.0), 0, 300);
        services.AddSingleton(sp => new AppealCache(sp.GetRequiredService<TimeProvider>(), TimeSpan.FromSeconds(seconds)));
        services.ConfigureMarten((sp, options) => options.Listeners.Add(new AppealCacheInvalidation(sp.GetRequiredService<AppealCache>())));
    }
}
