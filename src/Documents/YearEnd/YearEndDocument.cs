using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Documents.YearEnd;

/// <summary>
/// One row of the year-end report, by booking date. A fund: opening and closing = available money; received, refunded by the
/// bank, allocated, returned by municipalities. A municipality: opening and closing = open money (allocated − spent − returned);
/// allocated, disbursed, spent, returned. Figures that do not apply to the kind are null (printed empty).
/// </summary>
public sealed record YearEndLine(string Name, Money Opening, Money? Received, Money? RefundedByBank, Money Allocated, Money? Disbursed, Money? Spent,
    Money Returned, Money Closing);

/// <summary>The year-end report as the CSV and the PDF print it (German texts; amounts as <see cref="Money"/>).</summary>
public sealed record YearEndDocument(
    string AppealTitle,
    string IssuerName,
    int Year,
    DateTimeOffset? AsOf,
    DateTimeOffset GeneratedAt,
    IReadOnlyList<YearEndLine> Funds,
    IReadOnlyList<YearEndLine> Municipalities)
{
    public DateOnly OpeningDate => new(Year - 1, 12, 31);
    public DateOnly ClosingDate => new(Year, 12, 31);

    public YearEndLine FundsTotal => Total(Funds);
    public YearEndLine MunicipalitiesTotal => Total(Municipalities);

    private static YearEndLine Total(IReadOnlyList<YearEndLine> lines) => new(YearEndText.SumLabel,
        Sum(lines, l => l.Opening), SumOptional(lines, l => l.Received), SumOptional(lines, l => l.RefundedByBank), Sum(lines, l => l.Allocated),
        SumOptional(lines, l => l.Disbursed), SumOptional(lines, l => l.Spent), Sum(lines, l => l.Returned), Sum(lines, l => l.Closing));

    private static Money Sum(IEnumerable<YearEndLine> lines, Func<YearEndLine, Money> pick) => lines.Aggregate(Money.Zero, (s, l) => s + pick(l));

    private static Money? SumOptional(IReadOnlyList<YearEndLine> lines, Func<YearEndLine, Money?> pick)
        => lines.Count > 0 && lines.All(l => pick(l) is null) ? null : lines.Aggregate(Money.Zero, (s, l) => s + (pick(l) ?? Money.Zero));
}

/// <summary>The German words of the year-end report, shared by CSV and PDF.</summary>
public static class YearEndText
{
    public const string Title = "Jahresabschluss";
    public const string SumLabel = "Summe";
    public const string FundsHeading = "Fonds (Zweckbindungen)";
    public const string MunicipalitiesHeading = "Gemeinden";

    public static string Heading(YearEndDocument d) => $"{Title} {d.Year}";

    /// <summary>The column headings; a line break marks where the PDF breaks a heading (the CSV puts a space).</summary>
    public static string[] Columns(YearEndDocument d) =>
    [
        "Name",
        $"Anfangsbestand\n{GermanDate.Format(d.OpeningDate)}",
        "Eingänge",
        "Rückbuchungen\nder Bank",
        "Zuweisungen",
        "Ausgezahlt",
        "Verausgabt",
        "Rückzahlungen\nder Gemeinden",
        $"Endbestand\n{GermanDate.Format(d.ClosingDate)}",
    ];

    public static string Basis(YearEndDocument d) =>
        $"Nach Buchungs- und Entscheidungsdatum; Anfangsbestand = Endbestand zum {GermanDate.Format(d.OpeningDate)}. " +
        "Fonds: verfügbare Mittel (Eingänge − Rückbuchungen − Zuweisungen + Rückzahlungen). Gemeinden: offene Mittel " +
        "(zugewiesen − verausgabt − zurückgezahlt).";

    public static string KnownOn(YearEndDocument d) => d.AsOf is { } asOf
        ? $"Erfasst bis {Calendar.GermanCalendar.DateTime(asOf)}"
        : $"Stand der Erfassung: {Calendar.GermanCalendar.DateTime(d.GeneratedAt)}";
}
