using FlutHilfe.Api.Donations.Pledging;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Api.Pages.Infrastructure;
using FlutHilfe.Api.Pages.Intern;
using FlutHilfe.Api.Payments.Matching;
using FlutHilfe.Api.Payments.Reconciling;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Payments;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine;

namespace FlutHilfe.Api.Pages.Schatzamt;

/// <summary>
/// The reconciliation queue: what the import could not match, with the ranked proposals and their reasons. The treasury
/// matches (a proposal, or a reference it types), books a payment as a donation of its own, or undoes a match with a
/// reason. The same commands as the API's <c>/api/payments/{id}/…</c>; after each, the page reloads (post, redirect, get).
/// </summary>
[Authorize(Roles = Roles.Treasurer)]
public sealed class ReconciliationModel(IMessageBus bus, IQuerySession session, TimeProvider clock, ILogger<ReconciliationModel> logger) : StaffPage(logger)
{
    public const int QueueShown = 100;
    public const int MatchedShown = 20;

    public IReadOnlyList<UnmatchedPayment> Queue { get; private set; } = [];
    public IReadOnlyList<Payment> RecentlyMatched { get; private set; } = [];
    public IReadOnlyDictionary<Guid, Donation> Donations { get; private set; } = new Dictionary<Guid, Donation>();
    public IReadOnlyDictionary<string, Appeal> Appeals { get; private set; } = new Dictionary<string, Appeal>();

    /// <summary>What was typed into a row's fields, shown again after a refusal.</summary>
    public Dictionary<string, string?> Typed { get; } = [];

    protected override IReadOnlyDictionary<string, string> DoneTexts => new Dictionary<string, string>
    {
        ["zugeordnet"] = "Die Zahlung ist der Spende zugeordnet.",
        ["gebucht"] = "Die Zahlung ist als eigene Spende gebucht.",
        ["aufgeteilt"] = "Die Zahlung ist auf die Spenden aufgeteilt.",
        ["aufgehoben"] = "Die Zuordnung ist aufgehoben; die Zahlung wartet wieder im Abgleich.",
    };

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    /// <summary>Match to a proposed donation.</summary>
    public async Task<IActionResult> OnPostZuordnenAsync(Guid zahlung, Guid spende, CancellationToken ct)
    {
        var (ok, _) = await SendAsync(() => MatchingEndpoints.MatchAsync(zahlung, new MatchRequest(spende), bus, User, clock, ct),
            (_, problem) => new FormField(Key("vorschlag", zahlung), MatchRefusal(problem)));
        return await AfterAsync(ok, "zugeordnet", ct);
    }

    /// <summary>Match to the donation whose reference the treasurer typed (donors mistype; the bank statement shows what they wrote).</summary>
    public async Task<IActionResult> OnPostReferenzAsync(Guid zahlung, string? referenz, CancellationToken ct)
    {
        var key = Key("referenz", zahlung);
        Typed[key] = referenz;
        var normalized = string.Concat((referenz ?? "").Where(c => !char.IsWhiteSpace(c))).ToUpperInvariant();
        if (normalized.Length == 0)
        {
            Refuse(key, "Bitte geben Sie die Referenz der Spende an (RF…).");
            return await AfterAsync(false, "", ct);
        }
        var donation = normalized.Length > 35 ? null : await session.Query<Donation>().FirstOrDefaultAsync(d => d.Reference == normalized, ct);
        if (donation is null)
        {
            Refuse(key, $"Keine Spende hat die Referenz {normalized}.");
            return await AfterAsync(false, "", ct);
        }
        var (ok, _) = await SendAsync(() => MatchingEndpoints.MatchAsync(zahlung, new MatchRequest(donation.Id), bus, User, clock, ct),
            (_, problem) => new FormField(key, MatchRefusal(problem)));
        return await AfterAsync(ok, "zugeordnet", ct);
    }

    /// <summary>Book a payment nobody pledged as a donation of its own, for one fund (the general fund unless chosen).</summary>
    public async Task<IActionResult> OnPostSpendeAsync(Guid zahlung, string? kommune, string? zweck, CancellationToken ct)
    {
        var key = Key("spende", zahlung);
        var payment = await session.LoadAsync<Payment>(zahlung, ct);
        if (payment is null) return NotFound();
        IReadOnlyList<EarmarkInput>? earmarks = string.IsNullOrEmpty(kommune) && string.IsNullOrEmpty(zweck)
            ? null
            : [new EarmarkInput(NullIfEmpty(kommune), NullIfEmpty(zweck), payment.Amount.Cents)];
        var (ok, _) = await SendAsync(() => ReconcilingEndpoints.BookAsDonationAsync(zahlung, new BookAsDonationRequest(earmarks), bus, User, clock, ct),
            (field, problem) => new FormField(key, problem.Status == 409
                ? "Diese Zahlung lässt sich nicht als Spende buchen: sie ist schon zugeordnet oder keine Gutschrift."
                : field?.Contains("municipalityId", StringComparison.Ordinal) == true ? "Diese Kommune gehört nicht zum Aufruf."
                : field?.Contains("purposeId", StringComparison.Ordinal) == true ? "Dieser Zweck gehört nicht zum Aufruf."
                : ""));
        return await AfterAsync(ok, "gebucht", ct);
    }

