using FlutHilfe.Api.Infrastructure;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Projections.Funds;
using FlutHilfe.Projections.Replaying;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace FlutHilfe.Api.Funds.GettingBalances;

public sealed record FundView(
    string Fund,
    string? MunicipalityId,
    string? PurposeId,
    long ConfirmedCents,
    long RefundedCents,
    long AllocatedCents,
    long ReturnedCents,
    long AvailableCents,
    bool Overdrawn);

public static class FundsEndpoint
{
    [WolverineGet("/api/appeals/{appealId}/funds", OperationId = "getFunds")]
    [Authorize(Roles = Roles.TreasurerOrAuditor)]
    [EndpointSummary("Money per fund of an appeal, now or as of a past instant (treasurer, auditor)")]
    public static async Task<IReadOnlyList<FundView>> Get(string appealId, string? asOf, IQuerySession session, TimeProvider clock, CancellationToken ct)
    {
        var instant = AsOf.Parse(asOf, clock);
        var funds = instant is { } at
            ? (await AsOfReplay.ReplayAsync<FundBalance>(session, at, FundBalance.EventTypes, FundBalance.IdsFor, FundBalance.Fold,
                id => id.StartsWith(appealId + "|", StringComparison.Ordinal), ct)).Values.ToList()
            : await session.Query<FundBalance>().Where(f => f.AppealId == appealId).ToListAsync(ct);
        return funds.OrderBy(f => f.FundKey, StringComparer.Ordinal).Select(f => new FundView(
            f.FundKey, f.MunicipalityId, f.PurposeId, f.Confirmed.Cents, f.Refunded.Cents, f.Allocated.Cents,
            f.Returned.Cents, f.Available.Cents, f.IsOverdrawn)).ToList();
    }
}
