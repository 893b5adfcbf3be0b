using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Funds.Allocating;
using FlutHilfe.Domain.Shared;
using JasperFx.Events;
using Marten.Events.Projections;

namespace FlutHilfe.Projections.Appeals;

public sealed record PublicAllocation(Guid AllocationId, DateOnly DecidedOn, string DecisionReference, string? PurposeId, Money Amount);

/// <summary>A spending item as the public sees it: the payee only when it is an organisation, never a private person.</summary>
public sealed record PublicSpendingItem(Guid ItemId, Guid AllocationId, DateOnly Date, string PurposeId, Money Amount, string? Facility, string? Payee);

public sealed record PublicMunicipality(IReadOnlyList<PublicAllocation> Allocations, IReadOnlyList<PublicSpendingItem> Items);

/// <summary>Where the money went, per municipality. Public: holds no donor data and no private payees.</summary>
public sealed record TransparencyReport
{
    public string Id { get; init; } = "";
    public IReadOnlyDictionary<string, PublicMunicipality> Municipalities { get; init; } = new Dictionary<string, PublicMunicipality>();

    public static readonly Type[] EventTypes = [typeof(FundsAllocated), typeof(AllocationWithdrawn), typeof(SpendingReported), typeof(SpendingWithdrawn)];

    public static IReadOnlyList<string> IdsFor(object data) => data switch
    {
        FundsAllocated e => [e.AppealId],
        AllocationWithdrawn e => [e.AppealId],
        SpendingReported e => [e.AppealId],
        SpendingWithdrawn e => [e.AppealId],
        _ => [],
    };

    public static TransparencyReport Fold(TransparencyReport? snapshot, string id, IEvent e)
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
            _ => r,
        };
    }

    private static TransparencyReport Change(TransparencyReport r, string municipalityId, Func<PublicMunicipality, PublicMunicipality> change)
    {
        var copy = new Dictionary<string, PublicMunicipality>(r.Municipalities);
        copy[municipalityId] = change(copy.GetValueOrDefault(municipalityId) ?? new PublicMunicipality([], []));
        return r with { Municipalities = copy };
    }
}

public sealed partial class TransparencyProjection : MultiStreamProjection<TransparencyReport, string>
{
    public TransparencyProjection()
    {
        Identities<FundsAllocated>(TransparencyReport.IdsFor);
        Identities<AllocationWithdrawn>(TransparencyReport.IdsFor);
        Identities<SpendingReported>(TransparencyReport.IdsFor);
        Identities<SpendingWithdrawn>(TransparencyReport.IdsFor);
    }

    public override TransparencyReport? Evolve(TransparencyReport? snapshot, string id, IEvent e) => TransparencyReport.Fold(snapshot, id, e);
}
