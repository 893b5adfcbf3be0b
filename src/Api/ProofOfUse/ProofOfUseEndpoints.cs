using System.Security.Claims;
using FlutHilfe.Api.Allocations;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Documents.ProofOfUse;
using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Api.Infrastructure;
using FlutHilfe.Projections.Replaying;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace FlutHilfe.Api.ProofOfUse;

/// <summary>One item of the Belegliste. <c>BeforeDecision</c>: dated before the allocation decision; <c>Prefinanced</c>: reported before the money was disbursed.</summary>
public sealed record ProofVoucher(int Position, Guid ItemId, DateOnly Date, string Payee, string Reason, string PurposeId, string PurposeName,
    long AmountCents, string VoucherNumber, string? Facility, string? DocumentSha256, bool HasDocument, bool Withdrawn, bool BeforeDecision = false, bool Prefinanced = false);

/// <summary>The proof of use, generated from events (never typed twice): narrative report and voucher list.</summary>
public sealed record ProofOfUseView(
    Guid AllocationId, string AppealId, string AppealTitle, string MunicipalityId, string MunicipalityName, string? PurposeId,
    long AllocatedCents, long DisbursedCents, long SpentCents, long ReturnedCents, long OpenCents,
    string DecisionReference, DateOnly DecidedOn, DateOnly Deadline, bool IsOverdue, string Status, string? NarrativeReport,
    DateTimeOffset? SubmittedAt, string? ReviewRemarks, int ItemsWithoutDocument, IReadOnlyList<ProofVoucher> Vouchers,
    ProofDeclaration? Declaration = null, int ItemsBeforeDecision = 0, int ItemsPrefinanced = 0);

public static class ProofOfUseEndpoints
{
    [WolverineGet("/api/allocations/{allocationId}/proof-of-use", OperationId = "getProofOfUse")]
    [Authorize(Roles = Roles.Treasurer + "," + Roles.Auditor + "," + Roles.Municipality)]
    [EndpointSummary("The proof of use as JSON, now, as known at a past instant (asOf) and/or as effective on a date (effectiveOn) (own clerk, treasurer, auditor)")]
    public static async Task<ProofOfUseView> Get(Guid allocationId, string? asOf, string? effectiveOn, IQuerySession session, ClaimsPrincipal user, TimeProvider clock,
        CancellationToken ct)
        => (await BuildWithAppeal(allocationId, Clocks.Parse(asOf, effectiveOn, clock), session, user, clock, ct)).View;

    [WolverineGet("/api/allocations/{allocationId}/proof-of-use.csv", OperationId = "getProofOfUseCsv")]
    [Authorize(Roles = Roles.Treasurer + "," + Roles.Auditor + "," + Roles.Municipality)]
    [EndpointSummary("The voucher list (Belegliste) as CSV for spreadsheets (own clerk, treasurer, auditor)")]
    [ProducesResponseType<string>(200, "text/csv")]
    public static async Task<IResult> Csv(Guid allocationId, string? asOf, string? effectiveOn, IQuerySession session, ClaimsPrincipal user, TimeProvider clock,
        CancellationToken ct)
    {
        var (content, contentType, fileName) = await FileAsync(allocationId, "csv", Clocks.Parse(asOf, effectiveOn, clock), session, user, clock, ct);
        return Results.File(content, contentType, fileName);
    }

    [WolverineGet("/api/allocations/{allocationId}/proof-of-use.pdf", OperationId = "getProofOfUsePdf")]
    [Authorize(Roles = Roles.Treasurer + "," + Roles.Auditor + "," + Roles.Municipality)]
    [EndpointSummary("The proof of use (Verwendungsnachweis) as PDF, generated from events (own clerk, treasurer, auditor)")]
    [ProducesResponseType<byte[]>(200, "application/pdf")]
    public static async Task<IResult> Pdf(Guid allocationId, string? asOf, string? effectiveOn, IQuerySession session, ClaimsPrincipal user, TimeProvider clock,
        CancellationToken ct)
    {
        var (content, contentType, fileName) = await FileAsync(allocationId, "pdf", Clocks.Parse(asOf, effectiveOn, clock), session, user, clock, ct);
        return Results.File(content, contentType, fileName);
    }

