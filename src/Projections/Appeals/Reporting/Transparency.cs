using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Funds.Allocating;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Projections.Replaying;
using JasperFx.Events;

namespace FlutHilfe.Projections.Appeals.Reporting;

public sealed record PublicAllocation(Guid AllocationId, DateOnly DecidedOn, string DecisionReference, string? PurposeId, Money Amount);

/// <summary>A spending item as the public sees it: the payee only when it is an organisation, never a private person.</summary>
public sealed record PublicSpendingItem(Guid ItemId, Guid AllocationId, DateOnly Date, string PurposeId, Money Amount, string? Facility, string? Payee);

public sealed record PublicMunicipality(IReadOnlyList<PublicAllocation> Allocations, IReadOnlyList<PublicSpendingItem> Items);

/// <summary>Where the money went, per municipality. Public: holds no donor data and no private payees.</summary>
public sealed record TransparencyReport : IReadModel<TransparencyReport, IAllocationEvent>
{
    public string Id { get; init; } = "";
    public IReadOnlyDictionary<string, PublicMunicipality> Municipalities { get; init; } = new Dictionary<string, PublicMunicipality>();

    public static IReadOnlyList<string> IdsFor(IAllocationEvent e) => [e.AppealId];

    public static TransparencyReport? Fold(TransparencyReport? snapshot, string id, IEvent e)
    {
        var r = snapshot ?? new TransparencyReport { Id = id };
        return e.Data switch
        {
            FundsAllocated x => Change(r, x.MunicipalityId, m => m with { Allocations = [.. m.Allocations, new PublicAllocation(x.AllocationId, x.DecidedOn, x.DecisionReference, x.PurposeId, x.Amount)] }),
            AllocationWithdrawn x => Change(r, x.MunicipalityId, m => m with
            {
                Allocations = m.Allocations.Select(a => a.AllocationId == x.AllocationId ? a with { Amount = a.Amount - x.Amount } : a).ToList(),
            }),
            SpendingReported x => Change(r, x.MunicipalityId, m => m with
            {
                Items = [.. m.Items, new PublicSpendingItem(x.ItemId, x.AllocationId, x.Date, x.PurposeId, x.Amount, x.Facility, x.PayeeIsOrganisation ? x.Payee : null)],
            }),
            SpendingWithdrawn x => Change(r, x.MunicipalityId, m => m with { Items = m.Items.Where(i => i.ItemId != x.ItemId).ToList() }),
            _ => snapshot,
        };
    }

    private static TransparencyReport Change(TransparencyReport r, string municipalityId, Func<PublicMunicipality, PublicMunicipality> change)
        => r with { Municipalities = r.Municipalities.With(municipalityId, new PublicMunicipality([], []), change) };
}

/// <summary>Kept by the async daemon from the events of every allocation of an appeal.</summary>
public sealed partial class TransparencyProjection : ReadModelProjection<TransparencyReport, IAllocationEvent>;
