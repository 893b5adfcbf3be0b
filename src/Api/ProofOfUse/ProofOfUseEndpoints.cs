using System.Security.Claims;
using FlutHilfe.Api.Allocations;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Shared;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace FlutHilfe.Api.ProofOfUse;

public sealed record SubmitProofRequest(string? NarrativeReport);

public sealed record ReviewRequest(string? Remarks);

public sealed record ProofVoucher(int Position, Guid ItemId, DateOnly Date, string Payee, string Reason, string PurposeId, string PurposeName,
    long AmountCents, string VoucherNumber, string? Facility, string? DocumentSha256, bool HasDocument, bool Withdrawn);

/// <summary>The proof of use, generated from events (never typed twice): narrative report and voucher list.</summary>
public sealed record ProofOfUseView(
    Guid AllocationId, string AppealId, string AppealTitle, string MunicipalityId, string MunicipalityName, string? PurposeId,
    long AllocatedCents, long DisbursedCents, long SpentCents, long ReturnedCents, long OpenCents,
    string DecisionReference, DateOnly DecidedOn, DateOnly Deadline, bool IsOverdue, string Status, string? NarrativeReport,
    DateTimeOffset? SubmittedAt, string? ReviewRemarks, int ItemsWithoutDocument, IReadOnlyList<ProofVoucher> Vouchers);

public static class ProofOfUseEndpoints
{
    [WolverinePost("/api/allocations/{allocationId}/proof-of-use", OperationId = "submitProofOfUse")]
    [Authorize(Roles = Roles.Municipality)]
    [EndpointSummary("Submit the proof of use with its narrative report (the allocation's municipal clerk)")]
    public static async Task<AllocationView> Submit(Guid allocationId, SubmitProofRequest request, IDocumentSession session, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var report = Text.Require(request.NarrativeReport, "narrativeReport", 20_000);
        var allocation = await AllocationEndpoints.Load(session, allocationId, ct);
        Access.RequireMunicipality(user, allocation.MunicipalityId, staffMayToo: false);
        return await AllocationEndpoints.Change(session, allocationId, a => AllocationDecisions.Decide(new SubmitProofOfUse(allocationId, report, Access.Subject(user)), a, clock.GetUtcNow()), ct);
    }

    [WolverinePost("/api/allocations/{allocationId}/proof-of-use/accept", OperationId = "acceptProofOfUse")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Accept a submitted proof of use (treasurer)")]
    public static Task<AllocationView> Accept(Guid allocationId, ReviewRequest request, IDocumentSession session, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
        => AllocationEndpoints.Change(session, allocationId, a => AllocationDecisions.Decide(
            new ReviewProofOfUse(allocationId, true, Text.Optional(request.Remarks, "remarks", 4000), Access.Subject(user)), a, clock.GetUtcNow()), ct);

    [WolverinePost("/api/allocations/{allocationId}/proof-of-use/reject", OperationId = "rejectProofOfUse")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Reject a submitted proof of use with remarks; the clerk corrects and resubmits (treasurer)")]
    public static Task<AllocationView> Reject(Guid allocationId, ReviewRequest request, IDocumentSession session, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
        => AllocationEndpoints.Change(session, allocationId, a => AllocationDecisions.Decide(
            new ReviewProofOfUse(allocationId, false, Text.Require(request.Remarks, "remarks", 4000), Access.Subject(user)), a, clock.GetUtcNow()), ct);

    [WolverineGet("/api/allocations/{allocationId}/proof-of-use", OperationId = "getProofOfUse")]
    [Authorize(Roles = Roles.Treasurer + "," + Roles.Auditor + "," + Roles.Municipality)]
    [EndpointSummary("The proof of use as JSON (own clerk, treasurer, auditor)")]
    public static async Task<ProofOfUseView> Get(Guid allocationId, IQuerySession session, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
        => await Build(allocationId, session, user, clock, ct);

    public static async Task<ProofOfUseView> Build(Guid allocationId, IQuerySession session, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var a = await AllocationEndpoints.Load(session, allocationId, ct);
        Access.RequireMunicipality(user, a.MunicipalityId);
        var appeal = await session.LoadAsync<Appeal>(AppealStream.IdFor(a.AppealId), ct) ?? throw new InvalidOperationException($"Allocation {allocationId} has no appeal.");
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var overdue = a.ProofStatus is ProofStatus.Open or ProofStatus.Rejected && today > appeal.ProofOfUseDeadline;
        var position = 0;
        var vouchers = a.Items.Select(i => new ProofVoucher(++position, i.ItemId, i.Date, i.Payee, i.Reason, i.PurposeId,
            appeal.FindPurpose(i.PurposeId)?.Name ?? i.PurposeId, i.Amount.Cents, i.VoucherNumber, i.Facility, i.Document?.Sha256,
            i.Document is not null, i.Withdrawn)).ToList();
        return new ProofOfUseView(a.Id, a.AppealId, appeal.Title, a.MunicipalityId, appeal.FindMunicipality(a.MunicipalityId)?.Name ?? a.MunicipalityId,
            a.PurposeId, a.Net.Cents, a.Disbursed.Cents, a.Spent.Cents, a.ReturnedUnused.Cents, a.Open.Cents, a.DecisionReference, a.DecidedOn,
            appeal.ProofOfUseDeadline, overdue, a.ProofStatus.ToString().ToLowerInvariant(), a.NarrativeReport, a.SubmittedAt, a.ReviewRemarks,
            vouchers.Count(v => !v.HasDocument && !v.Withdrawn), vouchers);
    }
}
