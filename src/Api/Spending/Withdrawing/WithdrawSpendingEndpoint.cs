using System.Security.Claims;
using FlutHilfe.Api.Allocations;
using FlutHilfe.Api.Infrastructure;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Shared;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace FlutHilfe.Api.Spending.Withdrawing;

public sealed record WithdrawSpendingRequest(string? Reason);

public static class WithdrawSpendingEndpoint
{
    [WolverinePost("/api/spending/{itemId}/withdraw", OperationId = "withdrawSpending")]
    [Authorize(Roles = Roles.Municipality)]
    [EndpointSummary("Withdraw a spending item with a reason; resubmit it as a new item (the allocation's municipal clerk)")]
    public static async Task<AllocationView> Post(Guid itemId, WithdrawSpendingRequest request, IQuerySession session, IMessageBus bus, ClaimsPrincipal user,
        TimeProvider clock, CancellationToken ct)
        => AllocationView.From(await WithdrawAsync(itemId, request, session, bus, user, clock, ct));

    /// <summary>The API's and the clerk page's withdrawal of a spending item (a second send changes nothing).</summary>
    public static async Task<Allocation> WithdrawAsync(Guid itemId, WithdrawSpendingRequest request, IQuerySession session, IMessageBus bus, ClaimsPrincipal user,
        TimeProvider clock, CancellationToken ct)
    {
        var reason = Text.Require(request.Reason, "reason", 500);
        var index = await session.LoadAsync<SpendingItemIndex>(itemId, ct) ?? throw DomainException.NotFound($"No spending item {itemId}.");
        await AllocationLookup.LoadForAsync(session, index.AllocationId, user, staffMayToo: false, ct);
        return await bus.InvokeAsync<Allocation>(new WithdrawSpending(index.AllocationId, itemId, reason, clock.GetUtcNow()), ct);
    }
}

public static class WithdrawSpendingHandler
{
    public static (IReadOnlyList<object>, Allocation) Handle(WithdrawSpending command,
        [WriteAggregate(nameof(WithdrawSpending.AllocationId), Required = false)] Allocation? allocation)
        => AllocationDecider.Decide(command, allocation).WithStateAfter(allocation, AllocationDecider.Evolve);
}
