using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Api.Infrastructure.PersonalData;
using FlutHilfe.Api.Pages.Infrastructure;
using FlutHilfe.Api.Pages.Intern;
using FlutHilfe.Api.Receipts.AnnualRun;
using FlutHilfe.Domain.Appeals;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine;

namespace FlutHilfe.Api.Pages.Schatzamt;

/// <summary>
/// The annual Sammelbestätigung run of an appeal: the preview of <c>GET /api/appeals/{id}/annual-receipts</c> (donors, gifts,
/// totals, donors who cannot get one and why), the start (the same <c>RunAnnualReceipts</c> command as
/// <c>POST /api/appeals/{id}/annual-receipts</c>) and each run's progress, planned against issued.
/// </summary>
[Authorize(Roles = Roles.Treasurer)]
public sealed class AnnualReceiptsModel(IMessageBus bus, IQuerySession session, TimeProvider clock, ILogger<AnnualReceiptsModel> logger) : StaffPage(logger)
{
    public const int DonorsShown = 500;

    [BindProperty(SupportsGet = true, Name = "aufruf")] public string? AppealId { get; set; }
    [BindProperty(SupportsGet = true, Name = "jahr")] public int? Year { get; set; }
    /// <summary>The form's own id: sending it twice starts one run.</summary>
    [BindProperty] public Guid Vorgang { get; set; }

    public IReadOnlyList<Appeal> Appeals { get; private set; } = [];
    public Appeal? Appeal { get; private set; }
    /// <summary>The finished years to choose from, newest first.</summary>
    public IReadOnlyList<int> Years { get; private set; } = [];
    /// <summary>Null when the chosen year is not finished yet.</summary>
    public AnnualReceiptPreview? Preview { get; private set; }
    public IReadOnlyList<AnnualReceiptRunView> Runs { get; private set; } = [];
    /// <summary>The donor's name as the treasury knows it (personal-data store), by the counted donor record.</summary>
    public IReadOnlyDictionary<Guid, string> Names { get; private set; } = new Dictionary<Guid, string>();

    protected override IReadOnlyDictionary<string, string> DoneTexts => new Dictionary<string, string>
    {
        ["gestartet"] = "Der Lauf ist gestartet. Die Sammelbestätigungen werden im Hintergrund nacheinander ausgestellt und an die Spender geschickt.",
        ["nichts"] = "Es gibt nichts zu bestätigen: Ein Lauf würde keine Sammelbestätigung hinzufügen.",
    };

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        Vorgang = Guid.CreateVersion7(clock.GetUtcNow());
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        if (Preview is null) return Page();
        if (Preview.Donors.Count == 0) return RedirectToPage(null, new { aufruf = Appeal!.AppealId, jahr = Year, erledigt = "nichts" });
        var (ok, _) = await SendAsync(() => AnnualReceiptRunEndpoints.RunAsync(Appeal!.AppealId, new AnnualReceiptRunRequest(Year), Vorgang == Guid.Empty ? null : Vorgang,
                User, bus, clock, ct),
            (field, _) => new FormField("", field == "year" ? "Sammelbestätigungen gibt es nur für abgeschlossene Jahre." : ""));
        if (!ok) return Page();
        return RedirectToPage(null, new { aufruf = Appeal!.AppealId, jahr = Year, erledigt = "gestartet" });
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        Appeals = await session.Query<Appeal>().OrderBy(a => a.OpenedAt).Take(100).ToListAsync(ct);
        Appeal = AppealId is null ? Appeals.FirstOrDefault() : Appeals.FirstOrDefault(a => a.AppealId == AppealId);
        if (Appeal is null) return AppealId is null;
        var thisYear = TodayInGermany(clock).Year;
        var first = Math.Max(FlutHilfe.Domain.Receipts.AnnualReceipts.YearMin, Math.Min(Appeal.OpenedAt.Year, thisYear - 1));
        Years = Enumerable.Range(first, thisYear - first).Reverse().ToList();
        Year ??= thisYear - 1;
        Runs = await AnnualReceiptRunEndpoints.RunsOfAsync(session, Appeal.AppealId, Year.Value, ct);
        if (Year >= thisYear || Year < FlutHilfe.Domain.Receipts.AnnualReceipts.YearMin) return true;
        Preview = await AnnualReceiptRunEndpoints.Preview(Appeal.AppealId, Year, session, clock, ct);
        var records = await DonorProfiles.LoadManyAsync(session, Preview.Donors.Concat(Preview.CannotIssue).Take(DonorsShown * 2).SelectMany(d => d.DonorIds), ct);
        Names = Preview.Donors.Concat(Preview.CannotIssue).Select(d => (d.DonorId, Name: d.DonorIds.Prepend(d.DonorId)
                .Select(id => records.Profiles.GetValueOrDefault(id)?.Name).FirstOrDefault(n => n is not null)))
            .Where(x => x.Name is not null).ToDictionary(x => x.DonorId, x => x.Name!);
        return true;
    }
}
