using FlutHilfe.Api.Appeals;
using FlutHilfe.Api.Infrastructure;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Api.Infrastructure.Idempotency;
using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Shared;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace FlutHilfe.Api.Allocations.Recovering;

/// <summary>
/// Claim back money the municipality received and did not use (after the proof-of-use review). <see cref="RecoveryClaimId"/>:
/// the caller's operation id (sent again it claims once); without it an <c>Idempotency-Key</c> stands in.
/// </summary>
public sealed record RecoveryClaimRequest(long? AmountCents, DateOnly? DueOn, string? Reason, Guid? RecoveryClaimId = null);

/// <summary>A claim: <c>Reference</c> is what the municipality names on its transfer; <c>Status</c> is <c>open</c>, <c>partlySettled</c> or <c>settled</c>.</summary>
public sealed record RecoveryClaimView(Guid RecoveryClaimId, Guid AllocationId, string AppealId, string MunicipalityId, long AmountCents, long SettledCents,
    long OutstandingCents, DateOnly DueOn, string Reference, string Reason, DateTimeOffset RaisedAt, string Status, bool Overdue)
{
    public static RecoveryClaimView From(Allocation a, RecoveryClaim c, DateOnly today) => new(c.ClaimId, a.Id, a.AppealId, a.MunicipalityId, c.Amount.Cents,
        c.Settled.Cents, c.Outstanding.Cents, c.DueOn, c.Reference, c.Reason, c.RaisedAt,
        c.IsSettled ? "settled" : c.Settled.IsPositive ? "partlySettled" : "open", !c.IsSettled && today > c.DueOn);
}

public static class RecoveryClaimEndpoints
{
    [WolverinePost("/api/allocations/{allocationId}/recovery-claims", OperationId = "raiseRecoveryClaim")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Claim back unused money from the municipality after the proof-of-use review; the answer names the RF reference to pay with (treasurer)")]
    [ProducesResponseType<RecoveryClaimView>(201)]
    public static async Task<IResult> Post(Guid allocationId, RecoveryClaimRequest request, HttpRequest http, IMessageBus bus, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var claimId = request.RecoveryClaimId ?? OperationIds.FromIdempotencyKey(http, "recovery-claim", allocationId.ToString()) ?? Guid.CreateVersion7(now);
        if (claimId == Guid.Empty) throw DomainException.Invalid("recoveryClaimId", "recoveryClaimId must not be the empty id.");
        var command = new RaiseRecoveryClaim(allocationId, claimId,
            new Money(request.AmountCents ?? throw DomainException.Invalid("amountCents", "amountCents is required.")),
            request.DueOn ?? throw DomainException.Invalid("dueOn", "dueOn is required."),
            Text.RequireLine(request.Reason, "reason", 500), now);
        var allocation = await bus.InvokeAsync<Allocation>(command, ct);
        var claim = allocation.RecoveryClaims.Single(c => c.ClaimId == claimId);
        return Results.Created($"/api/appeals/{allocation.AppealId}/recovery-claims", RecoveryClaimView.From(allocation, claim, GermanDate.DayOf(now)));
    }

    [WolverineGet("/api/appeals/{appealId}/recovery-claims", OperationId = "listRecoveryClaims")]
    [Authorize(Roles = Roles.TreasurerOrAuditor)]
    [EndpointSummary("Recovery claims of the appeal, oldest first; status=open lists those not fully paid back (treasurer, auditor)")]
    public static async Task<IReadOnlyList<RecoveryClaimView>> List(string appealId, string? status, IQuerySession session, TimeProvider clock, CancellationToken ct)
    {
        if (status is not (null or "open" or "settled"))
            throw DomainException.Invalid("status", "status is one of open, settled.");
        await AppealLookup.LoadAsync(session, appealId, ct);
        var today = GermanDate.DayOf(clock.GetUtcNow());
        var allocations = await session.Query<Allocation>().Where(a => a.AppealId == appealId).ToListAsync(ct);
        return allocations.SelectMany(a => a.RecoveryClaims.Select(c => RecoveryClaimView.From(a, c, today)))
            .Where(v => status is null || (status == "settled") == (v.Status == "settled"))
            .OrderBy(v => v.RaisedAt).ToList();
    }
}

public static class RaiseRecoveryClaimHandler
{
    public static (IReadOnlyList<object>, Allocation) Handle(RaiseRecoveryClaim command,
        [WriteAggregate(nameof(RaiseRecoveryClaim.AllocationId), Required = false)] Allocation? allocation)
        => AllocationDecider.Decide(command, allocation).WithStateAfter(allocation, AllocationDecider.Evolve);
}
