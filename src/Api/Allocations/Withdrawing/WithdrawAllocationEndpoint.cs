using FlutHilfe.Api.Infrastructure;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Shared;
using Microsoft.AspNetCore.Authorization;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace FlutHilfe.Api.Allocations.Withdrawing;

public sealed record WithdrawAllocationRequest(long? AmountCents, string? Reason);

public static class WithdrawAllocationEndpoint
{
    [WolverinePost("/api/allocations/{allocationId}/withdraw", OperationId = "withdrawAllocation")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Withdraw the unspent, undisbursed part of an allocation back to its funds (treasurer)")]
    public static async Task<AllocationView> Post(Guid allocationId, WithdrawAllocationRequest request, IMessageBus bus, TimeProvider clock, CancellationToken ct)
        => AllocationView.From(await WithdrawAsync(allocationId, request, bus, clock, ct));

    /// <summary>The API's and the treasury page's withdrawal (no amount: all that is neither disbursed nor spent).</summary>
    public static async Task<Allocation> WithdrawAsync(Guid allocationId, WithdrawAllocationRequest request, IMessageBus bus, TimeProvider clock, CancellationToken ct)
    {
        var reason = Text.Require(request.Reason, "reason", 500);
        var amount = request.AmountCents is { } cents ? new Money(cents) : (Money?)null;
        if (amount is { IsPositive: false }) throw DomainException.Invalid("amountCents", "The amount must be at least 1 cent.");
        return await bus.InvokeAsync<Allocation>(new WithdrawAllocation(allocationId, amount, reason, clock.GetUtcNow()), ct);
    }
}

public static class WithdrawAllocationHandler
{
    public static (IReadOnlyList<object>, Allocation) Handle(WithdrawAllocation command,
        [WriteAggregate(nameof(WithdrawAllocation.AllocationId), Required = false)] Allocation? allocation)
        => AllocationDecider.Decide(command, allocation).WithStateAfter(allocation, AllocationDecider.Evolve);
}