    /// <summary>The Verwendungsnachweis as a file ("pdf" or "csv"), for the API's downloads and the pages' alike.</summary>
    public static Task<(byte[] Content, string ContentType, string FileName)> FileAsync(Guid allocationId, string format, IQuerySession session,
        ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
        => FileAsync(allocationId, format, ReplayWindow.Current, session, user, clock, ct);

    /// <summary>The file through the two clocks (<see cref="ReplayWindow.Current"/>: now).</summary>
    public static async Task<(byte[] Content, string ContentType, string FileName)> FileAsync(Guid allocationId, string format, ReplayWindow window,
        IQuerySession session, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var document = await Document(allocationId, window, session, user, clock, ct);
        var name = $"Verwendungsnachweis-{document.MunicipalityId}-{allocationId}.{format}";
        return format == "pdf"
            ? (ProofOfUsePdf.Render(document), ProofOfUsePdf.ContentType, name)
            : (ProofOfUseCsv.WriteUtf8(document), ProofOfUseCsv.ContentType, name);
    }

    /// <summary>The Verwendungsnachweis as the PDF and CSV print it (the API's downloads and the pages' use the same).</summary>
    public static Task<ProofOfUseDocument> Document(Guid allocationId, IQuerySession session, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
        => Document(allocationId, ReplayWindow.Current, session, user, clock, ct);

    public static async Task<ProofOfUseDocument> Document(Guid allocationId, ReplayWindow window, IQuerySession session, ClaimsPrincipal user, TimeProvider clock,
        CancellationToken ct)
    {
        var (v, appeal) = await BuildWithAppeal(allocationId, window, session, user, clock, ct);
        var status = v.Status switch { "open" => "offen", "submitted" => "eingereicht", "accepted" => "angenommen", "rejected" => "abgelehnt", _ => v.Status };
        return new ProofOfUseDocument(v.AllocationId, v.AppealTitle, appeal.Issuer.Name, v.MunicipalityId, v.MunicipalityName,
            v.PurposeId is null ? null : appeal.FindPurpose(v.PurposeId)?.Name ?? v.PurposeId,
            new Money(v.AllocatedCents), new Money(v.DisbursedCents), new Money(v.SpentCents), new Money(v.ReturnedCents), new Money(v.OpenCents),
            v.DecisionReference, v.DecidedOn, v.Deadline, status, v.NarrativeReport, v.SubmittedAt, v.ReviewRemarks, v.IsOverdue,
            v.Vouchers.Select(x => new VoucherLine(x.Position, x.Date, x.Payee, x.Reason, x.PurposeName, new Money(x.AmountCents), x.VoucherNumber,
                x.Facility, x.DocumentSha256, x.Withdrawn, x.BeforeDecision, x.Prefinanced)).ToList(),
            clock.GetUtcNow(), null,
            v.Declaration is { } d ? new DeclarationLines(d.Place, d.Date, d.SignatoryName, d.SignatoryFunction) : null);
    }

    public static async Task<ProofOfUseView> Build(Guid allocationId, IQuerySession session, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
        => (await BuildWithAppeal(allocationId, ReplayWindow.Current, session, user, clock, ct)).View;

    /// <summary>
    /// The view and the appeal it was read against (the documents need the issuer and purpose names too). Through the two clocks
    /// the allocation's own stream is filtered (<see cref="ReplayWindow.Filter"/>) and folded by the allocation's one fold; a
    /// deadline is judged on the earliest of today, the asOf day and the effectiveOn day.
    /// </summary>
    private static async Task<(ProofOfUseView View, Appeal Appeal)> BuildWithAppeal(Guid allocationId, ReplayWindow window, IQuerySession session,
        ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var a = await AllocationLookup.LoadForAsync(session, allocationId, user, staffMayToo: true, ct);
        if (!window.IsCurrent)
        {
            var events = window.Filter(await session.Events.FetchStreamAsync(allocationId, token: ct));
            a = default(Allocation).After(events.Select(e => e.Data), AllocationDecider.Evolve)
                ?? throw DomainException.NotFound($"Allocation {allocationId} was not yet decided (or recorded) then.");
        }
        var appeal = await session.LoadAsync<Appeal>(AppealStream.IdFor(a.AppealId), ct) ?? throw new InvalidOperationException($"Allocation {allocationId} has no appeal.");
        var today = new[] { ProofOfUseCalendar.Day(clock.GetUtcNow()), window.AsOf is { } asOf ? ProofOfUseCalendar.Day(asOf) : DateOnly.MaxValue,
            window.EffectiveOn ?? DateOnly.MaxValue }.Min();
        var overdue = AllocationDecider.IsOverdue(a.ProofStatus, a.SubmittedAt is { } at ? ProofOfUseCalendar.Day(at) : null, appeal.ProofOfUseDeadline, today);
        var position = 0;
        var vouchers = a.Items.Select(i => new ProofVoucher(++position, i.ItemId, i.Date, i.Payee, i.Reason, i.PurposeId,
            appeal.FindPurpose(i.PurposeId)?.Name ?? i.PurposeId, i.Amount.Cents, i.VoucherNumber, i.Facility, i.Document?.Sha256,
            i.Document is not null, i.Withdrawn, i.BeforeDecision(a.DecidedOn), i.Prefinanced)).ToList();
        return (new ProofOfUseView(a.Id, a.AppealId, appeal.Title, a.MunicipalityId, appeal.FindMunicipality(a.MunicipalityId)?.Name ?? a.MunicipalityId,
            a.PurposeId, a.Net.Cents, a.Disbursed.Cents, a.Spent.Cents, a.ReturnedUnused.Cents, a.Open.Cents, a.DecisionReference, a.DecidedOn,
            appeal.ProofOfUseDeadline, overdue, a.ProofStatus.ToString().ToLowerInvariant(), a.NarrativeReport, a.SubmittedAt, a.ReviewRemarks,
            vouchers.Count(v => !v.HasDocument && !v.Withdrawn), vouchers, a.Declaration,
            vouchers.Count(v => v.BeforeDecision && !v.Withdrawn), vouchers.Count(v => v.Prefinanced && !v.Withdrawn)), appeal);
    }
}
