using System.Text;
using System.Text.Encodings.Web;
using FlutHilfe.Domain.Receipts;
using FlutHilfe.Domain.Receipts.Issuing;
using FlutHilfe.Domain.Shared;
using Marten;
using Microsoft.AspNetCore.Authorization;
using FlutHilfe.Api.Receipts.Delivering;
using Wolverine.Http;

namespace FlutHilfe.Api.Receipts.Verifying;

/// <remarks>ReplacedBy: For a cancelled receipt: the number of the receipt that replaced it, if any.</remarks>
public sealed record ReceiptVerification(string Status, string? Number, long? AmountCents, DateOnly? DonationDate, DateOnly? IssueDate, string? Issuer,
    string? Kind = null, DateOnly? PeriodFrom = null, DateOnly? PeriodTo = null, string? ReplacedBy = null);

/// <summary>
/// The check behind the page the link and QR code on every receipt open (<c>/belege/{number}/pruefen</c>, a Razor page
/// in Pages/Belege): valid, cancelled or unknown, with its number, dates, amount and issuer, and nothing personal.
/// </summary>
public static class VerificationPage
{
    public static string PathFor(string number) => $"/belege/{Uri.EscapeDataString(number)}/pruefen";

    [WolverineGet("/api/receipts/{number}/verify", OperationId = "verifyReceipt")]
    [AllowAnonymous]
    [EndpointSummary("Check a receipt printed on paper: valid, cancelled or unknown (public, no personal data); the page for people is /belege/{number}/pruefen")]
    public static async Task<ReceiptVerification> Verify(string number, string? c, IQuerySession session, ReceiptSettings settings, CancellationToken ct)
        => await CheckAsync(number, c, session, settings, ct);

    /// <summary>Shared with the JSON endpoint. Without the right code every number is "unknown": numbers cannot be enumerated.</summary>
    public static async Task<ReceiptVerification> CheckAsync(string number, string? code, IQuerySession session, ReceiptSettings settings, CancellationToken ct)
    {
        var unknown = new ReceiptVerification("unknown", null, null, null, null, null);
        if (!ReceiptNumber.IsWellFormed(number) || !settings.Verifies(number, code)) return unknown;
        var receipt = await session.LoadAsync<Receipt>(ReceiptStream.IdFor(number), ct);
        var issued = receipt is null ? null : await ReceiptDocuments.IssuedAsync(session, number, ct);
        if (receipt is null || issued is null) return unknown;
        var replacedBy = receipt.State == ReceiptState.Cancelled
            ? (await session.Query<Receipt>().Where(r => r.ReplacesNumber == number).Select(r => r.Number).ToListAsync(ct)).FirstOrDefault()
            : null;
        return new ReceiptVerification(receipt.State == ReceiptState.Valid ? "valid" : "cancelled", number, receipt.Amount.Cents, issued.DonationDate,
            receipt.IssueDate, issued.Issuer.Name, receipt.Kind == ReceiptKind.Collective ? "collective" : "single", issued.PeriodFrom, issued.PeriodTo, replacedBy);
    }
}
