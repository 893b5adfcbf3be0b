using System.Security.Claims;
using FlutHilfe.Api.Infrastructure;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Projections.Municipalities;
using FlutHilfe.Projections.Replaying;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace FlutHilfe.Api.Municipalities;

public sealed record AmountsView(long AllocatedCents, long DisbursedCents, long SpentCents, long ReturnedCents, long OpenCents);

public sealed record AllocationLine(Guid AllocationId, string? PurposeId, long AllocatedCents, long DisbursedCents, long SpentCents,
    long ReturnedCents, long OpenCents, string ProofStatus, int ItemsWithoutDocument, string DecisionReference, DateOnly DecidedOn);

public sealed record AppealBalanceView(string AppealId, AmountsView Total, IReadOnlyDictionary<string, AmountsView> PerPurpose,
    int ItemsWithoutDocument, IReadOnlyList<AllocationLine> Allocations);

public sealed record MunicipalityBalanceView(string MunicipalityId, DateTimeOffset? AsOf, AmountsView Total, IReadOnlyList<AppealBalanceView> Appeals,
    DateOnly? EffectiveOn = null);

public static class MunicipalityBalanceEndpoint
{
    [WolverineGet("/api/municipalities/{municipalityId}/balance", OperationId = "getMunicipalityBalance")]
    [Authorize(Roles = Roles.Treasurer + "," + Roles.Auditor + "," + Roles.Municipality)]
    [EndpointSummary("Allocated, disbursed, spent, returned and open money of a municipality, now, as known at a past instant (asOf) and/or as effective on a booking date (effectiveOn) (own clerk, treasurer, auditor)")]
    public static async Task<MunicipalityBalanceView> Get(string municipalityId, string? asOf, string? effectiveOn, IQuerySession session, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        if (!Slug.IsValid(municipalityId)) throw DomainException.NotFound($"No municipality '{municipalityId}'.");
        Access.RequireMunicipality(user, municipalityId);
        var window = Clocks.Parse(asOf, effectiveOn, clock);
        var balances = await AsOfReplay.CurrentOrAsOfAsync<MunicipalityBalance, IAllocationEvent>(session, window,
            id => id.EndsWith("|" + municipalityId, StringComparison.Ordinal),
            async (s, c) => await s.Query<MunicipalityBalance>().Where(b => b.MunicipalityId == municipalityId).ToListAsync(c), ct);

        var appeals = balances.OrderBy(b => b.AppealId, StringComparer.Ordinal).Select(b => new AppealBalanceView(
            b.AppealId,
            Amounts(b.Allocated, b.Disbursed, b.Spent, b.Returned),
            b.PerPurpose.ToDictionary(p => p.Key, p => Amounts(p.Value.Allocated, p.Value.Disbursed, p.Value.Spent, p.Value.Returned)),
            b.ItemsWithoutDocument,
            b.Allocations.Select(a => new AllocationLine(a.AllocationId, a.PurposeId, a.Allocated.Cents, a.Disbursed.Cents, a.Spent.Cents,
                a.Returned.Cents, (a.Allocated - a.Spent - a.Returned).Cents, a.ProofStatus, a.ItemsWithoutDocument, a.DecisionReference, a.DecidedOn)).ToList()))
            .ToList();
        var total = Amounts(Sum(balances, b => b.Allocated), Sum(balances, b => b.Disbursed), Sum(balances, b => b.Spent), Sum(balances, b => b.Returned));
        return new MunicipalityBalanceView(municipalityId, window.AsOf, total, appeals, window.EffectiveOn);
    }

    private static AmountsView Amounts(Money allocated, Money disbursed, Money spent, Money returned)
        => new(allocated.Cents, disbursed.Cents, spent.Cents, returned.Cents, (allocated - spent - returned).Cents);

    private static Money Sum(IEnumerable<MunicipalityBalance> balances, Func<MunicipalityBalance, Money> pick)
        => balances.Aggregate(Money.Zero, (s, b) => s + pick(b));
}
