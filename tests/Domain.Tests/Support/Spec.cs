using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Tests.Support;

/// <summary>
/// Given(events) / When(command) / Then(events or refusal) over a pure decision.
/// <typeparamref name="TState"/> is folded from the given events with the supplied evolve function.
/// </summary>
public sealed class Spec<TState>(Func<TState?, object, TState?> evolve)
{
    private readonly List<object> _given = [];

    public Spec<TState> Given(params object[] events)
    {
        _given.AddRange(events);
        return this;
    }

    public TState? State => _given.Aggregate(default(TState), evolve);

    public IReadOnlyList<object> When(Func<TState?, IReadOnlyList<object>> decide) => decide(State);

    public void Then(Func<TState?, IReadOnlyList<object>> decide, params object[] expected)
        => decide(State).ShouldBe(expected);

    public DomainException ThenRefused(Func<TState?, IReadOnlyList<object>> decide, RefusalKind kind, string? field = null)
    {
        var refusal = Should.Throw<DomainException>(() => decide(State));
        refusal.Kind.ShouldBe(kind);
        if (field is not null) refusal.Field.ShouldBe(field);
        return refusal;
    }
}
