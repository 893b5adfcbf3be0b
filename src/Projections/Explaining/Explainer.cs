using FlutHilfe.Domain.Shared;
using FlutHilfe.Projections.Replaying;
using JasperFx.Events;
using Marten;
using Marten.Events;

namespace FlutHilfe.Projections.Explaining;

/// <summary>One event's part in a field: the field after the event minus the field before it.</summary>
public sealed record Contribution(long Sequence, DateTimeOffset Timestamp, string EventType, Guid StreamId, string DocumentId, long Amount);

/// <summary>The ordered contributions to a field; they add up to <see cref="Value"/> by construction.</summary>
public sealed record Explanation(IReadOnlyList<string> DocumentIds, long Value, FieldUnit Unit, IReadOnlyList<Contribution> Contributions, int EventsFolded);

/// <summary>
/// Explains a number of a view by folding the view's own <c>Fold</c> event by event over the log (the same routing and fold
/// the projection uses) and recording how much each event changed the field. No rule of the view is written twice here,
/// so the explanation cannot disagree with the view.
/// </summary>
public static class Explainer
{
    /// <summary>Events the fold may see (all of the routing kind) recorded up to <paramref name="asOf"/>, in sequence order.</summary>
    public static async Task<IReadOnlyList<IEvent>> EventsAsync<TRoute>(IQuerySession session, DateTimeOffset? asOf, CancellationToken ct)
    {
        var eventTypes = DomainEvents.Implementing(typeof(TRoute)).ToArray();
        var query = session.Events.QueryAllRawEvents().Where(e => e.EventTypesAre(eventTypes));
        if (asOf is { } at) query = query.Where(e => e.Timestamp <= at);
        return await query.OrderBy(e => e.Sequence).ToListAsync(ct);
    }

    /// <summary>
    /// Folds <paramref name="events"/> into the documents <paramref name="wanted"/> selects and attributes every change of
    /// <paramref name="field"/> (summed over those documents) to the event that made it.
    /// </summary>
    public static Explanation Explain<TDoc, TRoute>(IEnumerable<IEvent> events, Func<string, bool> wanted, IReadOnlyList<string> field)
        where TDoc : class, IReadModel<TDoc, TRoute>
        where TRoute : class
    {
        var unit = ViewFields.UnitOf(typeof(TDoc), field) ?? throw new ArgumentException($"'{string.Join('.', field)}' is no numeric field of {typeof(TDoc).Name}.", nameof(field));
        var docs = new Dictionary<string, TDoc>();
        var contributions = new List<Contribution>();
        var folded = 0;
        foreach (var e in events)
        {
            if (e.Data is not TRoute routed) continue;
            foreach (var id in TDoc.IdsFor(routed).Where(wanted))
            {
                var before = docs.GetValueOrDefault(id);
                var after = TDoc.Fold(before, id, e);
                if (after is null) docs.Remove(id);
                else docs[id] = after;
                folded++;
                var change = checked(ViewFields.Read(after, field) - ViewFields.Read(before, field));
                if (change != 0) contributions.Add(new Contribution(e.Sequence, e.Timestamp, e.EventTypeName, e.StreamId, id, change));
            }
        }
        var value = docs.Values.Aggregate(0L, (sum, d) => checked(sum + ViewFields.Read(d, field)));
        Invariant.That(contributions.Aggregate(0L, (sum, c) => checked(sum + c.Amount)) == value, "The contributions add up to the field.");
        return new Explanation(docs.Keys.Order(StringComparer.Ordinal).ToList(), value, unit, contributions, folded);
    }
}
