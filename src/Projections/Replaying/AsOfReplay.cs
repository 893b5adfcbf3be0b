using JasperFx.Events;
using Marten;
using Marten.Events;

namespace FlutHilfe.Projections.Replaying;

/// <summary>
/// Answers "as known on <c>asOf</c>": replays the events recorded up to that instant through the same fold
/// the projection uses, in memory. Slow on a large log, exact by construction.
/// </summary>
public static class AsOfReplay
{
    public static async Task<IReadOnlyDictionary<string, TDoc>> ReplayAsync<TDoc>(
        IQuerySession session, DateTimeOffset asOf, Type[] eventTypes, Func<object, IReadOnlyList<string>> idsFor,
        Func<TDoc?, string, IEvent, TDoc?> fold, Func<string, bool> wanted, CancellationToken ct)
        where TDoc : class
    {
        var events = await session.Events.QueryAllRawEvents()
            .Where(e => e.Timestamp <= asOf)
            .Where(e => e.EventTypesAre(eventTypes))
            .OrderBy(e => e.Sequence)
            .ToListAsync(ct);

        var docs = new Dictionary<string, TDoc>();
        foreach (var e in events)
        {
            foreach (var id in idsFor(e.Data).Where(wanted))
            {
                var next = fold(docs.GetValueOrDefault(id), id, e);
                if (next is null) docs.Remove(id);
                else docs[id] = next;
            }
        }
        return docs;
    }
}
