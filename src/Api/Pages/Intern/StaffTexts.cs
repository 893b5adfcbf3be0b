using FlutHilfe.Api.Pages.Infrastructure;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Payments;

namespace FlutHilfe.Api.Pages.Intern;

/// <summary>How the staff pages say states and kinds in German (the API keeps its English codes).</summary>
public static class StaffTexts
{
    /// <summary>A proof of use's state, from the API's code (open, submitted, accepted, rejected).</summary>
    public static string ProofStatus(string code) => code switch
    {
        "open" => "offen",
        "submitted" => "eingereicht",
        "accepted" => "angenommen",
        "rejected" => "abgelehnt",
        _ => code,
    };

    /// <summary>A donation's state, from the API's text (pledged, partly paid, paid, returned).</summary>
    public static string DonationStatus(string text) => text switch
    {
        "pledged" => "zugesagt",
        "partly paid" => "teilweise bezahlt",
        "paid" => "bezahlt",
        "returned" => "zurückgebucht",
        "expired" => "verfallen",
        _ => text,
    };

    public static string PaymentKind(string kind) => kind switch
    {
        nameof(Domain.Payments.PaymentKind.Credit) => "Gutschrift",
        nameof(Domain.Payments.PaymentKind.Return) => "Rückbuchung",
        nameof(Domain.Payments.PaymentKind.Debit) => "Abbuchung",
        nameof(Domain.Payments.PaymentKind.BatchWithoutDetails) => "Sammelbuchung ohne Einzelumsätze",
        nameof(Domain.Payments.PaymentKind.ReturnedTransfer) => "Zurückgekommene Überweisung",
        _ => kind,
    };

    public static string MatchMethod(MatchMethod? method) => method switch
    {
        Domain.Payments.MatchMethod.StructuredReference => "Referenz",
        Domain.Payments.MatchMethod.ReferenceInRemittanceText => "Referenz im Verwendungszweck",
        Domain.Payments.MatchMethod.EndToEndId => "End-to-End-Referenz",
        Domain.Payments.MatchMethod.Treasurer => "von Hand",
        Domain.Payments.MatchMethod.BookedAsDonation => "als Spende gebucht",
        Domain.Payments.MatchMethod.SplitByReferences => "aufgeteilt nach Referenzen",
        null => "–",
        _ => "Rückbuchung zur ursprünglichen Zahlung",
    };

    public static string ReceiptState(string code) => code switch
    {
        "valid" => "gültig",
        "cancelled" => "storniert",
        _ => code,
    };

    public static string ReceiptKind(string code) => code switch
    {
        "single" => "Einzelbestätigung",
        "collective" => "Sammelbestätigung",
        _ => code,
    };

    /// <summary>A fund (earmark) in words: "Allgemein", "Stolberg (Rhld.)", "Weihnachtsfeiern", "Stolberg (Rhld.) · Weihnachtsfeiern".</summary>
    public static string Fund(Appeal? appeal, string? municipalityId, string? purposeId)
    {
        var municipality = municipalityId is null ? null : appeal?.FindMunicipality(municipalityId)?.Name ?? municipalityId;
        var purpose = purposeId is null ? null : appeal?.FindPurpose(purposeId)?.Name ?? purposeId;
        return (municipality, purpose) switch
        {
            (null, null) => "Allgemein (jede Kommune, jeder Zweck)",
            ({ } m, null) => $"{m} (jeder Zweck)",
            (null, { } p) => $"{p} (jede Kommune)",
            ({ } m, { } p) => $"{m} · {p}",
        };
    }

    /// <summary>The three confirmations of the clerk's declaration, as the form asks them and the review shows them.</summary>
    public const string UsedOnlyForPurpose = "Die Mittel wurden ausschließlich für den Zweck der Zuweisung verwendet.";
    public const string NecessaryEconomicalThrifty = "Die Ausgaben waren notwendig; es wurde wirtschaftlich und sparsam verfahren.";
    public const string FiguresAgreeWithBooks = "Die Angaben stimmen mit den Büchern und Belegen überein.";

    /// <summary>"1 Zusage", "2 Zusagen": a count with the noun in the right number.</summary>
    public static string Counted(int count, string one, string many) => $"{Infrastructure.German.Count(count)} {(count == 1 ? one : many)}";

    public static string Municipality(Appeal? appeal, string municipalityId) => appeal?.FindMunicipality(municipalityId)?.Name ?? municipalityId;

    public static string Purpose(Appeal? appeal, string? purposeId)
        => purposeId is null ? "jeder Zweck des Aufrufs" : appeal?.FindPurpose(purposeId)?.Name ?? purposeId;

    /// <summary>How a proof-of-use deadline stands: days left, due today, or days overdue (and a rejected proof).</summary>
    public static string DeadlineState(int daysLeft, string proofStatus)
    {
        var state = daysLeft switch
        {
            < 0 => $"seit {(-daysLeft == 1 ? "1 Tag" : $"{-daysLeft} Tagen")} überfällig",
            0 => "heute fällig",
            1 => "noch 1 Tag",
            _ => $"noch {daysLeft} Tage",
        };
        return proofStatus == "rejected" ? state + " (Nachweis zurückgewiesen)" : state;
    }

    /// <summary>The reminders taken and the next one, in German.</summary>
    public static string DeadlineReminders(IReadOnlyList<string> sent, string? next, DateOnly? nextOn, DateOnly today)
    {
        static string Name(string stage) => stage switch
        {
            "first" => "1. Erinnerung",
            "second" => "2. Erinnerung",
            "overdue" => "Meldung ans Schatzamt",
            _ => stage,
        };
        var done = sent.Count == 0 ? "noch keine" : string.Join(", ", sent.Select(s => Name(s) + " versandt"));
        if (next is null || nextOn is not { } on) return done;
        return on <= today ? $"{done}; {Name(next)} fällig" : $"{done}; {Name(next)} am {German.Date(on)}";
    }
}
