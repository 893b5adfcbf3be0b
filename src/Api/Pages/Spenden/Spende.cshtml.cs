using FlutHilfe.Api.Appeals.Reporting;
using FlutHilfe.Api.Donations.Pledging;
using FlutHilfe.Api.Donations.Tracing;
using FlutHilfe.Api.EarmarkDecisions;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Funds;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Api.Pages.Infrastructure;
using FlutHilfe.Api.Receipts;
using FlutHilfe.Api.Receipts.Requesting;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine;

namespace FlutHilfe.Api.Pages.Spenden;

/// <summary>The donor's answer to an earmark question, as the form sends it.</summary>
public sealed class EarmarkAnswerForm
{
    /// <summary><c>redirect</c>, <c>generalFund</c> or <c>refund</c> (the API's words).</summary>
    public string? Choice { get; set; }
    /// <summary>The fund to redirect to: <c>m:{municipalityId}</c> or <c>p:{purposeId}</c>.</summary>
    public string? Target { get; set; }
    public string? Iban { get; set; }
    public string? AccountHolder { get; set; }
}

public sealed class ReceiptRequestForm
{
    public string? Name { get; set; }
    public string? Street { get; set; }
    public string? PostalCode { get; set; }
    public string? City { get; set; }
    public string? Email { get; set; }
}

