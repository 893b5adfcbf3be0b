using FlutHilfe.Domain.Funds;

namespace FlutHilfe.Domain.Shared;

/// <summary>
/// An event of one stream whose state is <typeparamref name="TState"/> (the stream's snapshot folds exactly these events).
/// A marker only: it adds nothing to the stored JSON.
/// </summary>
public interface IEventOf<TState>;

/// <summary>An event that belongs to one appeal, named by its public id (the slug, JSON <c>appealId</c>).</summary>
public interface IAppealEvent
{
    string AppealId { get; }
}

/// <summary>An event of an allocation's stream: it belongs to one municipality of one appeal.</summary>
public interface IAllocationEvent : IAppealEvent
{
    Guid AllocationId { get; }

    string MunicipalityId { get; }
}

/// <summary>An event that moves money into or out of funds (earmarks) of its appeal.</summary>
public interface IFundEvent : IAppealEvent
{
    /// <summary>The funds it touches (a method, so it never becomes part of the stored JSON).</summary>
    IEnumerable<Fund> Funds();
}

/// <summary>Every event type of the domain, found once by reflection over the marker <see cref="IEventOf{TState}"/>.</summary>
public static class DomainEvents
{
    public static IReadOnlyList<Type> All { get; } = typeof(DomainEvents).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEventOf<>)))
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .ToList();

    /// <summary>The event types a routing interface (e.g. <see cref="IAppealEvent"/>) covers.</summary>
    public static IReadOnlyList<Type> Implementing(Type routing) => All.Where(routing.IsAssignableFrom).ToList();
}

/// <summary>Folding events into the state of one stream with that stream's one Evolve function (its decider's).</summary>
public static class Folding
{
    /// <summary>The state after <paramref name="events"/> (e.g. what a command handler answers after deciding).</summary>
    public static TState? After<TState>(this TState? state, IEnumerable<object> events, Func<TState?, object, TState?> evolve) where TState : class
        => events.Aggregate(state, evolve);
}
