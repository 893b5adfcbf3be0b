using System.Globalization;
using FlutHilfe.Documents.Calendar;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Documents.ProofOfUse;

/// <summary>Wording and German formats shared by the CSV and PDF renderings (culture-independent).</summary>
internal static class ProofOfUseText
{
    public const string HintNoDocument = "ohne Beleg";
    public const string HintWithdrawn = "zurückgezogen";

    public static readonly string[] VoucherColumns =
    [
        "Lfd. Nr.", "Datum", "Zahlungsempfänger", "Zweck/Begründung", "Verwendungszweck", "Betrag (EUR)",
        "Belegnummer", "Einrichtung", "SHA-256 des Belegs", "Hinweis",
    ];

    /// <summary>"1.234,56 €" (Money's own format).</summary>
    public static string Euro(Money amount) => amount.ToString();

    /// <summary>"1.234,56": Money's format without the currency sign, for columns headed "(EUR)".</summary>
    public static string EuroNoSign(Money amount)
    {
        string text = amount.ToString();
        return text.EndsWith(" €", StringComparison.Ordinal) ? text[..^2] : text;
    }

    /// <summary>"1234,56": decimal comma, no grouping, no sign; what Excel in Germany reads as a number.</summary>
    public static string CsvAmount(Money amount) =>
        (amount.Cents / 100m).ToString("0.00", CultureInfo.InvariantCulture).Replace('.', ',');

    public static string StatusLabel(string status) => status switch
    {
        "offen" => "offen (noch nicht eingereicht)",
        "eingereicht" => "eingereicht",
        "angenommen" => "angenommen",
        "abgelehnt" => "abgelehnt",
        _ => status,
    };

    public const string HintBeforeDecision = "vor Bewilligung";
    public const string HintPrefinanced = "vorfinanziert";

    /// <summary>Every hint that can appear in the "Hinweis" column (the PDF sizes the column to the widest).</summary>
    public static readonly string[] AllHints = [HintWithdrawn, HintNoDocument, HintBeforeDecision, HintPrefinanced];

    /// <summary>The item's flags, comma-separated: withdrawn, without voucher, dated before the decision, pre-financed.</summary>
    public static string Hint(VoucherLine v)
    {
        var hints = new List<string>();
        if (v.Withdrawn) hints.Add(HintWithdrawn);
        if (!v.HasDocument) hints.Add(HintNoDocument);
        if (v.BeforeDecision) hints.Add(HintBeforeDecision);
        if (v.Prefinanced) hints.Add(HintPrefinanced);
        return string.Join(", ", hints);
    }

    /// <summary>Vouchers in list order (by position, stable).</summary>
    public static IReadOnlyList<VoucherLine> Ordered(ProofOfUseDocument doc) =>
        [.. doc.Vouchers.OrderBy(v => v.Position)];

    /// <summary>Sum of all items that are not withdrawn (checked arithmetic).</summary>
    public static Money SumCounted(ProofOfUseDocument doc) =>
        doc.Vouchers.Where(v => !v.Withdrawn).Aggregate(Money.Zero, (sum, v) => sum + v.Amount);

    /// <summary>The day the document speaks for: the as-of moment, else the moment it was generated.</summary>
    public static DateOnly ReferenceDate(ProofOfUseDocument doc) => GermanCalendar.Day(doc.AsOf ?? doc.GeneratedAt);
}
