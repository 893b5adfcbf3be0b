using FlutHilfe.Api.Infrastructure;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Shared;
using Microsoft.AspNetCore.Authorization;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace FlutHilfe.Api.Allocations.Returning;

public sealed record ReturnRequest(long? AmountCents, DateOnly? ReturnedOn, string? BankReference);

public static class ReturnUnusedFundsEndpoint
{
    [WolverinePost("/api/allocations/{allocationId}/returns", OperationId = "returnUnusedFunds")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Record unused money paid back by the municipality; it returns to its funds (treasurer)")]
    public static async Task<AllocationView> Post(Guid allocationId, ReturnRequest request, IMessageBus bus, TimeProvider clock, CancellationToken ct)
        => AllocationView.From(await ReturnAsync(allocationId, request, bus, clock, ct));

    /// <summary>The API's and the treasury page's return; <paramref name="returnId"/> (the form's) makes a second send harmless.</summary>
    public static async Task<Allocation> ReturnAsync(Guid allocationId, ReturnRequest request, IMessageBus bus, TimeProvider clock, CancellationToken ct,
        Guid? returnId = null)
    {
        var now = clock.GetUtcNow();
        var command = new ReturnUnusedFunds(allocationId, returnId ?? Guid.CreateVersion7(now),
            new Money(request.AmountCents ?? throw DomainException.Invalid("amountCents", "amountCents is required.")),
            request.ReturnedOn ?? throw DomainException.Invalid("returnedOn", "returnedOn is required."),
            Text.RequireLine(request.BankReference, "bankReference", 140), now);
        return await bus.InvokeAsync<Allocation>(command, ct);
    }
}

public static class ReturnUnusedFundsHandler
{
    public static (IReadOnlyList<object>, Allocation) Handle(ReturnUnusedFunds command,
        [WriteAggregate(nameof(ReturnUnusedFunds.AllocationId), Required = false)] Allocation? allocation)
        => AllocationDecider.Decide(command, allocation).WithStateAfter(allocation, AllocationDecider.Evolve);
}
