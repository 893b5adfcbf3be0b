using FlutHilfe.Api.Audit.Explain;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Api.Pages.Infrastructure;
using FlutHilfe.Api.Pages.Intern;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Shared;
using Marten;
using Microsoft.AspNetCore.Authorization;

namespace FlutHilfe.Api.Pages.Pruefung;

/// <summary>
/// Where a figure of the balances comes from: <c>GET /api/audit/explain</c> itself (the view's own fold, event by event) on
/// the same day and clock as the balances, shown as the ordered events with their contribution and a running sum that ends
/// at the figure.
/// </summary>
[Authorize(Roles = Roles.Auditor)]
public sealed class ExplanationModel(IQuerySession session, TimeProvider clock, ILogger<ExplanationModel> logger) : AuditPage(logger)
{
    [BindProperty(SupportsGet = true, Name = "ansicht")] public string? View { get; set; }
    [BindProperty(SupportsGet = true, Name = "id")] public string? Id { get; set; }
    [BindProperty(SupportsGet = true, Name = "feld")] public string? Field { get; set; }

    public Appeal? Appeal { get; private set; }
    public ExplanationView? Explanation { get; private set; }

    /// <summary>Why there is nothing to show (an unknown view, field or id), in German.</summary>
    public string? Refusal { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        ReadDay(clock);
        if (!ModelState.IsValid)
        {
            Refusal = ErrorFor("stichtag") ?? ErrorFor("uhr");
            return Page();
        }
        if (AppealId is not null) Appeal = await session.Query<Appeal>().FirstOrDefaultAsync(a => a.AppealId == AppealId, ct);
        try
        {
            Explanation = await ExplainEndpoint.Get(View, Id, Field, AppealId, AsOfParameter, EffectiveOnParameter, session, clock, ct);
        }
        catch (DomainException e)
        {
            Refusal = e.Kind == RefusalKind.NotFound
                ? "Zu dieser Zahl gibt es an diesem Tag noch kein Ereignis."
                : "Diese Zahl lässt sich nicht herleiten: Ansicht, Kennung oder Feld sind unbekannt.";
            Response.StatusCode = e.Kind == RefusalKind.NotFound ? 404 : 400;
        }
        return Page();
    }

    /// <summary>What the figure is, in German: "Zugewiesen – Stolberg (Rhld.)".</summary>
    public string Title => $"{FieldLabel(Field)} – {Subject}";

    public string Subject => View switch
    {
        "municipality" => "Kommune " + StaffTexts.Municipality(Appeal, Id ?? ""),
        "fund" => "Topf " + FundName(Id ?? ""),
        "appeal" => "Aufruf " + (Appeal?.Title ?? Id),
        _ => Id ?? "",
    };

    /// <summary>The fund of a key as the funds endpoint names it (<c>general</c>, <c>m:stolberg</c>, <c>m:stolberg/p:weihnachtsfeiern</c>).</summary>
    private string FundName(string key)
    {
        string? municipality = null, purpose = null;
        foreach (var part in key.Split('/'))
        {
            if (part.StartsWith("m:", StringComparison.Ordinal)) municipality = part[2..];
            else if (part.StartsWith("p:", StringComparison.Ordinal)) purpose = part[2..];
        }
        return StaffTexts.Fund(Appeal, municipality, purpose);
    }

    /// <summary>The German name of a field as the balances page labels it.</summary>
    public static string FieldLabel(string? field) => field switch
    {
        "pledgedCents" => "Zugesagt",
        "pledges" => "Zusagen",
        "receivedCents" => "Eingegangen",
        "donations" => "Spenden",
        "returnedByBankCents" => "Von der Bank zurückgebucht",
        "returnedByMunicipalitiesCents" => "Von Kommunen zurückgezahlt",
        "confirmedCents" => "Eingegangen",
        "refundedCents" => "Zurückgebucht",
        "allocatedCents" => "Zugewiesen",
        "disbursedCents" => "Ausgezahlt",
        "spentCents" => "Ausgegeben",
        "returnedCents" => "Zurückgezahlt",
        "availableCents" => "Verfügbar",
        "openCents" => "Offen",
        "itemsWithoutDocument" => "Posten ohne Beleg",
        _ => field ?? "",
    };

    /// <summary>The German name of an event from its stored name (<c>funds_allocated</c> → "Geld zugewiesen").</summary>
    public static string EventLabel(string storedName)
    {
        var typeName = string.Concat(storedName.Split('_').Where(p => p.Length > 0).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
        return EventLog.Label(typeName);
    }

    public static string StreamKind(string storedName)
    {
        var typeName = string.Concat(storedName.Split('_').Where(p => p.Length > 0).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
        return EventLog.EventTypes.FirstOrDefault(t => t.Type.Name == typeName) is { Type: not null } t ? EventLog.KindLabel(t.Kind) : "";
    }

    public string Amount(long value) => Explanation?.Unit == "count" ? German.Count(checked((int)value)) : German.Euro(value);

    /// <summary>A contribution with its sign, the minus as the typographic one: "+400,00 €", "−180,10 €".</summary>
    public string Signed(long value) => value switch
    {
        > 0 => "+" + Amount(value),
        < 0 => "\u2212" + Amount(checked(-value)),
        _ => Amount(0),
    };

    /// <summary>The event in the log: its stream, newest first from this event on.</summary>
    public static string EventLink(ContributionView c) => $"/pruefung/ereignisse?strom={c.StreamId}&ab={c.Sequence}";

    /// <summary>The same question to the API.</summary>
    public string ApiPath => $"/api/audit/explain?view={View}&id={Uri.EscapeDataString(Id ?? "")}&field={Uri.EscapeDataString(Field ?? "")}"
        + (AppealId is null ? "" : "&appealId=" + Uri.EscapeDataString(AppealId))
        + (AsOfParameter is { } a ? "&asOf=" + Uri.EscapeDataString(a) : "") + (EffectiveOnParameter is { } e ? "&effectiveOn=" + e : "");

    public string BackLink => "/pruefung/salden?" + DayQuery.TrimStart('&');
}
