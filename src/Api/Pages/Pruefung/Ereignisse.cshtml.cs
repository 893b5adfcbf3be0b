using System.Globalization;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Api.Pages.Intern;
using Marten;
using Microsoft.AspNetCore.Authorization;

namespace FlutHilfe.Api.Pages.Pruefung;

/// <summary>
/// The event log for auditors, newest first, filtered by kind of stream, event type, one stream and the recording
/// time; fifty events a page. Read only. (The export of the whole log belongs to the audit issue.)
/// </summary>
[Authorize(Roles = Roles.Auditor)]
public sealed class EventsModel(IQuerySession session, ILogger<EventsModel> logger) : StaffPage(logger)
{
    [BindProperty(SupportsGet = true, Name = "art")] public string? StreamKind { get; set; }
    [BindProperty(SupportsGet = true, Name = "typ")] public string? EventType { get; set; }
    [BindProperty(SupportsGet = true, Name = "strom")] public string? Stream { get; set; }
    [BindProperty(SupportsGet = true, Name = "von")] public string? From { get; set; }
    [BindProperty(SupportsGet = true, Name = "bis")] public string? To { get; set; }
    [BindProperty(SupportsGet = true, Name = "ab")] public long? AtOrBelow { get; set; }

    public IReadOnlyList<EventLogLine> Lines { get; private set; } = [];
    public long? Older { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (StreamKind is not null && EventLog.StreamKinds.All(k => k.Kind != StreamKind)) Refuse("art", "Bitte wählen Sie eine Art aus der Liste.");
        if (EventType is not null && EventLog.EventTypes.All(t => t.Type.Name != EventType)) Refuse("typ", "Bitte wählen Sie ein Ereignis aus der Liste.");
        Guid? stream = null;
        if (!string.IsNullOrWhiteSpace(Stream))
        {
            if (Guid.TryParse(Stream.Trim(), out var id)) stream = id;
            else Refuse("strom", "Bitte die Kennung eines Datenstroms (eine UUID wie 0193a1b2-…).");
        }
        var from = Day(From, "von");
        var to = Day(To, "bis");
        if (!ModelState.IsValid) return;

        // "bis" includes the whole day (German time).
        var filter = new EventLogFilter(StreamKind, EventType, stream, from, to?.AddDays(1), AtOrBelow);
        (Lines, Older) = await EventLog.ReadAsync(session, filter, ct);
    }

    /// <summary>The start of a German calendar day as an instant.</summary>
    private DateTimeOffset? Day(string? text, string key)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (ParseDate(text) is not { } date)
        {
            Refuse(key, "Bitte ein Datum (TT.MM.JJJJ).");
            return null;
        }
        var local = date.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, Berlin.GetUtcOffset(local)).ToUniversalTime();
    }

    /// <summary>The address of this page with the current filters and another cursor.</summary>
    public string PageLink(long? atOrBelow)
    {
        var query = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value)) query.Add(name + "=" + Uri.EscapeDataString(value));
        }
        Add("art", StreamKind);
        Add("typ", EventType);
        Add("strom", Stream);
        Add("von", From);
        Add("bis", To);
        Add("ab", atOrBelow?.ToString(CultureInfo.InvariantCulture));
        return "/pruefung/ereignisse" + (query.Count == 0 ? "" : "?" + string.Join("&", query));
    }

    public static string StreamLink(Guid stream) => "/pruefung/ereignisse?strom=" + stream;
}
