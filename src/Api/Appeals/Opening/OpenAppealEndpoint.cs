using FlutHilfe.Api.Infrastructure;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Domain.Appeals;
using Microsoft.AspNetCore.Authorization;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace FlutHilfe.Api.Appeals.Opening;

public static class OpenAppealEndpoint
{
    [WolverinePost("/api/appeals", OperationId = "openAppeal")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Open an appeal (treasurer)")]
    [ProducesResponseType<AppealView>(201)]
    [ProducesResponseType<ProblemDetails>(409)]
    [ProducesResponseType<ProblemDetails>(422)]
    public static async Task<IResult> Post(OpenAppealRequest request, IMessageBus bus, TimeProvider clock, CancellationToken ct)
    {
        var appeal = await bus.InvokeAsync<Appeal>(request.ToCommand(clock.GetUtcNow()), ct);
        return Results.Created($"/api/appeals/{appeal.AppealId}", AppealView.From(appeal));
    }
}

/// <summary>Opens the appeal's stream (a retry of the same opening appends nothing); answers the appeal.</summary>
public static class OpenAppealHandler
{
    public static (IReadOnlyList<object>, Appeal) Handle(OpenAppeal command,
        [WriteAggregate(nameof(OpenAppeal.AppealStreamId), Required = false)] Appeal? appeal)
        => AppealDecider.Decide(command, appeal).WithStateAfter(appeal, AppealDecider.Evolve);
}
