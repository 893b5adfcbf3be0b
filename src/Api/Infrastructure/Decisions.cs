namespace FlutHilfe.Api.Infrastructure;

/// <summary>Small helpers for command handlers on Wolverine's aggregate handler workflow.</summary>
public static class Decisions
{
    /// <summary>
    /// The decided events (appended by the workflow) and the state after them (the handler's answer), folded with the
    /// stream's one Evolve function.
    /// </summary>
    public static (IReadOnlyList<object> Events, TState After) WithStateAfter<TState>(this IReadOnlyList<object> events, TState? before,
        Func<TState?, object, TState?> evolve) where TState : class
        => (events, events.Aggregate(before, evolve) ?? throw new InvalidOperationException($"No {typeof(TState).Name} after the decided events."));
}