/// <summary>
/// The donor page (the secret link): status, payments, receipts or the request for one, earmarks, and once money was
/// allocated, the allocations and spending items of the municipalities it is earmarked for. The receipt request is the
/// same command as <c>POST /api/donations/{id}/receipt</c>.
/// </summary>
[AllowAnonymous]
public sealed class DonorModel(IQuerySession session, ReceiptSettings settings, TimeProvider clock, IConfiguration configuration, IMessageBus bus,
    ILogger<DonorModel> logger) : DonorPageModel(session, settings, clock, configuration)
{
    [BindProperty] public ReceiptRequestForm ReceiptRequest { get; set; } = new();

    [BindProperty] public EarmarkAnswerForm EarmarkAnswer { get; set; } = new();

    /// <summary>The appeal's funds a donor may redirect to (value <c>m:…</c> or <c>p:…</c>, German name).</summary>
    public IReadOnlyList<(string Value, string Name)> RedirectTargets { get; private set; } = [];

    /// <summary>Where the money went: the municipalities named by the earmarks, or every municipality with allocations when one earmark names none.</summary>
    public IReadOnlyList<PublicMunicipalityView> Municipalities { get; private set; } = [];

    public string? RequestAnswer { get; private set; }

    /// <summary>Where this gift's own euros went, under the declared FIFO-per-fund rule (null until money arrived).</summary>
    public DonationTraceView? Trace { get; private set; }

    /// <summary>Whether a profile (name, address, e-mail) of this gift's donor is still stored: then the page offers to erase it.</summary>
    public bool HoldsPersonalData { get; private set; }

    [BindProperty] public bool ConfirmErasure { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid donationId, string? token, CancellationToken ct)
    {
        if (!await LoadAsync(donationId, token, ct)) return NotFound();
        await LoadWhereItWentAsync(ct);
        return Page();
    }

    /// <summary>The donor erases their personal data: the same command as <c>POST /api/donations/{id}/erasure</c>.</summary>
    public async Task<IActionResult> OnPostEraseAsync(Guid donationId, string? token, CancellationToken ct)
    {
        if (!await LoadAsync(donationId, token, ct)) return NotFound();
        if (!ConfirmErasure)
        {
            ModelState.AddModelError(nameof(ConfirmErasure), "Bitte bestätigen Sie, dass Ihre Daten gelöscht werden sollen.");
            await LoadWhereItWentAsync(ct);
            return Page();
        }
        var result = await Donors.PersonalDataEndpoints.EraseByDonor(donationId, token, Session, Access, bus, Clock, ct);
        var kept = result.KeptUntil is { } until ? "&bis=" + until.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : "";
        return Redirect(DonorLinks.Page(donationId, token!) + "&geloescht=" + (result.Erased ?? "nichts").ToLowerInvariant() + kept + "#daten");
    }

    public async Task<IActionResult> OnPostReceiptAsync(Guid donationId, string? token, CancellationToken ct)
    {
        if (!await LoadAsync(donationId, token, ct)) return NotFound();
        var r = ReceiptRequest;
        var given = new[] { r.Name, r.Street, r.PostalCode, r.City, r.Email }.Any(v => !string.IsNullOrWhiteSpace(v))
            ? new DonorInput(r.Name, r.Street, r.PostalCode, r.City, "DE", r.Email)
            : null;
        var (ok, _) = await CommandProblems.TryAsync(ModelState,
            () => RequestReceiptEndpoint.RequestAsync(donationId, token, new RequestReceiptBody(given), bus, Clock, ct), Field, logger);
        if (!ok)
        {
            await LoadWhereItWentAsync(ct);
            return Page();
        }
        return Redirect(DonorLinks.Page(donationId, token!) + "&angefordert=1#beleg");
    }

    /// <summary>
    /// The donor answers an earmark question: the same command as <c>POST /api/donations/{id}/earmark-questions/{decisionId}</c>
    /// (<see cref="AnswerEarmarkQuestionEndpoint.AnswerAsync"/>); a refusal shows next to its field.
    /// </summary>
    public async Task<IActionResult> OnPostEarmarkAsync(Guid donationId, string? token, Guid decisionId, CancellationToken ct)
    {
        if (!await LoadAsync(donationId, token, ct)) return NotFound();
        var a = EarmarkAnswer;
        string? municipality = null, purpose = null;
        if (a.Target is { Length: > 2 } target && a.Choice == "redirect")
        {
            if (target.StartsWith("m:", StringComparison.Ordinal)) municipality = target[2..];
            else if (target.StartsWith("p:", StringComparison.Ordinal)) purpose = target[2..];
        }
        var request = new AnswerEarmarkQuestionRequest(a.Choice, municipality, purpose, a.Choice == "refund" ? a.Iban : null, a.Choice == "refund" ? a.AccountHolder : null);
        var (ok, _) = await CommandProblems.TryAsync(ModelState,
            () => AnswerEarmarkQuestionEndpoint.AnswerAsync(donationId, decisionId, token, request, bus, Clock, ct), EarmarkField, logger);
        if (!ok)
        {
            await LoadWhereItWentAsync(ct);
            return Page();
        }
        return Redirect(DonorLinks.Page(donationId, token!) + "&beantwortet=1#frage-" + decisionId);
    }

    private static FormField? EarmarkField(string field) => field switch
    {
        "choice" => new("EarmarkAnswer.Choice", "Bitte wählen Sie eine der drei Möglichkeiten. Eine Antwort ist nur bis zum Ende der Frist möglich und lässt sich danach nicht mehr ändern."),
        "municipalityId" or "purposeId" => new("EarmarkAnswer.Target", "Bitte wählen Sie die Kommune oder den Zweck, für den Ihr Geld verwendet werden soll."),
        "iban" => new("EarmarkAnswer.Iban", "Bitte prüfen Sie die IBAN: Sie ist unvollständig oder ihre Prüfziffer stimmt nicht (z. B. DE02 1203 0000 0000 2020 51)."),
        "accountHolder" => new("EarmarkAnswer.AccountHolder", "Bitte geben Sie den Kontoinhaber in einer Zeile an (höchstens 70 Zeichen)."),
        _ => null,
    };

    private static FormField? Field(string field) => field switch
    {
        "donor" => new("ReceiptRequest.Address", "Für eine Zuwendungsbestätigung brauchen wir Ihren Namen und Ihre Postanschrift (Straße, Postleitzahl, Ort)."),
        "donor.name" => new("ReceiptRequest.Name", "Bitte geben Sie Ihren Namen in einer Zeile an (höchstens 70 Zeichen)."),
        "donor.street" => new("ReceiptRequest.Street", "Bitte geben Sie Straße und Hausnummer in einer Zeile an (höchstens 70 Zeichen)."),
        "donor.postalCode" => new("ReceiptRequest.PostalCode", "Bitte geben Sie die Postleitzahl an (höchstens 10 Zeichen)."),
        "donor.city" => new("ReceiptRequest.City", "Bitte geben Sie den Ort in einer Zeile an (höchstens 70 Zeichen)."),
        "donor.email" => new("ReceiptRequest.Email", "Bitte geben Sie eine gültige E-Mail-Adresse an."),
        _ => null,
    };

    private async Task LoadWhereItWentAsync(CancellationToken ct)
    {
        if (View.EarmarkQuestions is { Count: > 0 } questions
            && await Session.LoadAsync<Appeal>(AppealStream.IdFor(View.AppealId), ct) is { } appeal)
        {
            var asked = questions.Select(q => q.Fund).ToHashSet();
            RedirectTargets = appeal.Municipalities.Select(m => (Value: "m:" + m.Id, Name: "Kommune " + m.Name, Key: new Fund(m.Id, null).Key))
                .Concat(appeal.Purposes.Select(p => (Value: "p:" + p.Id, Name: "Zweck " + p.Name, Key: new Fund(null, p.Id).Key)))
                .Where(t => !asked.Contains(t.Key)).Select(t => (t.Value, t.Name)).ToList();
        }
        var donorId = (await Session.LoadAsync<Donation>(View.DonationId, ct))?.DonorId;
        HoldsPersonalData = donorId is { } id && await FlutHilfe.Api.Infrastructure.PersonalData.DonorProfiles.LoadAsync(Session, id, ct) is not null;
        if (View.ReceivedCents <= 0) return;
        if (await Session.LoadAsync<Donation>(View.DonationId, ct) is { } donation) Trace = await DonationTraceEndpoint.TraceAsync(donation, Session, ct);
        var report = await PublicFiguresEndpoints.Transparency(View.AppealId, null, null, Session, Clock, ct);
        var named = View.Earmarks.Select(e => e.MunicipalityId).ToList();
        var all = named.Count == 0 || named.Any(m => m is null);
        Municipalities = report.Municipalities
            .Where(m => (all || named.Contains(m.MunicipalityId)) && (m.Allocations.Count > 0 || m.Spending.Count > 0))
            .ToList();
    }
}
