using System.Collections;
using System.Reflection;
using FlutHilfe.Api.Pages.Infrastructure;
using FlutHilfe.Api.Pages.Intern;
using FlutHilfe.Domain.Shared;
using JasperFx.Events;
using Marten;
using Marten.Events;

namespace FlutHilfe.Api.Pages.Pruefung;

/// <summary>What the auditor filters the event log by. Every part is optional.</summary>
public sealed record EventLogFilter(string? StreamKind, string? EventType, Guid? StreamId, DateTimeOffset? From, DateTimeOffset? Before, long? AtOrBelowSequence);

/// <summary>One event as the log shows it: its place in the log and its facts, personal data only as ids.</summary>
public sealed record EventLogLine(long Sequence, DateTimeOffset RecordedAt, Guid StreamId, long Version, string StreamKind, string TypeName, string Label,
    IReadOnlyList<(string Name, string Value)> Facts);

/// <summary>
/// A paged read of the event store (<c>mt_events</c>) through Marten, newest first, by sequence. Filters: the kind of
/// stream (appeal, donation, payment, statement, allocation, receipt: the state the event folds into), the event type,
/// one stream, the recording time. Free text (names, payees, reasons, reports) is never shown: only ids, amounts,
/// dates, numbers, codes and references.
/// </summary>
public static class EventLog
{
    public const int PageSize = 50;

    /// <summary>The kinds of stream, by the state type their events fold into, and their German names.</summary>
    public static readonly IReadOnlyList<(string Kind, string Label)> StreamKinds =
    [
        ("Appeal", "Spendenaufruf"),
        ("Donation", "Spende"),
        ("Payment", "Zahlung (Bankumsatz)"),
        ("BankStatement", "Kontoauszug"),
        ("Allocation", "Zuweisung"),
        ("Receipt", "Zuwendungsbestätigung"),
        ("AnnualReceiptRun", "Jahreslauf Sammelbestätigungen"),
        ("PaymentFile", "Zahlungsdatei"),
        ("Donor", "Spender (Datenschutz)"),
        ("EarmarkDecision", "Entscheidung über eine Zweckbindung"),
    ];

    /// <summary>Every event type of the domain with its stream kind, ordered by kind and name.</summary>
    public static readonly IReadOnlyList<(Type Type, string Kind)> EventTypes = DomainEvents.All
        .Select(t => (Type: t, Kind: KindOf(t)))
        .OrderBy(t => StreamKinds.Select(k => k.Kind).ToList().IndexOf(t.Kind)).ThenBy(t => Label(t.Type.Name), StringComparer.Ordinal)
        .ToList();

