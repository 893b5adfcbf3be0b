using FlutHilfe.Api.Donors.Accounts;
using FlutHilfe.Domain.Shared;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Wolverine;

namespace FlutHilfe.Api.Pages.Spender;

/// <summary>
/// The page the confirmation mail links to. Opening it changes nothing (mail scanners open links); only the button
/// confirms, through the same code as <c>POST /api/donor-email-confirmations</c>.
/// </summary>
[AllowAnonymous]
public sealed class LinkDonationsModel(IDocumentSession session, IMessageBus bus, TimeProvider clock) : PageModel
{
    public string? Token { get; private set; }
    public string? Message { get; private set; }
    public string? Failure { get; private set; }

    public void OnGet(string? token)
    {
        Response.Headers.CacheControl = "no-store";
        ViewData["NoIndex"] = true;
        Token = token;
    }

    public async Task OnPostAsync(string? token, CancellationToken ct)
    {
        Response.Headers.CacheControl = "no-store";
        ViewData["NoIndex"] = true;
        try
        {
            Message = (await DonorRecognitionEndpoints.Confirm(token, session, bus, clock, ct)).Message;
        }
        catch (DomainException)
        {
            Failure = "Dieser Link ist unbekannt, schon benutzt oder abgelaufen. Bitte fordern Sie auf Ihrer Spendenseite einen neuen an.";
        }
    }
}
