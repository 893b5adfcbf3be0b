using FlutHilfe.Domain.Shared;
using JasperFx.Events;
using Marten;
using Marten.Events;

namespace FlutHilfe.Projections.Replaying;

/// <summary>
/// Answers "as known on <c>asOf</c>": replays the events recorded up to that instant through the same routing and fold
/// the projection uses, in memory. Slow on a large log, exact by construction.
/// </summary>
public static class AsOfReplay
{
    public static async Task<IReadOnlyDictionary<string, TDoc>> ReplayAsync<TDoc, TRoute>(IQuerySession session, DateTimeOffset asOf,
        Func<string, bool> wanted, CancellationToken ct)
        where TDoc : class, IReadModel<TDoc, TRoute>
        where TRoute : class
    {
        var eventTypes = DomainEvents.Implementing(typeof(TRoute)).ToArray();
        var events = await session.Events.QueryAllRawEvents()
            .Where(e => e.Timestamp <= asOf)
            .Where(e => e.EventTypesAre(eventTypes))
            .OrderBy(e => e.Sequence)
            .ToListAsync(ct);

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
    public static async Task<IReadOnlyList<TDoc>> CurrentOrAsOfAsync<TDoc, TRoute>(IQuerySession session, DateTimeOffset? asOf, Func<string, bool> wanted,
        Func<IQuerySession, CancellationToken, Task<IReadOnlyList<TDoc>>> stored, CancellationToken ct)
        where TDoc : class, IReadModel<TDoc, TRoute>
        where TRoute : class
        => asOf is { } at ? (await ReplayAsync<TDoc, TRoute>(session, at, wanted, ct)).Values.ToList() : await stored(session, ct);
}
