using Marten;
using Microsoft.AspNetCore.Authorization;

namespace FlutHilfe.Api.Pages.Aufrufe;

/// <summary>The appeal: what it is for, how far it got per municipality, and the donation form. "/" shows the current appeal.</summary>
[AllowAnonymous]
public sealed class AppealModel(IQuerySession session, TimeProvider clock) : DonationPageModel(session, clock)
{
    /// <summary>False only on "/" before any appeal was opened (a friendly page, not a 404).</summary>
    public bool HasAppeal { get; private set; } = true;

    public async Task<IActionResult> OnGetAsync(string? appealId, CancellationToken ct)
    {
        if (await LoadAsync(appealId, ct)) return Page();
        if (appealId is not null) return NotFound();
        HasAppeal = false;
        return Page();
    }
}
