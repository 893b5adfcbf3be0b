using FlutHilfe.Domain.Donors;
using Marten;
using Marten.Events;

namespace FlutHilfe.Api.Donors.Merging;

/// <summary>
/// Which donor record counts as which (merges by the treasury, links made by the donor), folded from the merge facts in
/// log order. Merges are rare (a few per thousand donors), so every reader folds them all; a record that is not merged
/// counts as itself.
/// </summary>
public sealed record DonorGroups(IReadOnlyDictionary<Guid, Guid> PartOf)
{
    /// <summary>Groups are one level deep (the decision refuses more); the walk is bounded all the same.</summary>
    private const int DepthMax = 8;

    public Guid RootOf(Guid donorId)
    {
        for (var i = 0; i < DepthMax && PartOf.TryGetValue(donorId, out var next); i++) donorId = next;
        return donorId;
    }

    /// <summary>Every record that counts as the same donor as <paramref name="donorId"/>, the record they count as first.</summary>
    public IReadOnlyList<Guid> GroupOf(Guid donorId)
    {
        var root = RootOf(donorId);
        return PartOf.Keys.Where(k => RootOf(k) == root).Prepend(root).Distinct().ToList();
    }

    /// <summary>How many records are merged into <paramref name="donorId"/> directly.</summary>
    public int MembersOf(Guid donorId) => PartOf.Values.Count(v => v == donorId);

    public static async Task<DonorGroups> LoadAsync(IQuerySession session, CancellationToken ct)
    {
        var facts = await session.Events.QueryAllRawEvents()
            .Where(e => e.EventTypesAre(typeof(DonorsMerged), typeof(DonorMergeUndone)))
            .OrderBy(e => e.Sequence)
            .ToListAsync(ct);
        var partOf = new Dictionary<Guid, Guid>();
        foreach (var fact in facts)
        {
            switch (fact.Data)
            {
                case DonorsMerged merged: partOf[merged.DonorId] = merged.IntoDonorId; break;
                case DonorMergeUndone undone: partOf.Remove(undone.DonorId); break;
            }
        }
        return new DonorGroups(partOf);
    }
}
