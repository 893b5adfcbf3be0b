using FlutHilfe.Api.Infrastructure;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Api.Infrastructure.Idempotency;
using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Shared;
using Microsoft.AspNetCore.Authorization;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace FlutHilfe.Api.Allocations.Withdrawing;

/// <summary>
/// <see cref="WithdrawalId"/>: the caller's operation id; a request sent again with it changes nothing and answers the
/// same. Without it, an <c>Idempotency-Key</c> header stands in (a retry with the same key is the same withdrawal even
/// after the key's stored answer is gone); without either, every request is a withdrawal of its own.
/// </summary>
public sealed record WithdrawAllocationRequest(long? AmountCents, string? Reason, Guid? WithdrawalId = null);

public static class WithdrawAllocationEndpoint
{
    [WolverinePost("/api/allocations/{allocationId}/withdraw", OperationId = "withdrawAllocation")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Withdraw the unspent, undisbursed part of an allocation back to its funds (treasurer)")]
    public static async Task<AllocationView> Post(Guid allocationId, WithdrawAllocationRequest request, HttpRequest http, IMessageBus bus, TimeProvider clock,
        CancellationToken ct)
    {
        request = request with { WithdrawalId = request.WithdrawalId ?? OperationIds.FromIdempotencyKey(http, "allocation-withdrawal", allocationId.ToString()) };
        return AllocationView.From(await WithdrawAsync(allocationId, request, bus, clock, ct));
    }

    /// <summary>
    /// The API's and the treasury page's withdrawal (no amount: all that is neither disbursed nor spent); the request's
    /// <see cref="WithdrawAllocationRequest.WithdrawalId"/> (the page's form id) makes a second send harmless.
    /// </summary>
    public static async Task<Allocation> WithdrawAsync(Guid allocationId, WithdrawAllocationRequest request, IMessageBus bus, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (request.WithdrawalId == Guid.Empty) throw DomainException.Invalid("withdrawalId", "withdrawalId must not be the empty id.");
        var reason = Text.Require(request.Reason, "reason", 500);
        var amount = request.AmountCents is { } cents ? new Money(cents) : (Money?)null;
        if (amount is { IsPositive: false }) throw DomainException.Invalid("amountCents", "The amount must be at least 1 cent.");
        return await bus.InvokeAsync<Allocation>(new WithdrawAllocation(allocationId, request.WithdrawalId ?? Guid.CreateVersion7(now), amount, reason, now), ct);
    }
}

public static class WithdrawAllocationHandler
{
    public static (IReadOnlyList<object>, Allocation) Handle(WithdrawAllocation command,
        [WriteAggregate(nameof(WithdrawAllocation.AllocationId), Required = false)] Allocation? allocation)
        => AllocationDecider.Decide(command, allocation).WithStateAfter(allocation, AllocationDecider.Evolve);
}
