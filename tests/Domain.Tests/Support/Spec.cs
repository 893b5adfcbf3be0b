using System.Collections;
using System.Text.Json;
using System.Text.Json.Serialization;
using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Payments;
using FlutHilfe.Domain.Receipts;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Tests.Support;

/// <summary>
/// Given(events) / When(command) / Then(events or refusal) over one stream's decider: the state is folded from the given
/// events with the stream's own Evolve (the one Marten's snapshot and the command handlers use), and a command goes to the
/// decider's <c>Decide(command, state)</c> overload for its type. The only spec helper of these tests.
/// </summary>
public static class Spec
{
    public static Spec<Appeal> Appeal() => new(AppealDecider.Evolve, (c, s) => AppealDecider.Decide((dynamic)c, s));

    /// <summary>Decisions about a donation's own stream; a pledge decides on the appeal (<see cref="Appeal"/>).</summary>
    public static Spec<Donation> Donation() => new(DonationDecider.Evolve, (c, s) => DonationDecider.Decide((dynamic)c, s!));

    public static Spec<Allocation> Allocation() => new(AllocationDecider.Evolve, (c, s) => AllocationDecider.Decide((dynamic)c, s));

    /// <summary>Payments change donations too: decide with <see cref="Spec{TState}.When(Func{TState, IReadOnlyList{object}})"/>.</summary>
    public static Spec<Payment> Payment() => new(PaymentDecider.Evolve);

    /// <summary>Receipts change donations too: decide with <see cref="Spec{TState}.When(Func{TState, IReadOnlyList{object}})"/>.</summary>
    public static Spec<Receipt> Receipt() => new(ReceiptDecider.Evolve);
}

public sealed class Spec<TState>(Func<TState?, object, TState?> evolve, Func<object, TState?, IReadOnlyList<object>>? decide = null) where TState : class
{
    private readonly List<object> _given = [];

    public Spec<TState> Given(params object[] events)
    {
        _given.AddRange(events);
        return this;
    }

    /// <summary>Also takes what a decision returned, so a spec can go on from there.</summary>
    public Spec<TState> Given(IEnumerable<object> events) => Given(events.ToArray());

    public TState? State => ((TState?)null).After(_given, evolve);

    /// <summary>The stream's decider decides the command on the state given so far.</summary>
    public Decision When(object command)
    {
        var state = State;
        return new Decision(() => (decide ?? throw new InvalidOperationException($"Decide {command.GetType().Name} with When(state => …).")).Invoke(command, state));
    }

    /// <summary>A decision that needs more than this stream's state (another stream, a clock-free input).</summary>
    public Decision When(Func<TState?, IReadOnlyList<object>> decision)
    {
        var state = State;
        return new Decision(() => decision(state));
    }

    /// <summary>
    /// A decision that answers more than events: what a handler goes on with (the payments of a collective receipt, a
    /// receipt's replacement, a receipt request with the donor's profile).
    /// </summary>
    public Answer<TResult> When<TResult>(Func<TState?, TResult> decision) where TResult : notnull
    {
        var state = State;
        return new Answer<TResult>(() => decision(state));
    }
}

/// <summary>What a decision answered: its events, or its refusal (decided only when asked for, so a refusal can be asserted).</summary>
public sealed class Decision(Func<IReadOnlyList<object>> decide) : IReadOnlyList<object>
{
    private IReadOnlyList<object>? _events;

    private IReadOnlyList<object> Events => _events ??= decide();

    /// <summary>The decided events, compared by type and value (lists inside events included), in order.</summary>
    public void Then(params object[] expected) => Events.Select(Describe).ShouldBe(expected.Select(Describe));

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>An event as its type and JSON: records holding lists compare by their items, and a failure shows both sides.</summary>
    private static string Describe(object e) => $"{e.GetType().Name} {JsonSerializer.Serialize(e, e.GetType(), Json)}";

    /// <summary>A repeated command (or one that changes nothing) decides nothing.</summary>
    public void ThenNothing() => Events.ShouldBeEmpty();

    public DomainException ThenRefused(RefusalKind kind, string? field = null)
    {
        var refusal = Should.Throw<DomainException>(() => decide());
        refusal.Kind.ShouldBe(kind);
        if (field is not null) refusal.Field.ShouldBe(field);
        return refusal;
    }

    public int Count => Events.Count;

    public object this[int index] => Events[index];

    public IEnumerator<object> GetEnumerator() => Events.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>What a decision answered beyond events, or its refusal (decided only when asked for).</summary>
public sealed class Answer<TResult>(Func<TResult> decide) where TResult : notnull
{
    /// <summary>The answer, for assertions on it; returns it so a spec can go on from there.</summary>
    public TResult Then(Action<TResult> expect)
    {
        var answer = decide();
        expect(answer);
        return answer;
    }

    public DomainException ThenRefused(RefusalKind kind, string? field = null)
    {
        var refusal = Should.Throw<DomainException>(() => decide());
        refusal.Kind.ShouldBe(kind);
        if (field is not null) refusal.Field.ShouldBe(field);
        return refusal;
    }
}
