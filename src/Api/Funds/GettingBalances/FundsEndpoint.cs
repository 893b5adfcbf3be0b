using FlutHilfe.Api.Infrastructure;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Projections.Funds;
using FlutHilfe.Projections.Replaying;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace FlutHilfe.Api.Funds.GettingBalances;

/// <summary>
/// A fund's figures. <see cref="HeldCents"/>: the part of <see cref="AvailableCents"/> held for donors asked by an open
/// earmark question; allocations and further decisions may use only <c>availableCents − heldCents</c>.
/// </summary>
public sealed record FundView(
    string Fund,
    string? MunicipalityId,
    string? PurposeId,
    long ConfirmedCents,
    long RefundedCents,
    long AllocatedCents,
    long ReturnedCents,
    long AvailableCents,
    bool Overdrawn,
    long HeldCents);

public static class FundsEndpoint
{
    [WolverineGet("/api/appeals/{appealId}/funds", OperationId = "getFunds")]
    [Authorize(Roles = Roles.TreasurerOrAuditor)]
    [EndpointSummary("Money per fund of an appeal, now, as known at a past instant (asOf) and/or as effective on a booking date (effectiveOn) (treasurer, auditor)")]
    public static async Task<IReadOnlyList<FundView>> Get(string appealId, string? asOf, string? effectiveOn, IQuerySession session, TimeProvider clock, CancellationToken ct)
    {
        var window = Clocks.Parse(asOf, effectiveOn, clock);
        var funds = await AsOfReplay.CurrentOrAsOfAsync<FundBalance, IFundEvent>(session, window, id => id.StartsWith(appealId + "|", StringComparison.Ordinal),
            async (s, c) => await s.Query<FundBalance>().Where(f => f.AppealId == appealId).ToListAsync(c), ct);
        return funds.OrderBy(f => f.FundKey, StringComparer.Ordinal).Select(f => new FundView(
            f.FundKey, f.MunicipalityId, f.PurposeId, f.Confirmed.Cents, f.Refunded.Cents, f.Allocated.Cents,
            f.Returned.Cents, f.Available.Cents, f.IsOverdrawn, f.Held.Cents)).ToList();
    }
}
