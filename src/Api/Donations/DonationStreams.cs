using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Shared;
using JasperFx.Events;
using Marten;

namespace FlutHilfe.Api.Donations;

/// <summary>
/// Donation streams fetched for writing (optimistic concurrency on each), for command handlers whose decision spans a number
/// of donations known only at run time (a split, an undone match, a receipt), which <c>[WriteAggregate]</c> parameters cannot name.
/// </summary>
public sealed record DonationStreams(IReadOnlyList<IEventStream<Donation>> Streams)
{
    /// <summary>The donations that exist, by id.</summary>
    public IReadOnlyDictionary<Guid, Donation> Existing { get; } = Streams.Where(s => s.Aggregate is not null).ToDictionary(s => s.Id, s => s.Aggregate!);

    public static async Task<DonationStreams> FetchForWritingAsync(IDocumentSession session, IEnumerable<Guid> donationIds, CancellationToken ct)
    {
        var streams = new List<IEventStream<Donation>>();
        foreach (var id in donationIds.Distinct()) streams.Add(await session.Events.FetchForWriting<Donation>(id, ct));
        return new DonationStreams(streams);
    }

    public IEventStream<Donation> this[Guid donationId] => Streams.First(s => s.Id == donationId);

    /// <summary>Appends each change to its donation's stream; answers every existing donation as it stands after them.</summary>
    public IReadOnlyDictionary<Guid, Donation> Append(IEnumerable<DonationChange> changes)
    {
        var after = Existing.ToDictionary();
        foreach (var change in changes)
        {
            this[change.DonationId].AppendMany(change.Events);
            after[change.DonationId] = after[change.DonationId].After(change.Events, DonationDecider.Evolve)!;
        }
        return after;
    }
}
