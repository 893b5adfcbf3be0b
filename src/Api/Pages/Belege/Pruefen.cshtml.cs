using FlutHilfe.Api.Receipts;
using FlutHilfe.Api.Receipts.Verifying;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FlutHilfe.Api.Pages.Belege;

/// <summary>
/// The page the link and QR code on every receipt open (absolute URL, <see cref="VerificationPage.PathFor"/>): valid,
/// cancelled (and by which number replaced) or unknown; number, dates, amount, issuer; nothing personal. The same check
/// as <c>GET /api/receipts/{number}/verify</c>. No script at all.
/// </summary>
[AllowAnonymous]
public sealed class VerifyModel(IQuerySession session, ReceiptSettings settings) : PageModel
{
    public ReceiptVerification Result { get; private set; } = null!;
    public string RequestedNumber { get; private set; } = "";

    public async Task OnGetAsync(string number, string? c, CancellationToken ct)
    {
        Response.Headers.CacheControl = "no-store";
        ViewData["NoIndex"] = true;
        ViewData["NoScript"] = true;
        RequestedNumber = number.Length > 40 ? number[..40] + "…" : number;
        Result = await VerificationPage.CheckAsync(number, c, session, settings, ct);
    }
}
