using JasperFx.Events;
using Marten.Events.Projections;

namespace FlutHilfe.Projections.Replaying;

/// <summary>
/// A read model kept across streams: which documents an event of the routing kind <typeparamref name="TRoute"/> (an event
/// interface such as <c>IAppealEvent</c>) touches, and the fold. The projection and the as-of replay both use these two,
/// so the routing is written once and no list of event types has to be kept in step.
/// </summary>
public interface IReadModel<TSelf, in TRoute> where TSelf : class, IReadModel<TSelf, TRoute>
{
    static abstract IReadOnlyList<string> IdsFor(TRoute e);

    /// <summary>The fold; returns the snapshot unchanged (null stays null) for events it does not count.</summary>
    static abstract TSelf? Fold(TSelf? snapshot, string id, IEvent e);
}

/// <summary>The Marten projection of a <see cref="IReadModel{TSelf,TRoute}"/>.</summary>
public abstract class ReadModelProjection<TDoc, TRoute> : MultiStreamProjection<TDoc, string>
    where TDoc : class, IReadModel<TDoc, TRoute>
    where TRoute : class
{
    protected ReadModelProjection() => Identities<TRoute>(TDoc.IdsFor);

    public override TDoc? Evolve(TDoc? snapshot, string id, IEvent e) => TDoc.Fold(snapshot, id, e);
}

public static class ReadModelMaps
{
    /// <summary>A copy of the map with one entry changed (started from <paramref name="empty"/> when missing): read models stay immutable.</summary>
    public static IReadOnlyDictionary<TKey, TValue> With<TKey, TValue>(this IReadOnlyDictionary<TKey, TValue> map, TKey key, TValue empty, Func<TValue, TValue> change)
        where TKey : notnull
    {
        var copy = new Dictionary<TKey, TValue>(map);
        copy[key] = change(copy.TryGetValue(key, out var value) ? value : empty);
        return copy;
    }
}
