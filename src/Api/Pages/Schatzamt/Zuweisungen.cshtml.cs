using System.Text.Json;
using FlutHilfe.Api.Funds.Allocating;
using FlutHilfe.Api.Funds.GettingBalances;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Api.Pages.Infrastructure;
using FlutHilfe.Api.Pages.Intern;
using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Appeals;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine;

namespace FlutHilfe.Api.Pages.Schatzamt;

/// <summary>
/// What each fund holds, the allocation form (the same <c>AllocateFunds</c> command as <c>POST /api/appeals/{id}/allocations</c>),
/// the proofs of use waiting for review, and every allocation of the appeal.
/// </summary>
[Authorize(Roles = Roles.Treasurer)]
public sealed class AllocationsModel(IMessageBus bus, IQuerySession session, TimeProvider clock, Deadlines.DeadlineSettings deadlines, ILogger<AllocationsModel> logger)
    : StaffPage(logger)
{
    public const int AllocationsShown = 500;

    public IReadOnlyList<Appeal> Appeals { get; private set; } = [];
    public Appeal? Appeal { get; private set; }
    public IReadOnlyList<FundView> Funds { get; private set; } = [];
    public IReadOnlyList<Allocation> Allocations { get; private set; } = [];
    /// <summary>Proofs of use still owed, the overdue first (the same view as <c>GET /api/appeals/{id}/deadlines</c>).</summary>
    public Deadlines.DeadlinesView? Deadlines { get; private set; }

    [BindProperty(SupportsGet = true, Name = "aufruf")] public string? AppealId { get; set; }

    [BindProperty] public string? Kommune { get; set; }
    [BindProperty] public string? Zweck { get; set; }
    [BindProperty] public string? Betrag { get; set; }
    [BindProperty] public string? Aktenzeichen { get; set; }
    [BindProperty] public string? BeschlossenAm { get; set; }
    /// <summary>The form's own id: sending the same form twice allocates once.</summary>
    [BindProperty] public Guid Vorgang { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        Vorgang = Guid.CreateVersion7(clock.GetUtcNow());
        BeschlossenAm = DateInput(TodayInGermany(clock));
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        if (Vorgang == Guid.Empty) Vorgang = Guid.CreateVersion7(clock.GetUtcNow());
        // The same form sent again (a double click, a reload): it is done already.
        if (await session.LoadAsync<Allocation>(Vorgang, ct) is not null) return Redirect(DetailPath(Vorgang));

        var amount = German.ParseEuroCents(Betrag);
        if (amount is null) Refuse(nameof(Betrag), "Bitte geben Sie den Betrag in Euro an, z. B. 2.500,00.");
        var decidedOn = ParseDate(BeschlossenAm);
        if (decidedOn is null) Refuse(nameof(BeschlossenAm), "Bitte geben Sie das Datum des Beschlusses an (TT.MM.JJJJ).");
        if (!ModelState.IsValid) return Page();

        var request = new AllocateRequest(Kommune, string.IsNullOrEmpty(Zweck) ? null : Zweck, amount, Aktenzeichen, decidedOn, null);
        var (ok, allocation) = await SendAsync(() => AllocateEndpoint.AllocateAsync(Appeal!.AppealId, request, bus, clock, ct, Vorgang), Refusal);
        if (!ok) return Page();
        return Redirect(DetailPath(allocation!.Id) + "?erledigt=zugewiesen");
    }

    public static string DetailPath(Guid allocationId) => $"/schatzamt/zuweisungen/{allocationId}";

    private static FormField? Refusal(string? field, ProblemDetails problem) => field switch
    {
        "municipalityId" => new(nameof(Kommune), problem.Detail?.Contains("is required", StringComparison.Ordinal) == true
            ? "Bitte wählen Sie die Kommune." : "Diese Kommune gehört nicht zum Aufruf."),
        "purposeId" => new(nameof(Zweck), "Dieser Zweck gehört nicht zum Aufruf."),
        "amountCents" when problem.Status == 409 => new(nameof(Betrag), InsufficientFunds(problem)),
        "amountCents" => new(nameof(Betrag), "Bitte einen Betrag über 0,00 €."),
        "decisionReference" => new(nameof(Aktenzeichen), problem.Detail?.Contains("is required", StringComparison.Ordinal) == true
            ? "Bitte geben Sie das Aktenzeichen des Beschlusses an." : ""),
        "decidedOn" => new(nameof(BeschlossenAm), "Bitte geben Sie das Datum des Beschlusses an."),
        _ => null,
    };

    /// <summary>The refusal names what the fitting funds hold together (the decision's own figures).</summary>
    private static string InsufficientFunds(ProblemDetails problem)
    {
        long free = 0, held = 0;
        if (problem.Extensions.TryGetValue("funds", out var funds) && funds is not null)
        {
            foreach (var fund in JsonSerializer.SerializeToElement(funds).EnumerateArray())
            {
                var fundHeld = fund.TryGetProperty("heldCents", out var h) ? Math.Max(0, h.GetInt64()) : 0;
                free = checked(free + Math.Max(0, fund.GetProperty("availableCents").GetInt64() - fundHeld));
                held = checked(held + fundHeld);
            }
        }
        return $"So viel halten die passenden Töpfe nicht: verfügbar sind für diese Kommune und diesen Zweck zusammen {German.Euro(free)}."
               + (held > 0 ? $" Weitere {German.Euro(held)} sind gebunden, bis die Spenderinnen und Spender die offene Rückfrage zur Zweckbindung beantwortet haben." : "");
    }

    /// <summary>The chosen appeal (or the first), its funds and allocations; false when the chosen one does not exist.</summary>
    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        Appeals = await session.Query<Appeal>().OrderBy(a => a.OpenedAt).Take(100).ToListAsync(ct);
        Appeal = AppealId is null ? Appeals.FirstOrDefault() : Appeals.FirstOrDefault(a => a.AppealId == AppealId);
        if (Appeal is null) return AppealId is null;
        Funds = await FundsEndpoint.Get(Appeal.AppealId, null, null, session, clock, ct);
        Allocations = await session.Query<Allocation>().Where(a => a.AppealId == Appeal.AppealId)
            .OrderByDescending(a => a.AllocatedAt).Take(AllocationsShown).ToListAsync(ct);
        Deadlines = await Api.Deadlines.DeadlinesEndpoint.BuildAsync(session, Appeal, deadlines, TodayInGermany(clock), ct);
        return true;
    }
}
