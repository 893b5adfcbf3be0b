using FlutHilfe.Api.Infrastructure;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Shared;
using Microsoft.AspNetCore.Authorization;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace FlutHilfe.Api.Allocations.Disbursing;

/// <summary>
/// A transfer made (<see cref="PaidOn"/>, <see cref="BankReference"/>). <see cref="DisbursementId"/>: an ordered transfer's id
/// records that the bank paid that order (its amount); without it the transfer is one of its own.
/// </summary>
public sealed record DisbursementRequest(long? AmountCents, DateOnly? PaidOn, string? BankReference, Guid? DisbursementId = null);

public static class DisburseFundsEndpoint
{
    [WolverinePost("/api/allocations/{allocationId}/disbursements", OperationId = "disburseFunds")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Record a transfer of allocated money to the municipality (treasurer)")]
    public static async Task<AllocationView> Post(Guid allocationId, DisbursementRequest request, IMessageBus bus, TimeProvider clock, CancellationToken ct)
        => AllocationView.From(await DisburseAsync(allocationId, request, bus, clock, ct));

    /// <summary>The API's and the treasury page's disbursement; <paramref name="disbursementId"/> (the form's) makes a second send harmless.</summary>
    public static async Task<Allocation> DisburseAsync(Guid allocationId, DisbursementRequest request, IMessageBus bus, TimeProvider clock, CancellationToken ct,
        Guid? disbursementId = null)
    {
        var now = clock.GetUtcNow();
        if (request.DisbursementId == Guid.Empty) throw DomainException.Invalid("disbursementId", "disbursementId must not be the empty id.");
        var command = new DisburseFunds(allocationId, disbursementId ?? request.DisbursementId ?? Guid.CreateVersion7(now),
            new Money(request.AmountCents ?? throw DomainException.Invalid("amountCents", "amountCents is required.")),
            request.PaidOn ?? throw DomainException.Invalid("paidOn", "paidOn is required."),
            Text.RequireLine(request.BankReference, "bankReference", 140), now);
        return await bus.InvokeAsync<Allocation>(command, ct);
    }
}

public static class DisburseFundsHandler
{
    public static (IReadOnlyList<object>, Allocation) Handle(DisburseFunds command,
        [WriteAggregate(nameof(DisburseFunds.AllocationId), Required = false)] Allocation? allocation)
        => AllocationDecider.Decide(command, allocation).WithStateAfter(allocation, AllocationDecider.Evolve);
}
