using FlutHilfe.Api.Audit.Verification;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Api.Pages.Intern;
using Microsoft.AspNetCore.Authorization;

namespace FlutHilfe.Api.Pages.Pruefung;

/// <summary>
/// Verification on demand: the button runs <c>GET /api/audit/verify</c> itself (<see cref="VerifyEndpoint"/>: the whole log
/// replayed into fresh in-memory projections and compared document by document, the hash chain recomputed, checkpoints and
/// vouchers checked) and shows its report. A POST, because it is heavy work, not something a link or a crawler should start.
/// </summary>
[Authorize(Roles = Roles.Auditor)]
public sealed class VerificationModel(AuditVerifier verifier, ILogger<VerificationModel> logger) : StaffPage(logger)
{
    public VerificationReport? Report { get; private set; }

    public void OnGet()
    {
    }

    public async Task OnPostAsync(CancellationToken ct) => Report = await VerifyEndpoint.Get(verifier, ct);

    /// <summary>Where a difference was found, in German.</summary>
    public static string Area(string area) => area switch
    {
        "projection" => "Projektion",
        "chain" => "Hash-Kette",
        "checkpoint" => "Prüfpunkt",
        "document" => "Beleg",
        _ => area,
    };

    public static string Lifecycle(string lifecycle) => lifecycle switch
    {
        "Inline" => "sofort",
        "Async" => "nachgeführt",
        "Live" => "live",
        _ => lifecycle,
    };
}
