using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Projections.Funds;
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
    [EndpointSummary("Money per fund of an appeal: confirmed, refunded, allocated, returned, available (treasurer, auditor)")]
    public static async Task<IReadOnlyList<FundView>> Get(string appealId, IQuerySession session, CancellationToken ct)
    {
        var funds = await session.Query<FundBalance>().Where(f => f.AppealId == appealId).ToListAsync(ct);
        return funds.OrderBy(f => f.FundKey, StringComparer.Ordinal).Select(f => new FundView(
            f.FundKey, f.MunicipalityId, f.PurposeId, f.Confirmed.Cents, f.Refunded.Cents, f.Allocated.Cents,
            f.Returned.Cents, f.Available.Cents, f.IsOverdrawn)).ToList();
    }
}
