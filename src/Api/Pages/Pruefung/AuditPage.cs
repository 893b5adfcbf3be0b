using System.Globalization;
using FlutHilfe.Api.Pages.Infrastructure;
using FlutHilfe.Api.Pages.Intern;

namespace FlutHilfe.Api.Pages.Pruefung;

/// <summary>
/// An auditor's page that reads figures on a chosen day by one of the two clocks of the API: <c>erfasst</c> ("recorded by the
/// end of that day", the API's <c>asOf</c>) or <c>gebucht</c> ("by booking, decision or voucher date up to that day", the
/// API's <c>effectiveOn</c>). The page only turns the German day into the API's parameters; the replay is the API's.
/// </summary>
public abstract class AuditPage(ILogger logger) : StaffPage(logger)
{
    public const string Recorded = "erfasst";
    public const string Booked = "gebucht";

    public const string RecordedExplained = "Erfasst bis: alles, was bis zum Ende dieses Tages aufgezeichnet war – später erfasste Buchungen fehlen, auch wenn sie ein früheres Datum tragen.";
    public const string BookedExplained = "Gebucht bis: alles mit einem Buchungs-, Beschluss- oder Belegdatum bis zu diesem Tag, gleich wann es erfasst wurde (so rechnet der Jahresabschluss).";

    [BindProperty(SupportsGet = true, Name = "aufruf")] public string? AppealId { get; set; }
    [BindProperty(SupportsGet = true, Name = "stichtag")] public string? Day { get; set; }
    [BindProperty(SupportsGet = true, Name = "uhr")] public string? Clock { get; set; }

    public bool ByBookingDate => Clock == Booked;

    /// <summary>The instant for <c>asOf</c> (end of the day, German time, never after now), when the clock is "erfasst".</summary>
    public DateTimeOffset? AsOf { get; private set; }

    /// <summary>The date for <c>effectiveOn</c>, when the clock is "gebucht".</summary>
    public DateOnly? EffectiveOn { get; private set; }

    public string? AsOfParameter => AsOf?.ToString("O", CultureInfo.InvariantCulture);
    public string? EffectiveOnParameter => EffectiveOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Reads <c>stichtag</c> and <c>uhr</c>; a day that does not parse or lies ahead is refused at <c>stichtag</c>.</summary>
    protected void ReadDay(TimeProvider clock)
    {
        if (Clock is not null && Clock != Recorded && Clock != Booked) Refuse("uhr", "Bitte wählen Sie „erfasst bis“ oder „gebucht bis“.");
        if (string.IsNullOrWhiteSpace(Day)) return;
        if (ParseDate(Day) is not { } day)
        {
            Refuse("stichtag", "Bitte ein Datum (TT.MM.JJJJ).");
            return;
        }
        if (day > TodayInGermany(clock))
        {
            Refuse("stichtag", "Der Stichtag liegt in der Zukunft.");
            return;
        }
        if (ByBookingDate) EffectiveOn = day;
        else
        {
            var end = EndOf(day);
            AsOf = end < clock.GetUtcNow() ? end : clock.GetUtcNow();
        }
    }

    /// <summary>"Stand …" in the page's words: which clock, which day.</summary>
    public string Stand => EffectiveOn is { } d ? "gebucht bis " + German.Date(d)
        : AsOf is { } a ? "erfasst bis " + StaffPage.Moment(a)
        : "aktueller Stand";

    /// <summary>The query of the chosen appeal, day and clock, for links to the sibling pages (starting with <c>&amp;</c>, or empty).</summary>
    public string DayQuery
    {
        get
        {
            var parts = new List<string>();
            if (AppealId is not null) parts.Add("aufruf=" + Uri.EscapeDataString(AppealId));
            if (EffectiveOn is { } d) parts.AddRange(["stichtag=" + German.Date(d), "uhr=" + Booked]);
            else if (AsOf is not null && ParseDate(Day) is { } day) parts.AddRange(["stichtag=" + German.Date(day), "uhr=" + Recorded]);
            return string.Concat(parts.Select(p => "&" + p));
        }
    }

    /// <summary>The last instant of a German calendar day.</summary>
    public static DateTimeOffset EndOf(DateOnly day)
    {
        var next = day.AddDays(1).ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(next, Berlin.GetUtcOffset(next)).AddTicks(-1).ToUniversalTime();
    }

    /// <summary>The explanation page of one figure, on the same day and clock.</summary>
    public string ExplainLink(string view, string id, string field)
        => $"/pruefung/erklaerung?ansicht={view}&id={Uri.EscapeDataString(id)}&feld={Uri.EscapeDataString(field)}{DayQuery}";
}
