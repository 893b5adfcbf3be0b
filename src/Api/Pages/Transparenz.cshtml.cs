using FlutHilfe.Api.Appeals.Reporting;
using FlutHilfe.Api.Pages.Aufrufe;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FlutHilfe.Api.Pages;

/// <summary>
/// Where the money went, per municipality: allocations and spending items (date, purpose, amount, facility, and the
/// payee only when it is an organisation), totals and a chart. The same public figures as
/// <c>GET /api/appeals/{appealId}/transparency</c>; no personal data.
/// </summary>
[AllowAnonymous]
public sealed class TransparencyModel(IQuerySession session, TimeProvider clock) : PageModel
{
    public TransparencyView Report { get; private set; } = null!;
    public IReadOnlyList<PublicMunicipalityView> Municipalities { get; private set; } = [];
    public long AllocatedCents { get; private set; }
    public long SpentCents { get; private set; }

    public async Task<IActionResult> OnGetAsync([FromQuery(Name = "aufruf")] string? appealId, CancellationToken ct)
    {
        var appeal = await AppealFigures.FindAsync(session, appealId, ct);
        if (appeal is null) return NotFound();
        Report = await PublicFiguresEndpoints.Transparency(appeal.AppealId, null, null, session, clock, ct);
        Municipalities = Report.Municipalities.Where(m => m.Allocations.Count > 0 || m.Spending.Count > 0).ToList();
        AllocatedCents = Municipalities.Sum(m => m.Allocations.Sum(a => a.AmountCents));
        SpentCents = Municipalities.Sum(m => m.Spending.Sum(i => i.AmountCents));
        return Page();
    }
}
