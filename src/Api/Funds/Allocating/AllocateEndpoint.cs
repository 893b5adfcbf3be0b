using System.Security.Claims;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Funds;
using FlutHilfe.Domain.Funds.Allocating;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Projections.Funds;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace FlutHilfe.Api.Funds.Allocating;

public sealed record FundInput(string? MunicipalityId, string? PurposeId);

public sealed record AllocateRequest(string? MunicipalityId, string? PurposeId, long? AmountCents, string? DecisionReference, DateOnly? DecidedOn, IReadOnlyList<FundInput>? SourceFunds);

public sealed record DrawView(string Fund, long AmountCents);

public sealed record AllocationCreated(Guid AllocationId, string AppealId, string MunicipalityId, string? PurposeId, long AmountCents,
    IReadOnlyList<DrawView> Draws, string DecisionReference, DateOnly DecidedOn);

public static class AllocateEndpoint
{
    [WolverinePost("/api/appeals/{appealId}/allocations", OperationId = "allocateFunds")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Allocate money to a municipality by committee decision (treasurer)")]
    [ProducesResponseType<AllocationCreated>(201)]
    [ProducesResponseType<ProblemDetails>(409)]
    [ProducesResponseType<ProblemDetails>(422)]
    public static async Task<IResult> Post(string appealId, AllocateRequest request, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var command = ToCommand(appealId, request, clock.GetUtcNow());
        if (!Slug.IsValid(appealId)) throw DomainException.NotFound($"No appeal '{appealId}'.");

        // Allocations are serialized per appeal (DESIGN §3): the row lock on the appeal's stream makes a second
        // allocation wait until the first commits, and only then read the fund totals. Pessimistic rather than
        // optimistic-with-retry: allocations are rare, and waiting is simpler than a retry loop around a commit.
        var appealStream = await session.Events.FetchForExclusiveWriting<Appeal>(AppealStream.IdFor(appealId), ct);
        var appeal = appealStream.Aggregate ?? throw DomainException.NotFound($"No appeal '{appealId}'.");

        var funds = await session.Query<FundBalance>().Where(f => f.AppealId == appealId).ToListAsync(ct);
        var holdings = funds.Select(f => new FundHolding(f.Fund, f.Available)).ToList();
        var events = AllocatingDecision.Decide(command, appeal, holdings, clock.GetUtcNow());
        session.Events.StartStream<Allocation>(command.AllocationId, events);

        var allocated = (FundsAllocated)events[0];
        return Results.Created($"/api/allocations/{allocated.AllocationId}", new AllocationCreated(
            allocated.AllocationId, allocated.AppealId, allocated.MunicipalityId, allocated.PurposeId, allocated.Amount.Cents,
            allocated.Draws.Select(d => new DrawView(d.FundKey, d.Amount.Cents)).ToList(), allocated.DecisionReference, allocated.DecidedOn));
    }

    private static AllocateFunds ToCommand(string appealId, AllocateRequest r, DateTimeOffset now)
    {
        var municipality = Slug.Require(r.MunicipalityId, "municipalityId");
        var purpose = string.IsNullOrWhiteSpace(r.PurposeId) ? null : Slug.Require(r.PurposeId, "purposeId");
        var amount = new Money(r.AmountCents ?? throw DomainException.Invalid("amountCents", "amountCents is required."));
        var reference = Text.RequireLine(r.DecisionReference, "decisionReference", AllocatingDecision.DecisionReferenceLengthMax);
        var decidedOn = r.DecidedOn ?? throw DomainException.Invalid("decidedOn", "decidedOn is required.");
        if (r.SourceFunds is { Count: > 20 }) throw DomainException.Invalid("sourceFunds", "At most 20 source funds.");
        var sources = (r.SourceFunds ?? []).Select((f, i) => new Fund(
            string.IsNullOrWhiteSpace(f.MunicipalityId) ? null : Slug.Require(f.MunicipalityId, $"sourceFunds[{i}].municipalityId"),
            string.IsNullOrWhiteSpace(f.PurposeId) ? null : Slug.Require(f.PurposeId, $"sourceFunds[{i}].purposeId"))).ToList();
        return new AllocateFunds(Guid.CreateVersion7(now), appealId, municipality, purpose, amount, reference, decidedOn, sources);
    }
}
