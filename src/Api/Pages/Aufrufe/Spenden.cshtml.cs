using FlutHilfe.Api.Donations.Pledging;
using FlutHilfe.Api.Infrastructure;
using FlutHilfe.Api.Pages.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;

namespace FlutHilfe.Api.Pages.Aufrufe;

/// <summary>
/// Where the donation form posts: the same pledge as <c>POST /api/appeals/{appealId}/donations</c> (same mapping, same
/// command and commit, same rate limit). A refusal shows the form again with the message next to the field; a
/// pledge leads to the payment page (post/redirect/get, so a reload does not pledge twice).
/// </summary>
[AllowAnonymous]
[EnableRateLimiting(RateLimiting.Pledges)]
public sealed class DonateModel(IQuerySession session, TimeProvider clock, PledgeIntake intake, ILogger<DonateModel> logger) : DonationPageModel(session, clock)
{
    public async Task<IActionResult> OnGetAsync(string appealId, CancellationToken ct)
        => await LoadAsync(appealId, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(string appealId, CancellationToken ct)
    {
        if (!await LoadAsync(appealId, ct)) return NotFound();
        var request = Form.ToRequest(ModelState);
        if (request is null) return Page();

        var (ok, pledged) = await CommandProblems.TryAsync(ModelState,
            () => PledgeEndpoint.PledgeAsync(Appeal.AppealId, request, intake, ct), field => Form.Field(field, Appeal), logger);
        if (!ok) return Page();
        return Redirect(DonorLinks.Payment(pledged.Response.DonationId, pledged.Token));
    }
}
