using FlutHilfe.Api.Documents;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Api.Pages.Infrastructure;
using FlutHilfe.Api.Pages.Intern;
using FlutHilfe.Api.ProofOfUse.Submitting;
using FlutHilfe.Api.Spending.Reporting;
using FlutHilfe.Api.Spending.Withdrawing;
using FlutHilfe.Domain.Allocations;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine;

namespace FlutHilfe.Api.Pages.Kommune;

/// <summary>
/// One allocation of the clerk's municipality: report a spending item with its voucher (the voucher is stored as
/// <c>POST /api/documents</c> stores it, the item is the same <c>ReportSpending</c> command as
/// <c>POST /api/allocations/{id}/spending</c>), the Belegliste, the proof of use with the declaration, PDF and CSV.
/// Another municipality's allocation is a 403: the access rule is the API's.
/// </summary>
[Authorize(Roles = Roles.Municipality)]
[RequestSizeLimit(UploadBytesMax)]
[RequestFormLimits(MultipartBodyLengthLimit = UploadBytesMax)]
public sealed class ClerkAllocationModel(IMessageBus bus, IQuerySession query, IDocumentSession documents, TimeProvider time,
    ILogger<ClerkAllocationModel> logger) : AllocationPage(query, time, logger)
{
    /// <summary>A voucher's limit plus room for the other fields of the form.</summary>
    private const long UploadBytesMax = DocumentEndpoints.SizeBytesMax + 256 * 1024;

    [BindProperty] public string? Datum { get; set; }
    [BindProperty] public string? Empfaenger { get; set; }
    /// <summary>Payees that are organisations are named on the public transparency page; private persons never are.</summary>
    [BindProperty] public bool EmpfaengerIstOrganisation { get; set; }
    [BindProperty] public string? Grund { get; set; }
    [BindProperty] public string? Zweck { get; set; }
    [BindProperty] public string? Betrag { get; set; }
    [BindProperty] public string? Belegnummer { get; set; }
    [BindProperty] public string? Einrichtung { get; set; }
    [BindProperty] public IFormFile? Beleg { get; set; }
    /// <summary>A voucher uploaded with an earlier, refused attempt of this form: kept, so it need not be chosen again.</summary>
    [BindProperty] public Guid? Dokument { get; set; }
    [BindProperty] public Guid Vorgang { get; set; }

    [BindProperty] public string? Sachbericht { get; set; }
    [BindProperty] public bool NurFuerDenZweck { get; set; }
    [BindProperty] public bool WirtschaftlichUndSparsam { get; set; }
    [BindProperty] public bool StimmtMitBuechern { get; set; }
    [BindProperty] public string? Ort { get; set; }
    [BindProperty] public string? ErklaertAm { get; set; }
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Funktion { get; set; }

    public string? UploadedFileName { get; private set; }

    public bool MayReport => Allocation.ProofStatus is ProofStatus.Open or ProofStatus.Rejected;

    public override bool MayWithdrawSpending => MayReport;

    protected override IReadOnlyDictionary<string, string> DoneTexts => new Dictionary<string, string>
    {
        ["gemeldet"] = "Die Ausgabe ist gemeldet und steht in der Belegliste.",
        ["zurueckgezogen"] = "Die Ausgabe ist zurückgezogen; sie zählt nicht mehr. Eine berichtigte Ausgabe melden Sie neu.",
        ["eingereicht"] = "Der Verwendungsnachweis ist eingereicht. Die Kasse prüft ihn.",
    };

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (await LoadAllocationAsync(id, ct) is { } denied) return denied;
        Defaults();
        return Page();
    }

    public async Task<IActionResult> OnPostAusgabeAsync(Guid id, CancellationToken ct)
    {
        if (await LoadAllocationAsync(id, ct) is { } denied) return denied;
        if (Vorgang == Guid.Empty) Vorgang = Guid.CreateVersion7(Clock.GetUtcNow());
        var date = ParseDate(Datum);
        if (date is null && !string.IsNullOrWhiteSpace(Datum)) Refuse(nameof(Datum), "Bitte ein Datum (TT.MM.JJJJ).");
        var amount = German.ParseEuroCents(Betrag);
        if (amount is null && !string.IsNullOrWhiteSpace(Betrag)) Refuse(nameof(Betrag), "Bitte den Betrag in Euro, z. B. 19,99.");
        await StoreVoucherAsync(ct);
        if (!ModelState.IsValid) return Again();

        var purpose = Allocation.PurposeId ?? (string.IsNullOrEmpty(Zweck) ? null : Zweck);
        var request = new ReportSpendingRequest(date, Empfaenger, EmpfaengerIstOrganisation, Grund, purpose, amount, Belegnummer, Einrichtung, Dokument);
        var (ok, _) = await SendAsync(() => ReportSpendingEndpoint.ReportAsync(id, request, Session, bus, User, Clock, ct, Vorgang), SpendingRefusal);
        return ok ? Redirect($"{MunicipalityModel.DetailPath(id)}?erledigt=gemeldet#belegliste") : Again();
    }

    /// <summary>Withdraw a reported item with a reason (the same command as the API's; the item id makes a second send harmless).</summary>
    public async Task<IActionResult> OnPostZurueckziehenAsync(Guid id, [FromForm(Name = WithdrawItemKey)] Guid? posten,
        [FromForm(Name = WithdrawReasonKey)] string? grund, CancellationToken ct)
    {
        if (await LoadAllocationAsync(id, ct) is { } denied) return denied;
        (WithdrawItem, WithdrawReason) = (posten, grund);
        if (posten is null) Refuse(WithdrawItemKey, "Bitte wählen Sie die Ausgabe, die Sie zurückziehen.");
        if (!ModelState.IsValid) return Again(spendingPosted: false);
        var (ok, _) = await SendAsync(() => WithdrawSpendingEndpoint.WithdrawAsync(posten!.Value, new WithdrawSpendingRequest(grund), Session, bus, User, Clock, ct),
            (field, problem) => field == "reason"
                ? new(WithdrawReasonKey, problem.Detail?.Contains("is required", StringComparison.Ordinal) == true
                    ? "Bitte nennen Sie den Grund (er bleibt in der Historie stehen)." : "")
                : new(WithdrawItemKey, problem.Status == 409
                    ? "Der Verwendungsnachweis ist eingereicht oder angenommen: Ausgaben lassen sich nicht mehr zurückziehen."
                    : "Diese Ausgabe gibt es in dieser Zuweisung nicht."));
        return ok ? Redirect($"{MunicipalityModel.DetailPath(id)}?erledigt=zurueckgezogen#belegliste") : Again(spendingPosted: false);
    }

    public async Task<IActionResult> OnPostNachweisAsync(Guid id, CancellationToken ct)
    {
        if (await LoadAllocationAsync(id, ct) is { } denied) return denied;
        var date = ParseDate(ErklaertAm);
        if (date is null && !string.IsNullOrWhiteSpace(ErklaertAm)) Refuse(nameof(ErklaertAm), "Bitte ein Datum (TT.MM.JJJJ).");
        if (!ModelState.IsValid) return Again(spendingPosted: false);
        var request = new SubmitProofRequest(Sachbericht,
            new DeclarationInput(NurFuerDenZweck, WirtschaftlichUndSparsam, StimmtMitBuechern, Ort, date, Name, Funktion));
        var (ok, _) = await SendAsync(() => SubmitProofOfUseEndpoint.SubmitAsync(id, request, Session, bus, User, Clock, ct), ProofRefusal);
        return ok ? Redirect($"{MunicipalityModel.DetailPath(id)}?erledigt=eingereicht") : Again(spendingPosted: false);
    }

    /// <summary>
    /// Stores the chosen voucher by the API's rules (type by content, at most 10 MB) and remembers its id in the form; a
    /// refused report keeps it, so a second attempt does not upload it twice.
    /// </summary>
    private async Task StoreVoucherAsync(CancellationToken ct)
    {
        if (Beleg is { Length: > 0 } file)
        {
            if (file.Length > DocumentEndpoints.SizeBytesMax)
            {
                Refuse(nameof(Beleg), "Der Beleg ist zu groß: höchstens 10 MB.");
                return;
            }
            using var buffer = new MemoryStream();
            await file.CopyToAsync(buffer, ct);
            var (ok, document) = await SendAsync(() => Task.FromResult(DocumentEndpoints.NewDocument(buffer.ToArray(), file.ContentType, Path.GetFileName(file.FileName), User, Clock)),
                (field, problem) => new FormField(nameof(Beleg), field == "fileName" ? "" : "Bitte einen Beleg als PDF, JPEG oder PNG (die Datei ist leer oder kein solches Format)."));
            if (!ok) return;
            documents.Store(document!);
            await documents.SaveChangesAsync(ct);
            Dokument = document!.Id;
            UploadedFileName = document.FileName;
        }
        else if (Dokument is { } kept)
        {
            UploadedFileName = (await Session.LoadAsync<StoredDocument>(kept, ct))?.FileName;
            if (UploadedFileName is null) Dokument = null;
        }
    }

    private FormField? SpendingRefusal(string? field, ProblemDetails problem)
    {
        var detail = problem.Detail ?? "";
        return field switch
        {
            "date" when detail.Contains("before the disaster", StringComparison.Ordinal)
                => new(nameof(Datum), $"Ausgaben vor dem Unglück ({(Appeal.DisasterDate is { } d ? German.Date(d) : "")}) sind nicht förderfähig."),
            "date" when detail.Contains("after the proof-of-use deadline", StringComparison.Ordinal)
                => new(nameof(Datum), $"Das Datum liegt nach der Frist für den Verwendungsnachweis ({German.Date(Appeal.ProofOfUseDeadline)})."),
            "date" when detail.Contains("future", StringComparison.Ordinal) => new(nameof(Datum), "Das Datum liegt in der Zukunft."),
            "date" => new(nameof(Datum), "Bitte das Datum des Belegs."),
            "payee" => new(nameof(Empfaenger), ""),
            "reason" => new(nameof(Grund), ""),
            "purposeId" => new(nameof(Zweck), Allocation.PurposeId is null ? "Bitte wählen Sie den Zweck der Ausgabe." : "Diese Zuweisung ist für einen anderen Zweck."),
            "amountCents" when problem.Status == 409 => new(nameof(Betrag), $"Mehr als noch offen: es sind noch {German.Euro(Allocation.Open)} offen."),
            "amountCents" when detail.Contains("is required", StringComparison.Ordinal) => new(nameof(Betrag), "Bitte den Betrag in Euro."),
            "amountCents" => new(nameof(Betrag), "Bitte einen Betrag über 0,00 €."),
            "voucherNumber" when problem.Status == 409 => new(nameof(Belegnummer), "Diese Belegnummer ist für diese Zuweisung schon gemeldet."),
            "voucherNumber" => new(nameof(Belegnummer), ""),
            "facility" => new(nameof(Einrichtung), ""),
            "documentId" => new(nameof(Beleg), "Dieser Beleg gehört zu einer anderen Kommune; bitte wählen Sie die Datei erneut."),
            null when problem.Status == 409 => new("", "Der Verwendungsnachweis ist eingereicht oder angenommen: es können keine Ausgaben mehr gemeldet werden."),
            _ => null,
        };
    }

    private static FormField? ProofRefusal(string? field, ProblemDetails problem) => field switch
    {
        "narrativeReport" => new(nameof(Sachbericht), problem.Detail?.Contains("is required", StringComparison.Ordinal) == true
            ? "Bitte beschreiben Sie, wofür das Geld verwendet wurde." : ""),
        "declaration.usedOnlyForPurpose" => new(nameof(NurFuerDenZweck), "Bitte bestätigen Sie, dass das Geld nur für den Zweck verwendet wurde."),
        "declaration.necessaryEconomicalThrifty" => new(nameof(WirtschaftlichUndSparsam), "Bitte bestätigen Sie, dass wirtschaftlich und sparsam verfahren wurde."),
        "declaration.figuresAgreeWithBooks" => new(nameof(StimmtMitBuechern), "Bitte bestätigen Sie, dass die Angaben mit Büchern und Belegen übereinstimmen."),
        "declaration.place" => new(nameof(Ort), ""),
        "declaration.date" when problem.Detail?.Contains("future", StringComparison.Ordinal) == true => new(nameof(ErklaertAm), "Das Datum liegt in der Zukunft."),
        "declaration.date" => new(nameof(ErklaertAm), "Bitte das Datum der Erklärung."),
        "declaration.signatoryName" => new(nameof(Name), ""),
        "declaration.signatoryFunction" => new(nameof(Funktion), ""),
        null when problem.Status == 409 => new("", "Der Verwendungsnachweis ist schon eingereicht oder angenommen."),
        _ => null,
    };

    private void Defaults()
    {
        Vorgang = Guid.CreateVersion7(Clock.GetUtcNow());
        EmpfaengerIstOrganisation = true;
        Datum ??= DateInput(TodayInGermany(Clock));
        ErklaertAm ??= DateInput(TodayInGermany(Clock));
        Ort ??= MunicipalityName;
        Sachbericht ??= Allocation.NarrativeReport;
    }

    /// <summary>The page again after a refusal: what was typed stays; the other form gets its defaults.</summary>
    private IActionResult Again(bool spendingPosted = true)
    {
        if (Vorgang == Guid.Empty) Vorgang = Guid.CreateVersion7(Clock.GetUtcNow());
        if (!spendingPosted)
        {
            EmpfaengerIstOrganisation = true;
            Datum ??= DateInput(TodayInGermany(Clock));
        }
        ErklaertAm ??= DateInput(TodayInGermany(Clock));
        Ort ??= MunicipalityName;
        return Page();
    }
}
