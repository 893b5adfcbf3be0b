using System.Collections.Concurrent;
using Marten;
using Marten.Services;

namespace FlutHilfe.Api.Infrastructure.PublicCaching;

/// <summary>
/// The public figures (appeals, totals, transparency; JSON and pages) as last read from the store, kept in memory until
/// the store changes. Every commit of this node's store (a command's session, or a batch of the async daemon writing the
/// projections) moves the <see cref="Generation"/> on, after the commit; an entry read under an older generation is
/// never served again. A read that raced a commit stores its result under the generation it started with, so it cannot
/// outlive the commit. Hence the figures served are never older than what the projections hold: the staleness is the
/// projection's own lag, nothing more. Entries also expire after <c>PublicFigures:CacheSeconds</c> (10 by default), the
/// bound for figures changed by another node of the service on the same database (that node's commits do not reach
/// this one's listener).
/// </summary>
public sealed class PublicFigures(TimeProvider clock, TimeSpan maxAge)
{
    /// <summary>At most this many entries (one per appeal and read; unknown appeals are not kept).</summary>
    public const int EntriesMax = 1_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _generation;

    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>The store changed: nothing read before is served again.</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _generation);
        _entries.Clear();
    }

    public bool TryGet<T>(string key, out T value) where T : class
    {
        if (_entries.TryGetValue(key, out var entry) && entry.Generation == Generation && clock.GetElapsedTime(entry.AtTimestamp) < maxAge
            && entry.Value is T typed)
        {
            value = typed;
            return true;
        }
        value = null!;
        return false;
    }

    /// <summary>Keeps what was read under <paramref name="generation"/> (taken before the read began).</summary>
    public void Store(string key, long generation, object value)
    {
        if (generation != Generation) return;
        if (_entries.Count >= EntriesMax) _entries.Clear();
        _entries[key] = new Entry(generation, clock.GetTimestamp(), value);
    }

    /// <summary>The cached value, or the one <paramref name="load"/> reads (then kept); null results are not kept.</summary>
    public async Task<T?> GetOrLoadAsync<T>(string key, Func<Task<T?>> load) where T : class
    {
        if (TryGet<T>(key, out var cached)) return cached;
        var generation = Generation;
        var value = await load();
        if (value is not null) Store(key, generation, value);
        return value;
    }

    private sealed record Entry(long Generation, long AtTimestamp, object Value);
}

/// <summary>Moves <see cref="PublicFigures"/> on after every commit: commands' sessions and the async daemon's batches.</summary>
public sealed class PublicFiguresInvalidation(PublicFigures figures) : DocumentSessionListenerBase, IChangeListener
{
    public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        figures.Invalidate();
        return Task.CompletedTask;
    }

    public Task BeforeCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token) => Task.CompletedTask;
}
