using FlutHilfe.Domain.Shared;
using JasperFx.Events;
using Marten;
using Marten.Events;

namespace FlutHilfe.Projections.Replaying;

/// <summary>
/// Answers "as known on <c>asOf</c>" and "as effective on <c>effectiveOn</c>": replays the events recorded up to that instant,
/// restricted to those whose business date lies on or before that day (<see cref="BusinessDates"/>), through the same
/// routing and fold the projection uses, in memory. Slow on a large log, exact by construction.
/// </summary>
public static class AsOfReplay
{
    public static Task<IReadOnlyDictionary<string, TDoc>> ReplayAsync<TDoc, TRoute>(IQuerySession session, DateTimeOffset asOf,
        Func<string, bool> wanted, CancellationToken ct)
        where TDoc : class, IReadModel<TDoc, TRoute>
        where TRoute : class
        => ReplayAsync<TDoc, TRoute>(session, new ReplayWindow(asOf, null), wanted, ct);

    public static async Task<IReadOnlyDictionary<string, TDoc>> ReplayAsync<TDoc, TRoute>(IQuerySession session, ReplayWindow window,
        Func<string, bool> wanted, CancellationToken ct)
        where TDoc : class, IReadModel<TDoc, TRoute>
        where TRoute : class
        => Fold<TDoc, TRoute>(window.Filter(await LoadAsync<TRoute>(session, window.AsOf, ct)), wanted);

    /// <summary>The events a read model routed by <typeparamref name="TRoute"/> reads, recorded by <paramref name="asOf"/> (all when null), in sequence order.</summary>
    public static async Task<IReadOnlyList<IEvent>> LoadAsync<TRoute>(IQuerySession session, DateTimeOffset? asOf, CancellationToken ct) where TRoute : class
    {
        var eventTypes = DomainEvents.Implementing(typeof(TRoute)).ToArray();
        var query = session.Events.QueryAllRawEvents().Where(e => e.EventTypesAre(eventTypes));
        if (asOf is { } at) query = query.Where(e => e.Timestamp <= at);
        return await query.OrderBy(e => e.Sequence).ToListAsync(ct);
    }

    /// <summary>The projection's routing and fold over <paramref name="events"/>, for the documents <paramref name="wanted"/>.</summary>
    public static IReadOnlyDictionary<string, TDoc> Fold<TDoc, TRoute>(IEnumerable<IEvent> events, Func<string, bool> wanted)
        where TDoc : class, IReadModel<TDoc, TRoute>
        where TRoute : class
    {
        var docs = new Dictionary<string, TDoc>();
        foreach (var e in events)
        {
            if (e.Data is not TRoute routed) continue;
            foreach (var id in TDoc.IdsFor(routed).Where(wanted))
            {
                var next = TDoc.Fold(docs.GetValueOrDefault(id), id, e);
                if (next is null) docs.Remove(id);
                else docs[id] = next;
            }
        }
        return docs;
    }

    /// <summary>The stored read models (<paramref name="stored"/>), or with <paramref name="asOf"/> the ones replayed up to that instant.</summary>
    public static Task<IReadOnlyList<TDoc>> CurrentOrAsOfAsync<TDoc, TRoute>(IQuerySession session, DateTimeOffset? asOf, Func<string, bool> wanted,
        Func<IQuerySession, CancellationToken, Task<IReadOnlyList<TDoc>>> stored, CancellationToken ct)
        where TDoc : class, IReadModel<TDoc, TRoute>
        where TRoute : class
        => CurrentOrAsOfAsync<TDoc, TRoute>(session, new ReplayWindow(asOf, null), wanted, stored, ct);

    /// <summary>The stored read models (<paramref name="stored"/>), or the ones replayed through <paramref name="window"/>.</summary>
    public static async Task<IReadOnlyList<TDoc>> CurrentOrAsOfAsync<TDoc, TRoute>(IQuerySession session, ReplayWindow window, Func<string, bool> wanted,
        Func<IQuerySession, CancellationToken, Task<IReadOnlyList<TDoc>>> stored, CancellationToken ct)
        where TDoc : class, IReadModel<TDoc, TRoute>
        where TRoute : class
        => window.IsCurrent ? await stored(session, ct) : (await ReplayAsync<TDoc, TRoute>(session, window, wanted, ct)).Values.ToList();
}
