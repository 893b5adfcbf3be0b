using FlutHilfe.Api.Appeals.Opening;
using FlutHilfe.Api.Infrastructure;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Domain.Appeals;
using Microsoft.AspNetCore.Authorization;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace FlutHilfe.Api.Appeals.Extending;

public static class ExtendAppealEndpoints
{
    [WolverinePost("/api/appeals/{appealId}/municipalities", OperationId = "addMunicipality")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Add an eligible municipality to an appeal (treasurer)")]
    [ProducesResponseType<AppealView>(200)]
    public static async Task<IResult> AddMunicipality(string appealId, MunicipalityInput request, IMessageBus bus, TimeProvider clock, CancellationToken ct)
    {
        var command = new AddMunicipality(AppealLookup.Require(appealId), Inputs.Municipality(request, ""), clock.GetUtcNow());
        return Results.Ok(AppealView.From(await bus.InvokeAsync<Appeal>(command, ct)));
    }

    [WolverinePost("/api/appeals/{appealId}/purposes", OperationId = "addPurpose")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Add a purpose to an appeal (treasurer)")]
    [ProducesResponseType<AppealView>(200)]
    public static async Task<IResult> AddPurpose(string appealId, PurposeInput request, IMessageBus bus, TimeProvider clock, CancellationToken ct)
    {
        var command = new AddPurpose(AppealLookup.Require(appealId), Inputs.Purpose(request, ""), clock.GetUtcNow());
        return Results.Ok(AppealView.From(await bus.InvokeAsync<Appeal>(command, ct)));
    }
}

public static class AddMunicipalityHandler
{
    public static (IReadOnlyList<object>, Appeal) Handle(AddMunicipality command,
        [WriteAggregate(nameof(AddMunicipality.AppealStreamId), Required = false)] Appeal? appeal)
        => AppealDecider.Decide(command, appeal).WithStateAfter(appeal, AppealDecider.Evolve);
}

public static class AddPurposeHandler
{
    public static (IReadOnlyList<object>, Appeal) Handle(AddPurpose command,
        [WriteAggregate(nameof(AddPurpose.AppealStreamId), Required = false)] Appeal? appeal)
        => AppealDecider.Decide(command, appeal).WithStateAfter(appeal, AppealDecider.Evolve);
}
