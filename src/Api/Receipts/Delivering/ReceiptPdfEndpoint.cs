using System.Security.Claims;
using FlutHilfe.Api.Donations.Viewing;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Pledging;
using FlutHilfe.Domain.Receipts.Issuing;
using FlutHilfe.Domain.Shared;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace FlutHilfe.Api.Receipts.Delivering;

public static class ReceiptPdfEndpoint
{
    [WolverineGet("/api/receipts/{number}.pdf", OperationId = "getReceiptPdf")]
    [AllowAnonymous]
    [EndpointSummary("A receipt as PDF (donor link token, treasurer, auditor); ?copy=true marks a copy")]
    [ProducesResponseType<byte[]>(200, "application/pdf")]
    public static async Task<IResult> Get(string number, string? token, bool? copy, IQuerySession session, ClaimsPrincipal user, ReceiptSettings settings,
        DonorAccess access, CancellationToken ct)
    {
        var (pdf, fileName) = await PdfAsync(number, token, copy == true, session, user, settings, access, ct);
        return Results.File(pdf, "application/pdf", fileName);
    }

    /// <summary>The receipt as stored (or a marked copy) for the donor's token or staff, else a 404 refusal; the API and the pages alike.</summary>
    public static async Task<(byte[] Pdf, string FileName)> PdfAsync(string number, string? token, bool copy, IQuerySession session, ClaimsPrincipal user,
        ReceiptSettings settings, DonorAccess access, CancellationToken ct)
    {
        var issued = await ReceiptDocuments.IssuedAsync(session, number, ct) ?? throw DomainException.NotFound("No such receipt.");
        var staff = user.IsInRole(Roles.Treasurer) || user.IsInRole(Roles.Auditor);
        if (!staff && !await DonorHoldsAsync(session, issued, token, access, ct)) throw DomainException.NotFound("No such receipt.");

        byte[] pdf;
        if (copy)
        {
            pdf = await ReceiptDocuments.RenderAsync(session, issued, settings, true, ct);
        }
        else
        {
            pdf = (await session.LoadAsync<StoredReceiptPdf>(number, ct))?.Content ?? await ReceiptDocuments.RenderAsync(session, issued, settings, false, ct);
        }
        return (pdf, $"Zuwendungsbestaetigung-{number}{(copy ? "-Kopie" : "")}.pdf");
    }

    private static async Task<bool> DonorHoldsAsync(IQuerySession session, ReceiptIssued issued, string? token, DonorAccess access, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token)) return false;
        foreach (var line in issued.Lines)
        {
            var donation = await session.LoadAsync<Donation>(line.DonationId, ct);
            if (donation is not null && access.Allows(token, donation)) return true;
        }
        return false;
    }
}
