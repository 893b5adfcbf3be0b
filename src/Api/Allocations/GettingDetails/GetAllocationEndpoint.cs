using System.Security.Claims;
using FlutHilfe.Api.Infrastructure.Auth;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace FlutHilfe.Api.Allocations.GettingDetails;

public static class GetAllocationEndpoint
{
    [WolverineGet("/api/allocations/{allocationId}", OperationId = "getAllocation")]
    [Authorize(Roles = Roles.Treasurer + "," + Roles.Auditor + "," + Roles.Municipality)]
    [EndpointSummary("One allocation with its spending items (own clerk, treasurer, auditor)")]
    public static async Task<AllocationView> Get(Guid allocationId, IQuerySession session, ClaimsPrincipal user, CancellationToken ct)
    {
        return AllocationView.From(await AllocationLookup.LoadForAsync(session, allocationId, user, staffMayToo: true, ct));
    }
}
