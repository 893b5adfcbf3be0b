using System.Security.Claims;
using FlutHilfe.Api.Allocations;
using FlutHilfe.Api.Infrastructure;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Shared;
using Microsoft.AspNetCore.Authorization;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace FlutHilfe.Api.ProofOfUse.Reviewing;

public sealed record ReviewRequest(string? Remarks);

public static class ReviewProofOfUseEndpoints
{
    [WolverinePost("/api/allocations/{allocationId}/proof-of-use/accept", OperationId = "acceptProofOfUse")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Accept a submitted proof of use (treasurer)")]
    public static async Task<AllocationView> Accept(Guid allocationId, ReviewRequest request, IMessageBus bus, ClaimsPrincipal user, TimeProvider clock,
        CancellationToken ct)
        => AllocationView.From(await ReviewAsync(allocationId, true, request, bus, user, clock, ct));

    [WolverinePost("/api/allocations/{allocationId}/proof-of-use/reject", OperationId = "rejectProofOfUse")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Reject a submitted proof of use with remarks; the clerk corrects and resubmits (treasurer)")]
    public static async Task<AllocationView> Reject(Guid allocationId, ReviewRequest request, IMessageBus bus, ClaimsPrincipal user, TimeProvider clock,
        CancellationToken ct)
        => AllocationView.From(await ReviewAsync(allocationId, false, request, bus, user, clock, ct));

    /// <summary>The review of the API and of the treasury's page: accept (remarks optional) or reject (remarks required).</summary>
    public static async Task<Allocation> ReviewAsync(Guid allocationId, bool accept, ReviewRequest request, IMessageBus bus, ClaimsPrincipal user, TimeProvider clock,
        CancellationToken ct)
    {
        var remarks = accept ? Text.Optional(request.Remarks, "remarks", 4000) : Text.Require(request.Remarks, "remarks", 4000);
        return await bus.InvokeAsync<Allocation>(new ReviewProofOfUse(allocationId, accept, remarks, Access.Subject(user), clock.GetUtcNow()), ct);
    }
}

public static class ReviewProofOfUseHandler
{
    public static (IReadOnlyList<object>, Allocation) Handle(ReviewProofOfUse command,
        [WriteAggregate(nameof(ReviewProofOfUse.AllocationId), Required = false)] Allocation? allocation)
        => AllocationDecider.Decide(command, allocation).WithStateAfter(allocation, AllocationDecider.Evolve);
}
