using FlutHilfe.Api.Allocations.Disbursing;
using FlutHilfe.Api.Allocations.Returning;
using FlutHilfe.Api.Allocations.Withdrawing;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Api.Pages.Infrastructure;
using FlutHilfe.Api.Pages.Intern;
using FlutHilfe.Api.ProofOfUse.Reviewing;
using FlutHilfe.Domain.Allocations;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine;

namespace FlutHilfe.Api.Pages.Schatzamt;

/// <summary>
/// One allocation for the treasury: its money, disbursements to the municipality and unused money paid back, the
/// Belegliste, and the review of the proof of use (accept; reject with remarks). The same commands as the API's
/// <c>/api/allocations/{id}/disbursements</c>, <c>…/returns</c>, <c>…/proof-of-use/accept</c> and <c>…/reject</c>.
/// </summary>
[Authorize(Roles = Roles.Treasurer)]
public sealed class AllocationModel(IMessageBus bus, IQuerySession session, TimeProvider time, ILogger<AllocationModel> logger)
    : AllocationPage(session, time, logger)
{
    [BindProperty] public string? AuszahlungBetrag { get; set; }
    [BindProperty] public string? AuszahlungAm { get; set; }
    [BindProperty] public string? AuszahlungReferenz { get; set; }
    [BindProperty] public Guid AuszahlungVorgang { get; set; }

    [BindProperty] public string? RueckzahlungBetrag { get; set; }
    [BindProperty] public string? RueckzahlungAm { get; set; }
    [BindProperty] public string? RueckzahlungReferenz { get; set; }
    [BindProperty] public Guid RueckzahlungVorgang { get; set; }

    [BindProperty] public string? RuecknahmeBetrag { get; set; }
    [BindProperty] public string? RuecknahmeGrund { get; set; }
    [BindProperty] public Guid RuecknahmeVorgang { get; set; }

    [BindProperty] public string? AnnahmeBemerkung { get; set; }
    [BindProperty] public string? AblehnungBemerkung { get; set; }

    protected override IReadOnlyDictionary<string, string> DoneTexts => new Dictionary<string, string>
    {
        ["zugewiesen"] = "Die Zuweisung ist gebucht.",
        ["ausgezahlt"] = "Die Auszahlung ist gebucht.",
        ["zurueckgezahlt"] = "Die Rückzahlung ist gebucht; das Geld steht wieder in seinen Töpfen.",
        ["zurueckgenommen"] = "Die Zuweisung ist verringert; das Geld steht wieder in seinen Töpfen.",
        ["angenommen"] = "Der Verwendungsnachweis ist angenommen.",
        ["abgelehnt"] = "Der Verwendungsnachweis ist abgelehnt; die Kommune sieht Ihre Bemerkungen.",
    };

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (await LoadAllocationAsync(id, ct) is { } denied) return denied;
        var today = DateInput(TodayInGermany(Clock));
        AuszahlungAm = RueckzahlungAm = today;
        FreshOperations();
        return Page();
    }

    public async Task<IActionResult> OnPostAuszahlungAsync(Guid id, CancellationToken ct)
    {
        if (await LoadAllocationAsync(id, ct) is { } denied) return denied;
        var amount = Amount(nameof(AuszahlungBetrag), AuszahlungBetrag);
        var paidOn = Date(nameof(AuszahlungAm), AuszahlungAm);
        if (!ModelState.IsValid) return Again();
        var (ok, _) = await SendAsync(() => DisburseFundsEndpoint.DisburseAsync(id, new DisbursementRequest(amount, paidOn, AuszahlungReferenz), bus, Clock, ct,
            Operation(AuszahlungVorgang)), (field, problem) => field switch
        {
            "amountCents" when problem.Status == 409 => new(nameof(AuszahlungBetrag),
                $"Mehr als zugewiesen: ausgezahlt sind schon {German.Euro(Allocation.Disbursed)} von {German.Euro(Allocation.Net)}."),
            "amountCents" => new(nameof(AuszahlungBetrag), "Bitte einen Betrag über 0,00 €."),
            "paidOn" => new(nameof(AuszahlungAm), "Bitte das Datum der Überweisung."),
            "bankReference" => new(nameof(AuszahlungReferenz), ""),
            _ => null,
        });
        return ok ? Finished(id, "ausgezahlt") : Again();
    }

    public async Task<IActionResult> OnPostRueckzahlungAsync(Guid id, CancellationToken ct)
    {
        if (await LoadAllocationAsync(id, ct) is { } denied) return denied;
        var amount = Amount(nameof(RueckzahlungBetrag), RueckzahlungBetrag);
        var returnedOn = Date(nameof(RueckzahlungAm), RueckzahlungAm);
        if (!ModelState.IsValid) return Again();
        var (ok, _) = await SendAsync(() => ReturnUnusedFundsEndpoint.ReturnAsync(id, new ReturnRequest(amount, returnedOn, RueckzahlungReferenz), bus, Clock, ct,
            Operation(RueckzahlungVorgang)), (field, problem) => field switch
        {
            "amountCents" when problem.Status == 409 => new(nameof(RueckzahlungBetrag),
                "Zurückzahlen kann die Kommune nur, was ausgezahlt und noch nicht ausgegeben ist."),
            "amountCents" => new(nameof(RueckzahlungBetrag), "Bitte einen Betrag über 0,00 €."),
            "returnedOn" => new(nameof(RueckzahlungAm), "Bitte das Datum des Zahlungseingangs."),
            "bankReference" => new(nameof(RueckzahlungReferenz), ""),
            _ => null,
        });
        return ok ? Finished(id, "zurueckgezahlt") : Again();
    }

    /// <summary>Withdraw (part of) the allocation: an empty amount withdraws all that is neither disbursed nor spent.</summary>
    public async Task<IActionResult> OnPostRuecknahmeAsync(Guid id, CancellationToken ct)
    {
        if (await LoadAllocationAsync(id, ct) is { } denied) return denied;
        var amount = string.IsNullOrWhiteSpace(RuecknahmeBetrag) ? null : Amount(nameof(RuecknahmeBetrag), RuecknahmeBetrag);
        if (!ModelState.IsValid) return Again();
        var (ok, _) = await SendAsync(() => WithdrawAllocationEndpoint.WithdrawAsync(id,
            new WithdrawAllocationRequest(amount, RuecknahmeGrund, Operation(RuecknahmeVorgang)), bus, Clock, ct),
            (field, problem) => field switch
            {
                "amountCents" when problem.Status == 409 => new(nameof(RuecknahmeBetrag),
                    $"Zurücknehmen lässt sich nur, was weder ausgezahlt noch ausgegeben ist: höchstens {German.Euro(Allocation.Withdrawable)}."),
                "amountCents" => new(nameof(RuecknahmeBetrag), "Bitte einen Betrag über 0,00 €."),
                "reason" => new(nameof(RuecknahmeGrund), problem.Detail?.Contains("is required", StringComparison.Ordinal) == true
                    ? "Bitte nennen Sie den Grund (er bleibt in der Historie stehen)." : ""),
                _ => null,
            });
        return ok ? Finished(id, "zurueckgenommen") : Again();
    }

    public async Task<IActionResult> OnPostAnnehmenAsync(Guid id, CancellationToken ct)
    {
        if (await LoadAllocationAsync(id, ct) is { } denied) return denied;
        var (ok, _) = await SendAsync(() => ReviewProofOfUseEndpoints.ReviewAsync(id, true, new ReviewRequest(AnnahmeBemerkung), bus, User, Clock, ct),
            (field, problem) => field == "remarks" ? new(nameof(AnnahmeBemerkung), "") : new("", ReviewConflict(problem)));
        return ok ? Finished(id, "angenommen") : Again();
    }

    public async Task<IActionResult> OnPostAblehnenAsync(Guid id, CancellationToken ct)
    {
        if (await LoadAllocationAsync(id, ct) is { } denied) return denied;
        var (ok, _) = await SendAsync(() => ReviewProofOfUseEndpoints.ReviewAsync(id, false, new ReviewRequest(AblehnungBemerkung), bus, User, Clock, ct),
            (field, problem) => field == "remarks"
                ? new(nameof(AblehnungBemerkung), problem.Detail?.Contains("is required", StringComparison.Ordinal) == true
                    ? "Bitte schreiben Sie, was die Kommune ändern oder nachreichen soll." : "")
                : new("", ReviewConflict(problem)));
        return ok ? Finished(id, "abgelehnt") : Again();
    }

    private static string ReviewConflict(ProblemDetails problem) => problem.Status == 409
        ? "Es liegt kein eingereichter Verwendungsnachweis zur Prüfung vor."
        : CommandProblems.GenericMessage;

    private long? Amount(string key, string? text)
    {
        var cents = German.ParseEuroCents(text);
        if (cents is null) Refuse(key, "Bitte geben Sie den Betrag in Euro an, z. B. 1.250,00.");
        return cents;
    }

    private DateOnly? Date(string key, string? text)
    {
        var date = ParseDate(text);
        if (date is null) Refuse(key, "Bitte geben Sie ein Datum an (TT.MM.JJJJ).");
        return date;
    }

    /// <summary>The form's own id, so that a second send changes nothing; a form without one gets a fresh id.</summary>
    private Guid Operation(Guid posted) => posted == Guid.Empty ? Guid.CreateVersion7(Clock.GetUtcNow()) : posted;

    private void FreshOperations()
    {
        if (AuszahlungVorgang == Guid.Empty) AuszahlungVorgang = Guid.CreateVersion7(Clock.GetUtcNow());
        if (RueckzahlungVorgang == Guid.Empty) RueckzahlungVorgang = Guid.CreateVersion7(Clock.GetUtcNow());
        if (RuecknahmeVorgang == Guid.Empty) RuecknahmeVorgang = Guid.CreateVersion7(Clock.GetUtcNow());
    }

    private IActionResult Again()
    {
        var today = DateInput(TodayInGermany(Clock));
        AuszahlungAm ??= today;
        RueckzahlungAm ??= today;
        FreshOperations();
        return Page();
    }

    private IActionResult Finished(Guid id, string code) => Redirect($"{AllocationsModel.DetailPath(id)}?erledigt={code}");

    public bool ProofSubmitted => Allocation.ProofStatus == ProofStatus.Submitted;
}
