using FlutHilfe.Domain.Shared;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace FlutHilfe.Projections.Snapshots;

/// <summary>
/// The snapshot of one stream kind (appeal, donation, payment, …), kept by Marten with the stream's own Evolve function, the
/// one its decider, the command handlers and the specs use. Only the stream's events (<see cref="IEventOf{TState}"/>)
/// reach it.
/// </summary>
public sealed class StreamSnapshot<TState> : SingleStreamProjection<TState, Guid> where TState : class
{
    private readonly Func<TState?, object, TState?> _evolve;

    public StreamSnapshot(Func<TState?, object, TState?> evolve)
    {
        _evolve = evolve;
        Name = typeof(TState).Name;
        IncludeType<IEventOf<TState>>();
    }

    public override TState? Evolve(TState? snapshot, Guid id, IEvent e) => _evolve(snapshot, e.Data);
}
