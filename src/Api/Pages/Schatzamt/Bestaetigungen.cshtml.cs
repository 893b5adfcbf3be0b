using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Api.Pages.Infrastructure;
using FlutHilfe.Api.Pages.Intern;
using FlutHilfe.Api.Receipts;
using FlutHilfe.Api.Receipts.Cancelling;
using FlutHilfe.Api.Receipts.Delivering;
using FlutHilfe.Api.Receipts.Listing;
using FlutHilfe.Domain.Receipts;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine;

namespace FlutHilfe.Api.Pages.Schatzamt;

/// <summary>
/// The register of Zuwendungsbestätigungen of a year: every number with its fate and any gap, a copy of each, and the
/// treasury's cancel (with a reason) and reissue, the same commands as <c>/api/receipts/{number}/cancel</c> and <c>…/reissue</c>.
/// </summary>
[Authorize(Roles = Roles.Treasurer)]
public sealed class ReceiptsModel(IMessageBus bus, IQuerySession session, ReceiptSettings settings, TimeProvider clock, ILogger<ReceiptsModel> logger)
    : StaffPage(logger)
{
    public const int PageSize = 100;

    [BindProperty(SupportsGet = true, Name = "jahr")] public int? Year { get; set; }
    [BindProperty(SupportsGet = true, Name = "seite")] public int PageNumber { get; set; } = 1;
    [BindProperty(SupportsGet = true, Name = "nummer")] public string? Number { get; set; }

    public ReceiptRegister Register { get; private set; } = null!;
    public IReadOnlyList<ReceiptRegisterLine> Shown { get; private set; } = [];
    public int Pages { get; private set; }
    public IReadOnlyList<int> Years { get; private set; } = [];

    /// <summary>The reason typed for a cancellation, shown again after a refusal.</summary>
    public Dictionary<string, string?> Typed { get; } = [];

    protected override IReadOnlyDictionary<string, string> DoneTexts => new Dictionary<string, string>
    {
        ["storniert"] = $"Die Zuwendungsbestätigung {Number} ist storniert. Was darauf stand, kann neu bescheinigt werden.",
        ["neu"] = $"Die neue Zuwendungsbestätigung {Number} ist ausgestellt und geht an den Spender.",
    };

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        return Page();
    }

    /// <summary>A copy of a receipt (marked as a copy), for the treasury's files.</summary>
    public async Task<IActionResult> OnGetKopieAsync(string nummer, CancellationToken ct)
    {
        if (!ReceiptNumber.IsWellFormed(nummer)) return NotFound();
        var (ok, file) = await SendAsync(() => ReceiptPdfEndpoint.PdfAsync(nummer, null, true, session, User, settings,
            HttpContext.RequestServices.GetRequiredService<Donations.Viewing.DonorAccess>(), ct), (_, _) => null);
        return ok ? File(file.Pdf, "application/pdf", file.FileName) : NotFound();
    }

    public async Task<IActionResult> OnPostStornierenAsync(string nummer, string? grund, CancellationToken ct)
    {
        var key = Key("grund", nummer);
        Typed[key] = grund;
        var (ok, receipt) = await SendAsync(() => CancelReceiptEndpoints.CancelAsync(nummer, new CancelReceiptRequest(grund), bus, User, clock, ct),
            (field, problem) => new FormField(key, field == "reason"
                ? problem.Detail?.Contains("is required", StringComparison.Ordinal) == true ? "Bitte nennen Sie den Grund der Stornierung." : ""
                : problem.Status == 404 ? $"Die Zuwendungsbestätigung {nummer} gibt es nicht." : ""));
        if (!ok) return await AgainAsync(ct);
        return RedirectToPage(null, new { jahr = receipt!.Year, erledigt = "storniert", nummer });
    }

    public async Task<IActionResult> OnPostNeuAsync(string nummer, CancellationToken ct)
    {
        var (ok, issued) = await SendAsync(() => CancelReceiptEndpoints.ReissueAsync(nummer, bus, clock, ct),
            (_, problem) => new FormField(Key("neu", nummer), ReissueRefusal(problem)));
        if (!ok) return await AgainAsync(ct);
        return RedirectToPage(null, new { jahr = int.Parse(issued!.Number[..4], System.Globalization.CultureInfo.InvariantCulture), erledigt = "neu", nummer = issued.Number });
    }

    public static string Key(string action, string number) => $"{action}-{number}";

    private static string ReissueRefusal(ProblemDetails problem)
    {
        var detail = problem.Detail ?? "";
        if (problem.Status == 404) return "Diese Zuwendungsbestätigung gibt es nicht.";
        if (detail.Contains("is valid", StringComparison.Ordinal)) return "Die Bestätigung ist noch gültig: bitte zuerst stornieren.";
        if (detail.Contains("postal address", StringComparison.Ordinal))
            return "Vom Spender ist keine Postanschrift mehr gespeichert; eine Bestätigung lässt sich nicht ausstellen.";
        return "Nichts mehr zu bescheinigen: die Zahlungen wurden zurückgebucht oder stehen schon auf einer anderen gültigen Bestätigung.";
    }

    private async Task<IActionResult> AgainAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        return Page();
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        var (ok, register) = await SendAsync(() => ReceiptRegisterEndpoint.List(Year, session, clock, ct), (_, _) => null);
        if (!ok) return false;
        Register = register!;
        Year = Register.Year;
        Pages = Math.Max(1, (Register.Receipts.Count + PageSize - 1) / PageSize);
        PageNumber = Math.Clamp(PageNumber, 1, Pages);
        Shown = Register.Receipts.Skip((PageNumber - 1) * PageSize).Take(PageSize).ToList();
        var years = await session.Query<Receipt>().Select(r => r.Year).Distinct().ToListAsync(ct);
        Years = years.Append(Register.Year).Append(clock.GetUtcNow().Year).Distinct().OrderDescending().ToList();
        return true;
    }
}
