using FlutHilfe.Api.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace FlutHilfe.Api.Audit.Verification;

public static class VerifyEndpoint
{
    [WolverineGet("/api/audit/verify", OperationId = "verifyAudit")]
    [Authorize(Roles = Roles.Auditor)]
    [EndpointSummary("Replay the whole log into fresh projections and compare every stored document; recompute the hash chain and check the signed checkpoints and vouchers (auditor)")]
    public static Task<VerificationReport> Get(AuditVerifier verifier, CancellationToken ct) => verifier.VerifyAsync(ct);
}
