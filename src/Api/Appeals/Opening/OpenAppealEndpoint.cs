using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Appeals.Opening;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace FlutHilfe.Api.Appeals.Opening;

public static class OpenAppealEndpoint
{
    [WolverinePost("/api/appeals", OperationId = "openAppeal")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Open an appeal (treasurer)")]
    [ProducesResponseType<AppealView>(201)]
    [ProducesResponseType<ProblemDetails>(409)]
    [ProducesResponseType<ProblemDetails>(422)]
    public static async Task<IResult> Post(OpenAppealRequest request, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var appeal = await Open(request.ToCommand(), session, clock, ct);
        return Results.Created($"/api/appeals/{appeal.Slug}", AppealView.From(appeal));
    }

    /// <summary>Shared by the endpoint and the demo seeder: decide, append, return the resulting state.</summary>
    public static async Task<Appeal> Open(OpenAppeal command, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<Appeal>(AppealStream.IdFor(command.AppealId), ct);
        var events = OpeningDecision.Decide(command, stream.Aggregate, clock.GetUtcNow());
        stream.AppendMany(events);
        return stream.Aggregate ?? Appeal.Create((AppealOpened)events[0]);
    }
}
