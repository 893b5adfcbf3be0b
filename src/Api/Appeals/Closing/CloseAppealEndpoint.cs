using FlutHilfe.Api.Appeals.Extending;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Domain.Appeals.Closing;
using FlutHilfe.Domain.Shared;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace FlutHilfe.Api.Appeals.Closing;

public sealed record CloseAppealRequest(string? Reason);

public static class CloseAppealEndpoint
{
    [WolverinePost("/api/appeals/{appealId}/close", OperationId = "closeAppeal")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Close an appeal to new pledges (treasurer)")]
    [ProducesResponseType<AppealView>(200)]
    public static async Task<IResult> Post(string appealId, CloseAppealRequest request, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var reason = Text.Require(request.Reason, "reason", 500);
        var stream = await AppealStreams.FetchExisting(session, appealId, ct);
        var events = ClosingDecision.Decide(new CloseAppeal(appealId, reason), stream.Aggregate!, clock.GetUtcNow());
        stream.AppendMany(events);
        return Results.Ok(AppealView.From(events.Aggregate(stream.Aggregate!, (a, e) => a.Apply((AppealClosed)e))));
    }
}
