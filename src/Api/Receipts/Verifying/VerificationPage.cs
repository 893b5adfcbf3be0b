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
/// The page the link and QR code on every receipt open: a plain German HTML page saying whether the receipt is valid,
/// cancelled or unknown, with its number, dates, amount and issuer, and nothing personal. Every value is HTML-escaped;
/// no script, no external resources (the web pages will restyle it later).
/// </summary>
public static class VerificationPage
{
    public static string PathFor(string number) => $"/belege/{Uri.EscapeDataString(number)}/pruefen";

    [WolverineGet("/belege/{number}/pruefen", OperationId = "receiptVerificationPage")]
    [AllowAnonymous]
    [EndpointSummary("The human-readable verification page of a receipt (public, German HTML, no personal data)")]
    [ProducesResponseType<string>(200, "text/html")]
    public static async Task<IResult> Get(string number, string? c, IQuerySession session, ReceiptSettings settings, HttpResponse response, CancellationToken ct)
    {
        var result = await CheckAsync(number, c, session, settings, ct);
        response.Headers.ContentSecurityPolicy = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
        response.Headers.CacheControl = "no-store";
        return Results.Content(Html(result, number), "text/html; charset=utf-8", Encoding.UTF8);
    }

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

    public static string Html(ReceiptVerification v, string requestedNumber)
    {
        // Escapes markup but keeps umlauts readable in the source.
        var e = HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All);
        string Esc(string? s) => e.Encode(s ?? "");
        var (heading, verdict) = v.Status switch
        {
            "valid" => ("Zuwendungsbestätigung gültig", "Diese Zuwendungsbestätigung wurde von uns ausgestellt und ist gültig."),
            "cancelled" => ("Zuwendungsbestätigung storniert", "Diese Zuwendungsbestätigung wurde storniert und gilt nicht mehr."
                                                              + (v.ReplacedBy is null ? "" : $" Sie wurde durch die Zuwendungsbestätigung Nr. {v.ReplacedBy} ersetzt.")),
            _ => ("Zuwendungsbestätigung unbekannt", "Zu dieser Nummer und diesem Prüfcode ist keine Zuwendungsbestätigung bekannt. "
                                                      + "Bitte prüfen Sie die Adresse oder scannen Sie den QR-Code auf der Bestätigung erneut."),
        };
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"de\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"robots\" content=\"noindex\">\n")
            .Append("<title>").Append(Esc(heading)).Append("</title>\n</head>\n<body>\n<main>\n")
            .Append("<h1>").Append(Esc(heading)).Append("</h1>\n")
            .Append("<p class=\"status status-").Append(Esc(v.Status)).Append("\">").Append(Esc(verdict)).Append("</p>\n");
        if (v.Status != "unknown")
        {
            html.Append("<dl>\n");
            Row("Nummer", v.Number);
            Row("Art", v.Kind == "collective" ? "Sammelbestätigung über Geldzuwendungen" : "Bestätigung über Geldzuwendungen");
            Row("Betrag", v.AmountCents is { } cents ? new Money(cents).ToString() : null);
            if (v.Kind == "collective" && v.PeriodFrom is { } from && v.PeriodTo is { } to) Row("Zeitraum", $"{GermanDate.Format(from)} – {GermanDate.Format(to)}");
            else if (v.DonationDate is { } date) Row("Tag der Zuwendung", GermanDate.Format(date));
            if (v.IssueDate is { } issued) Row("Ausgestellt am", GermanDate.Format(issued));
            Row("Aussteller", v.Issuer);
            html.Append("</dl>\n");
        }
        else
        {
            html.Append("<p>Geprüfte Nummer: ").Append(Esc(requestedNumber.Length > 40 ? requestedNumber[..40] + "…" : requestedNumber)).Append("</p>\n");
        }
        html.Append("<p><small>Diese Seite zeigt keine Angaben zur Person des Zuwendenden.</small></p>\n</main>\n</body>\n</html>\n");
        return html.ToString();

        void Row(string label, string? value) => html.Append("<dt>").Append(Esc(label)).Append("</dt><dd>").Append(Esc(value)).Append("</dd>\n");
    }
}
