using FlutHilfe.Api.Donations.Tracing;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Api.Pages.Intern;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Funds;
using FlutHilfe.Domain.Shared;
using Marten;
using Microsoft.AspNetCore.Authorization;

namespace FlutHilfe.Api.Pages.Pruefung;

/// <summary>
/// The per-euro trace of one donation for auditors, found by its id or its RF reference: <c>GET /api/donations/{id}/trace</c>
/// itself (<see cref="DonationTraceEndpoint"/>, the declared FIFO-per-fund rule over the log), rendered like the donor page.
/// </summary>
[Authorize(Roles = Roles.Auditor)]
public sealed class TraceModel(IQuerySession session, ILogger<TraceModel> logger) : StaffPage(logger)
{
    [BindProperty(SupportsGet = true, Name = "spende")] public string? Query { get; set; }

    public Donation? Donation { get; private set; }
    public DonationTraceView? Trace { get; private set; }
    public Appeal? Appeal { get; private set; }

    /// <summary>A fund key of the trace in words ("Stolberg (Rhld.) (jeder Zweck)").</summary>
    public string FundName(string key)
    {
        var fund = Fund.FromKey(key);
        return StaffTexts.Fund(Appeal, fund.MunicipalityId, fund.PurposeId);
    }

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(Query)) return;
        var text = Query.Trim();
        if (Guid.TryParse(text, out var id)) Donation = await session.LoadAsync<Donation>(id, ct);
        else if (CreditorReference.TryParse(string.Concat(text.Where(c => !char.IsWhiteSpace(c) && c != '-')).ToUpperInvariant(), out var reference, out _))
            Donation = await session.Query<Donation>().FirstOrDefaultAsync(d => d.Reference == reference.Value, ct);
        else
        {
            Refuse("spende", "Bitte die Kennung der Spende (eine UUID) oder ihre Referenz (RF…) eingeben.");
            return;
        }
        if (Donation is null)
        {
            Refuse("spende", "Keine Spende hat diese Kennung oder Referenz.");
            return;
        }
        Trace = await DonationTraceEndpoint.Get(Donation.Id, null, User, session, HttpContext.RequestServices.GetRequiredService<Donations.Viewing.DonorAccess>(), ct);
        Appeal = await session.LoadAsync<Appeal>(AppealStream.IdFor(Donation.AppealId), ct);
    }
}
