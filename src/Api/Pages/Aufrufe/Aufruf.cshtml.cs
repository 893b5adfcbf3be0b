using Marten;
using Microsoft.AspNetCore.Authorization;

namespace FlutHilfe.Api.Pages.Aufrufe;

/// <summary>The appeal: what it is for, how far it got per municipality, and the donation form. "/" shows the current appeal.</summary>
[AllowAnonymous]
public sealed class AppealModel(IQuerySession session, TimeProvider clock) : DonationPageModel(session, clock)
{
    public async Task<IActionResult> OnGetAsync(string? appealId, CancellationToken ct)
        => await LoadAsync(appealId, ct) ? Page() : NotFound();
}
