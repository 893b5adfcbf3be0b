using FlutHilfe.Api.Infrastructure;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Projections.Appeals.Reporting;
using FlutHilfe.Projections.Replaying;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Wolverine.Http;

namespace FlutHilfe.Api.Appeals.Reporting;

public sealed record MunicipalityTotalsView(string MunicipalityId, string Name, long AllocatedCents, long SpentCents, long ReturnedCents);

public sealed record TotalsView(string AppealId, DateTimeOffset? AsOf, long PledgedCents, int Pledges, long ReceivedCents, long ReturnedByBankCents,
    int Donations, long AllocatedCents, long SpentCents, long ReturnedByMunicipalitiesCents, IReadOnlyList<MunicipalityTotalsView> Municipalities,
    DateOnly? EffectiveOn = null);

public sealed record PublicItemView(DateOnly Date, string PurposeId, string PurposeName, long AmountCents, string? Facility, string? Payee);

public sealed record PublicAllocationView(DateOnly DecidedOn, string DecisionReference, string? PurposeId, string? PurposeName, long AmountCents);

public sealed record PublicMunicipalityView(string MunicipalityId, string Name, string? District, IReadOnlyList<PublicAllocationView> Allocations, IReadOnlyList<PublicItemView> Spending);

public sealed record TransparencyView(string AppealId, string Title, DateTimeOffset? AsOf, IReadOnlyList<PublicMunicipalityView> Municipalities,
    DateOnly? EffectiveOn = null);

public static class PublicFiguresEndpoints
{
    [WolverineGet("/api/appeals/{appealId}/totals", OperationId = "getAppealTotals")]
    [AllowAnonymous]
    [EnableRateLimiting(RateLimiting.Replays)]
    [EndpointSummary("Public totals of an appeal: pledged, received, donations, allocated, spent, per municipality")]
    public static async Task<TotalsView> Totals(string appealId, string? asOf, string? effectiveOn, IQuerySession session, TimeProvider clock, CancellationToken ct)
    {
        var (appeal, window, totals) = await LoadAsync<AppealTotals, IAppealEvent>(appealId, asOf, effectiveOn, session, clock, id => new AppealTotals { Id = id }, ct);
        return new TotalsView(appealId, window.AsOf, totals.Pledged.Cents, totals.Pledges, totals.Received.Cents, totals.ReturnedByBank.Cents, totals.Donations,
            totals.Allocated.Cents, totals.Spent.Cents, totals.ReturnedByMunicipalities.Cents,
            totals.PerMunicipality.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => new MunicipalityTotalsView(
                m.Key, appeal.FindMunicipality(m.Key)?.Name ?? m.Key, m.Value.Allocated.Cents, m.Value.Spent.Cents, m.Value.Returned.Cents)).ToList(), window.EffectiveOn);
    }

    [WolverineGet("/api/appeals/{appealId}/transparency", OperationId = "getTransparency")]
    [AllowAnonymous]
    [EnableRateLimiting(RateLimiting.Replays)]
    [EndpointSummary("Where the money went: allocations and spending per municipality (public, no personal data)")]
    public static async Task<TransparencyView> Transparency(string appealId, string? asOf, string? effectiveOn, IQuerySession session, TimeProvider clock, CancellationToken ct)
    {
        var (appeal, window, report) = await LoadAsync<TransparencyReport, IAllocationEvent>(appealId, asOf, effectiveOn, session, clock, id => new TransparencyReport { Id = id }, ct);
        return new TransparencyView(appealId, appeal.Title, window.AsOf, report.Municipalities.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m =>
        {
            var municipality = appeal.FindMunicipality(m.Key);
            return new PublicMunicipalityView(m.Key, municipality?.Name ?? m.Key, municipality?.District,
                m.Value.Allocations.Select(a => new PublicAllocationView(a.DecidedOn, a.DecisionReference, a.PurposeId,
                    a.PurposeId is null ? null : appeal.FindPurpose(a.PurposeId)?.Name, a.Amount.Cents)).ToList(),
                m.Value.Items.OrderBy(i => i.Date).Select(i => new PublicItemView(i.Date, i.PurposeId, appeal.FindPurpose(i.PurposeId)?.Name ?? i.PurposeId,
                    i.Amount.Cents, i.Facility, i.Payee)).ToList());
        }).ToList(), window.EffectiveOn);
    }

    /// <summary>The appeal (404 when unknown) and its public read model, now or through the two clocks (<paramref name="asOf"/>,
    /// <paramref name="effectiveOn"/>); empty when nothing happened yet.</summary>
    private static async Task<(Appeal Appeal, ReplayWindow Window, TDoc Figures)> LoadAsync<TDoc, TRoute>(string appealId, string? asOf, string? effectiveOn, IQuerySession session,
        TimeProvider clock, Func<string, TDoc> empty, CancellationToken ct)
        where TDoc : class, IReadModel<TDoc, TRoute>
        where TRoute : class
    {
        var appeal = await AppealLookup.LoadAsync(session, appealId, ct);
        var window = Clocks.Parse(asOf, effectiveOn, clock);
        var figures = await AsOfReplay.CurrentOrAsOfAsync<TDoc, TRoute>(session, window, id => id == appealId,
            async (s, c) => await s.LoadAsync<TDoc>(appealId, c) is { } doc ? [doc] : [], ct);
        return (appeal, window, figures.FirstOrDefault() ?? empty(appealId));
    }
}
