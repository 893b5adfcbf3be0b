using FlutHilfe.Api.Appeals.Opening;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Appeals.Extending;
using FlutHilfe.Domain.Shared;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace FlutHilfe.Api.Appeals.Extending;

public static class ExtendAppealEndpoints
{
    [WolverinePost("/api/appeals/{appealId}/municipalities", OperationId = "addMunicipality")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Add an eligible municipality to an appeal (treasurer)")]
    [ProducesResponseType<AppealView>(200)]
    public static async Task<IResult> AddMunicipality(string appealId, MunicipalityInput request, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var stream = await AppealStreams.FetchExisting(session, appealId, ct);
        var events = ExtendingDecision.Decide(new AddMunicipality(appealId, Inputs.Municipality(request, "")), stream.Aggregate!, clock.GetUtcNow());
        stream.AppendMany(events);
        return Results.Ok(AppealView.From(events.Aggregate(stream.Aggregate!, (a, e) => a.Apply((MunicipalityAdded)e))));
    }

    [WolverinePost("/api/appeals/{appealId}/purposes", OperationId = "addPurpose")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Add a purpose to an appeal (treasurer)")]
    [ProducesResponseType<AppealView>(200)]
    public static async Task<IResult> AddPurpose(string appealId, PurposeInput request, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var stream = await AppealStreams.FetchExisting(session, appealId, ct);
        var events = ExtendingDecision.Decide(new AddPurpose(appealId, Inputs.Purpose(request, "")), stream.Aggregate!, clock.GetUtcNow());
        stream.AppendMany(events);
        return Results.Ok(AppealView.From(events.Aggregate(stream.Aggregate!, (a, e) => a.Apply((PurposeAdded)e))));
    }
}

public static class AppealStreams
{
    public static async Task<JasperFx.Events.IEventStream<Appeal>> FetchExisting(IDocumentSession session, string appealId, CancellationToken ct)
    {
        if (!Slug.IsValid(appealId)) throw DomainException.NotFound($"No appeal '{appealId}'.");
        var stream = await session.Events.FetchForWriting<Appeal>(AppealStream.IdFor(appealId), ct);
        return stream.Aggregate is null ? throw DomainException.NotFound($"No appeal '{appealId}'.") : stream;
    }
}
