using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Funds;
using FlutHilfe.Domain.Funds.Allocating;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Projections.Funds;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

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
    public static async Task<IResult> Post(string appealId, AllocateRequest request, IMessageBus bus, TimeProvider clock, CancellationToken ct)
    {
        var a = await AllocateAsync(appealId, request, bus, clock, ct);
        return Results.Created($"/api/allocations/{a.Id}", new AllocationCreated(a.Id, a.AppealId, a.MunicipalityId, a.PurposeId, a.Allocated.Cents,
            a.Draws.Select(d => new DrawView(d.FundKey, d.Amount.Cents)).ToList(), a.DecisionReference, a.DecidedOn));
    }

    /// <summary>
    /// The allocation as the API and the treasury's allocation form make it: request → command → message bus.
    /// <paramref name="allocationId"/>: the form's own id, so that sending it twice allocates once (the stream collides).
    /// </summary>
    public static async Task<Allocation> AllocateAsync(string appealId, AllocateRequest request, IMessageBus bus, TimeProvider clock, CancellationToken ct,
        Guid? allocationId = null)
    {
        var command = ToCommand(appealId, request, clock.GetUtcNow(), allocationId);
        Appeals.AppealLookup.Require(appealId);
        return await bus.InvokeAsync<Allocation>(command, ct);
    }

    private static AllocateFunds ToCommand(string appealId, AllocateRequest r, DateTimeOffset now, Guid? allocationId)
    {
        var municipality = Slug.Require(r.MunicipalityId, "municipalityId");
        var purpose = string.IsNullOrWhiteSpace(r.PurposeId) ? null : Slug.Require(r.PurposeId, "purposeId");
        var amount = new Money(r.AmountCents ?? throw DomainException.Invalid("amountCents", "amountCents is required."));
        var reference = Text.RequireLine(r.DecisionReference, "decisionReference", FundSelection.DecisionReferenceLengthMax);
        var decidedOn = r.DecidedOn ?? throw DomainException.Invalid("decidedOn", "decidedOn is required.");
        if (r.SourceFunds is { Count: > 20 }) throw DomainException.Invalid("sourceFunds", "At most 20 source funds.");
        var sources = (r.SourceFunds ?? []).Select((f, i) => new Fund(
            string.IsNullOrWhiteSpace(f.MunicipalityId) ? null : Slug.Require(f.MunicipalityId, $"sourceFunds[{i}].municipalityId"),
            string.IsNullOrWhiteSpace(f.PurposeId) ? null : Slug.Require(f.PurposeId, $"sourceFunds[{i}].purposeId"))).ToList();
        return new AllocateFunds(allocationId ?? Guid.CreateVersion7(now), appealId, municipality, purpose, amount, reference, decidedOn, sources, now);
    }
}

/// <summary>
/// Allocations are serialized per appeal (DESIGN §3): the workflow takes a row lock on the appeal's stream
/// (<c>ConcurrencyStyle.Exclusive</c>), so a second allocation waits until the first commits, and only then reads the fund
/// totals. Pessimistic rather than optimistic-with-retry: allocations are rare, and waiting is simpler than a retry loop.
/// </summary>
public static class AllocateFundsHandler
{
    /// <summary>
    /// Runs under the appeal's lock (it needs the locked stream): what each fund of the appeal holds now, and how much of it
    /// open earmark questions hold (asked under the same lock, so no decision slips in between).
    /// </summary>
    public static async Task<IReadOnlyList<FundHolding>> LoadAsync(AllocateFunds command, IEventStream<Appeal> appeal, IDocumentSession session, CancellationToken ct)
        => (await session.Query<FundBalance>().Where(f => f.AppealId == command.AppealId).ToListAsync(ct)).Select(f => new FundHolding(f.Fund, f.Available, f.Held)).ToList();

    public static (IStartStream, Allocation) Handle(AllocateFunds command,
        [WriteAggregate(nameof(AllocateFunds.AppealStreamId), Required = false, LoadStyle = Wolverine.Marten.ConcurrencyStyle.Exclusive)] IEventStream<Appeal> appeal,
        IReadOnlyList<FundHolding> holdings)
    {
        var events = AllocationDecider.Decide(command, appeal.Aggregate, holdings);
        return (MartenOps.StartStream<Allocation>(command.AllocationId, [.. events]), ((Allocation?)null).After(events, AllocationDecider.Evolve)!);
    }
}
