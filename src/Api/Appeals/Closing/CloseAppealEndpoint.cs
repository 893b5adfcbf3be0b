using FlutHilfe.Api.Infrastructure;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Shared;
using Microsoft.AspNetCore.Authorization;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace FlutHilfe.Api.Appeals.Closing;

public sealed record CloseAppealRequest(string? Reason);

public static class CloseAppealEndpoint
{
    [WolverinePost("/api/appeals/{appealId}/close", OperationId = "closeAppeal")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Close an appeal to new pledges (treasurer)")]
    [ProducesResponseType<AppealView>(200)]
    public static async Task<IResult> Post(string appealId, CloseAppealRequest request, IMessageBus bus, TimeProvider clock, CancellationToken ct)
    {
        var reason = Text.Require(request.Reason, "reason", 500);
        var command = new CloseAppeal(AppealLookup.Require(appealId), reason, clock.GetUtcNow());
        return Results.Ok(AppealView.From(await bus.InvokeAsync<Appeal>(command, ct)));
    }
}

public static class CloseAppealHandler
{
    public static (IReadOnlyList<object>, Appeal) Handle(CloseAppeal command,
        [WriteAggregate(nameof(CloseAppeal.AppealStreamId), Required = false)] Appeal? appeal)
        => AppealDecider.Decide(command, appeal).WithStateAfter(appeal, AppealDecider.Evolve);
}