    public static string KindOf(Type eventType)
        => eventType.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEventOf<>))?.GetGenericArguments()[0].Name ?? "";

    public static string KindLabel(string kind) => StreamKinds.FirstOrDefault(k => k.Kind == kind).Label ?? kind;

    /// <summary>German names of the events; an event without one shows its type name.</summary>
    public static string Label(string typeName) => typeName switch
    {
        "AppealOpened" => "Aufruf eröffnet",
        "MunicipalityAdded" => "Kommune hinzugefügt",
        "PurposeAdded" => "Zweck hinzugefügt",
        "AppealClosed" => "Aufruf geschlossen",
        "DonationPledged" => "Spende zugesagt",
        "DonationBookedFromPayment" => "Zahlung als Spende gebucht",
        "DonationPaymentReceived" => "Zahlung bei der Spende eingegangen",
        "DonationPaymentWithdrawn" => "Zahlung von der Spende genommen",
        "DonationPaymentReturned" => "Zahlung zurückgebucht",
        "UnpaidPledgeReminded" => "An unbezahlte Zusage erinnert",
        "PledgeExpired" => "Zusage verfallen",
        "ExpiredPledgePaid" => "Zahlung für verfallene Zusage eingegangen",
        "ReceiptRequested" => "Zuwendungsbestätigung angefordert",
        "ReceiptOfferReminded" => "An angebotene Zuwendungsbestätigung erinnert",
        "ReceiptOfferLapsed" => "Angebot der Zuwendungsbestätigung verfallen",
        "ReceiptAssigned" => "Zahlungen auf Bestätigung vermerkt",
        "ReceiptWithdrawn" => "Bestätigung von der Spende genommen",
        "BankTransactionRecorded" => "Bankumsatz erfasst",
        "PaymentMatched" => "Zahlung zugeordnet",
        "PaymentUnmatched" => "Zuordnung aufgehoben",
        "PaymentSplit" => "Zahlung aufgeteilt",
        "PaymentSplitUndone" => "Aufteilung aufgehoben",
        "BankStatementRecorded" => "Kontoauszug erfasst",
        "FundsAllocated" => "Geld zugewiesen",
        "AllocationWithdrawn" => "Zuweisung zurückgenommen",
        "FundsDisbursed" => "Geld ausgezahlt",
        "DisbursementOrdered" => "Auszahlung angewiesen",
        "DisbursementSentToBank" => "Auszahlung an die Bank übergeben",
        "DisbursementReturned" => "Auszahlung zurückgekommen",
        "DisbursementRejected" => "Zahlungsdatei von der Bank abgelehnt",
        "PaymentAppliedToDisbursement" => "Bankumsatz der Auszahlung zugeordnet",
        "PaymentAppliedToRecoveryClaim" => "Bankumsatz der Rückforderung zugeordnet",
        "RecoveryClaimRaised" => "Rückforderung gestellt",
        "RecoveryClaimSettled" => "Rückforderung beglichen",
        "PaymentFileCreated" => "Zahlungsdatei erstellt",
        "DonorDataErased" => "Personenbezogene Daten gelöscht",
        "DonorsMerged" => "Spender zusammengeführt",
        "DonorMergeUndone" => "Zusammenführung von Spendern aufgehoben",
        "AnnualReceiptRunStarted" => "Jahreslauf der Sammelbestätigungen gestartet",
        "AnnualReceiptIssued" => "Sammelbestätigung im Jahreslauf ausgestellt",
        "UnusedFundsReturned" => "Nicht verwendetes Geld zurückgezahlt",
        "SpendingReported" => "Ausgabe gemeldet",
        "SpendingWithdrawn" => "Ausgabe zurückgezogen",
        "ProofOfUseSubmitted" => "Verwendungsnachweis eingereicht",
        "ProofOfUseAccepted" => "Verwendungsnachweis angenommen",
        "ProofOfUseRejected" => "Verwendungsnachweis abgelehnt",
        "ProofOfUseReminderSent" => "An Verwendungsnachweis erinnert",
        "ReceiptIssued" => "Zuwendungsbestätigung ausgestellt",
        "ReceiptCancelled" => "Zuwendungsbestätigung storniert",
        "ReceiptMailed" => "Zuwendungsbestätigung versandt",
        "EarmarkDecisionStarted" => "Entscheidung über eine Zweckbindung begonnen",
        "EarmarkQuestionAsked" => "Spender zur Zweckbindung gefragt",
        "EarmarkQuestionReminded" => "An Frage zur Zweckbindung erinnert",
        "EarmarkQuestionAnswered" => "Frage zur Zweckbindung beantwortet",
        "RefundSentToBank" => "Rückerstattung an die Bank übergeben",
        "RefundPaid" => "Rückerstattung ausgezahlt",
        "RefundReturned" => "Rückerstattung zurückgekommen",
        "RefundRejected" => "Rückerstattung: Zahlungsdatei von der Bank abgelehnt",
        "PaymentAppliedToRefund" => "Bankumsatz der Rückerstattung zugeordnet",
        _ => typeName,
    };

    /// <summary>One page (newest first) and the sequence the next, older page starts at (null: no older events).</summary>
    public static async Task<(IReadOnlyList<EventLogLine> Lines, long? Older)> ReadAsync(IQuerySession session, EventLogFilter filter, CancellationToken ct)
    {
        var types = EventTypes
            .Where(t => filter.StreamKind is null || t.Kind == filter.StreamKind)
            .Where(t => filter.EventType is null || t.Type.Name == filter.EventType)
            .Select(t => t.Type).ToArray();
        if (types.Length == 0) return ([], null);

        var query = session.Events.QueryAllRawEvents().Where(e => e.EventTypesAre(types));
        if (filter.StreamId is { } stream) query = query.Where(e => e.StreamId == stream);
        if (filter.From is { } from) query = query.Where(e => e.Timestamp >= from);
        if (filter.Before is { } before) query = query.Where(e => e.Timestamp < before);
        if (filter.AtOrBelowSequence is { } cursor) query = query.Where(e => e.Sequence <= cursor);
        var events = await query.OrderByDescending(e => e.Sequence).Take(PageSize + 1).ToListAsync(ct);

        var lines = events.Take(PageSize).Select(e => new EventLogLine(e.Sequence, e.Timestamp, e.StreamId, e.Version, KindOf(e.EventType),
            e.EventType.Name, Label(e.EventType.Name), Facts(e.Data))).ToList();
        return (lines, events.Count > PageSize ? events[PageSize].Sequence : null);
    }

    /// <summary>
    /// The facts of an event that are not personal: ids, amounts, dates, numbers, yes/no, codes and references (one
    /// level into nested records; lists by their count). Any other text is left out, so no name, payee, reason or report
    /// reaches the log page.
    /// </summary>
    public static IReadOnlyList<(string Name, string Value)> Facts(object data)
    {
        var facts = new List<(string, string)>();
        Collect(data, "", 0, facts);
        return facts;
    }

    private static readonly string[] TextThatIsAnId = ["Id", "Number", "Reference", "Key", "Code", "Signal", "By"];

    private static bool IsIdLike(string propertyName) => TextThatIsAnId.Any(suffix => propertyName.EndsWith(suffix, StringComparison.Ordinal));

    private static void Collect(object data, string prefix, int depth, List<(string, string)> facts)
    {
        foreach (var property in data.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0))
        {
            var name = prefix + property.Name;
            var value = property.GetValue(data);
            switch (value)
            {
                case null:
                    continue;
                case Money money:
                    facts.Add((name, German.Euro(money)));
                    break;
                case Guid id:
                    facts.Add((name, id.ToString()));
                    break;
                case DateOnly date:
                    facts.Add((name, German.Date(date)));
                    break;
                case DateTimeOffset moment:
                    facts.Add((name, StaffPage.Moment(moment)));
                    break;
                case bool flag:
                    facts.Add((name, flag ? "ja" : "nein"));
                    break;
                case int or long:
                    facts.Add((name, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!));
                    break;
                case Enum e:
                    facts.Add((name, e.ToString()));
                    break;
                case string text when IsIdLike(property.Name):
                    facts.Add((name, text));
                    break;
                case CreditorReference reference when IsIdLike(property.Name):
                    facts.Add((name, reference.ToString()));
                    break;
                case string:
                    break;
                case IEnumerable list:
                    facts.Add((name, StaffTexts.Counted(list.Cast<object>().Count(), "Eintrag", "Einträge")));
                    break;
                default:
                    if (depth == 0 && property.PropertyType.Namespace?.StartsWith("FlutHilfe.Domain", StringComparison.Ordinal) == true)
                        Collect(value, name + ".", depth + 1, facts);
                    break;
            }
        }
    }
}
