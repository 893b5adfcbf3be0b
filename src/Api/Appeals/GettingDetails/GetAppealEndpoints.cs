using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Shared;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace FlutHilfe.Api.Appeals.GettingDetails;

public static class GetAppealEndpoints
{
    [WolverineGet("/api/appeals", OperationId = "listAppeals")]
    [AllowAnonymous]
    [EndpointSummary("List all appeals (public)")]
    public static async Task<IReadOnlyList<AppealView>> List(IQuerySession session, CancellationToken ct)
    {
        var appeals = await session.Query<Appeal>().OrderBy(a => a.OpenedAt).Take(1000).ToListAsync(ct);
        return appeals.Select(AppealView.From).ToList();
    }

    [WolverineGet("/api/appeals/{appealId}", OperationId = "getAppeal")]
    [AllowAnonymous]
    [EndpointSummary("Get one appeal with its purposes and municipalities (public)")]
    [ProducesResponseType<AppealView>(200)]
    [ProducesResponseType<ProblemDetails>(404)]
    public static async Task<AppealView> Get(string appealId, IQuerySession session, CancellationToken ct)
        => AppealView.From(await AppealLookup.LoadAsync(session, appealId, ct));
}
