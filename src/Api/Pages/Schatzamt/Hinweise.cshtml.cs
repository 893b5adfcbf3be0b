using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Api.Notices;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FlutHilfe.Api.Pages.Schatzamt;

/// <summary>What the treasury must look at: receipts cancelled by a bank return, gaps and mismatches in the statements (the API's <c>/api/notices</c>).</summary>
[Authorize(Roles = Roles.Treasurer)]
public sealed class NoticesModel(IQuerySession session) : PageModel
{
    public IReadOnlyList<TreasurerNotice> Notices { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Notices = await TreasurerNoticesEndpoint.Get(session, ct);

    public static string KindText(string kind) => kind switch
    {
        "receipt-cancelled" => "Zuwendungsbestätigung storniert",
        _ when kind.StartsWith("statement-balance", StringComparison.Ordinal) => "Kontoauszug: Salden",
        _ when kind.StartsWith("statement-", StringComparison.Ordinal) => "Kontoauszug: Auszugsnummern",
        _ => "Hinweis",
    };
}