    /// <summary>
    /// Split a payment across proposed donations: one amount per donation (prefilled with what is still open); an empty
    /// amount leaves that donation out. The sum rule is the domain's; the page only reads the amounts.
    /// </summary>
    public async Task<IActionResult> OnPostAufteilenAsync(Guid zahlung, List<Guid> spende, List<string?> betrag, CancellationToken ct)
    {
        var key = Key("aufteilen", zahlung);
        var parts = new List<SplitPartInput>();
        var fieldOfPart = new List<string>();
        for (var i = 0; i < spende.Count; i++)
        {
            var partKey = PartKey(zahlung, spende[i]);
            var text = i < betrag.Count ? betrag[i] : null;
            Typed[partKey] = text;
            if (string.IsNullOrWhiteSpace(text)) continue;
            var cents = German.ParseEuroCents(text);
            if (cents is null)
            {
                Refuse(partKey, "Bitte geben Sie den Betrag in Euro an, z. B. 50,00.");
                continue;
            }
            parts.Add(new SplitPartInput(spende[i], cents));
            fieldOfPart.Add(partKey);
        }
        if (!ModelState.IsValid) return await AfterAsync(false, "", ct);
        var payment = await session.LoadAsync<Payment>(zahlung, ct);
        var (ok, _) = await SendAsync(() => MatchingEndpoints.SplitAsync(zahlung, new SplitRequest(parts), bus, User, clock, ct),
            (field, problem) => new FormField(PartField(field, fieldOfPart) ?? key, field switch
            {
                "parts" when parts.Count < 2 => "Bitte geben Sie für mindestens zwei Spenden einen Betrag an.",
                "parts" => $"Die Beträge ergeben zusammen {German.Euro(parts.Sum(p => p.AmountCents ?? 0))}, die Zahlung ist {(payment is null ? "anders" : German.Euro(payment.Amount))}. Bitte so aufteilen, dass die Summe genau stimmt.",
                not null when field.EndsWith(".amountCents", StringComparison.Ordinal) => "Bitte einen Betrag über 0,00 €.",
                _ => problem.Status == 409
                    ? "Diese Zahlung ist schon zugeordnet oder kann nicht aufgeteilt werden."
                    : "Diese Spende passt nicht zu der Zahlung (anderer Aufruf oder unbekannt).",
            }));
        return await AfterAsync(ok, "aufgeteilt", ct);
    }

    /// <summary>The form key of one part's amount field (<c>parts[i]…</c> of the problem maps to the i-th sent part).</summary>
    public static string PartKey(Guid paymentId, Guid donationId) => $"teil-{paymentId:N}-{donationId:N}";

    private static string? PartField(string? field, List<string> fieldOfPart)
    {
        if (field is null || !field.StartsWith("parts[", StringComparison.Ordinal)) return null;
        var end = field.IndexOf(']', StringComparison.Ordinal);
        return int.TryParse(field.AsSpan(6, end - 6), out var i) && i < fieldOfPart.Count ? fieldOfPart[i] : null;
    }

    /// <summary>Undo a wrong match with a reason; the payment waits in the queue again (a new fact; nothing is deleted).</summary>
    public async Task<IActionResult> OnPostAufhebenAsync(Guid zahlung, string? grund, CancellationToken ct)
    {
        var key = Key("grund", zahlung);
        Typed[key] = grund;
        var (ok, _) = await SendAsync(() => MatchingEndpoints.UnmatchAsync(zahlung, new UnmatchRequest(grund), bus, User, clock, ct),
            (field, problem) => new FormField(key, field == "reason" ? "Bitte nennen Sie den Grund (er bleibt in der Historie stehen)." : problem.Status == 409
                ? "Diese Zahlung lässt sich nicht zurücknehmen: sie ist nicht zugeordnet, oder es ist eine Rückbuchung der Bank."
                : ""));
        return await AfterAsync(ok, "aufgehoben", ct);
    }

    public static string Key(string action, Guid paymentId) => $"{action}-{paymentId:N}";

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static string MatchRefusal(ProblemDetails problem) => problem.Status switch
    {
        409 => "Diese Zahlung ist schon zugeordnet oder kann keiner Spende zugeordnet werden (z. B. eine zurückgekommene Überweisung).",
        404 => "Diese Zahlung gibt es nicht mehr im Abgleich.",
        _ => "Diese Spende passt nicht zu der Zahlung (anderer Aufruf oder unbekannt).",
    };

    private async Task<IActionResult> AfterAsync(bool ok, string done, CancellationToken ct)
    {
        if (ok) return RedirectToPage(null, new { erledigt = done });
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Queue = await ReconcilingEndpoints.Unmatched(null, QueueShown, session, ct);
        RecentlyMatched = await session.Query<Payment>().Where(p => p.Status == PaymentStatus.Matched)
            .OrderByDescending(p => p.RecordedAt).Take(MatchedShown).ToListAsync(ct);
        var donationIds = RecentlyMatched.SelectMany(p => p.Parts).Select(p => p.DonationId).Distinct().ToArray();
        Donations = donationIds.Length == 0 ? new Dictionary<Guid, Donation>()
            : (await session.LoadManyAsync<Donation>(ct, donationIds)).ToDictionary(d => d.Id);
        Appeals = (await session.Query<Appeal>().Take(100).ToListAsync(ct)).ToDictionary(a => a.AppealId);
    }
}
