using System.Globalization;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Api.Pages.Infrastructure;

/// <summary>
/// German formats for what people read on the pages: amounts through <see cref="Money"/>'s own German format
/// ("1.234,56 €", the same text as on receipts and in exports; the CSS keeps amounts on one line), dates as "28.11.2026".
/// </summary>
public static class German
{
    private const char NoBreakSpace = '\u00A0';

    public static string Euro(Money amount) => amount.ToString();

    public static string Euro(long cents) => Euro(new Money(cents));

    public static string Date(DateOnly date) => date.ToString("dd'.'MM'.'yyyy", CultureInfo.InvariantCulture);

    public static string Date(DateTimeOffset moment) => Date(DateOnly.FromDateTime(moment.UtcDateTime));

    public static string Count(int value) => value.ToString("#,##0", GermanNumbers);

    private static readonly NumberFormatInfo GermanNumbers = new() { NumberGroupSeparator = ".", NumberDecimalSeparator = ",", NumberGroupSizes = [3] };

    /// <summary>
    /// An amount as a person types it: "50", "50,5", "1.234,56", "1234.56" is read as 1.234,56 € only when unambiguous,
    /// optionally with "€" or "EUR". Null when it is not an amount of euros and cents (never rounded).
    /// </summary>
    public static long? ParseEuroCents(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var value = text.Trim().Replace("€", "", StringComparison.Ordinal).Replace("EUR", "", StringComparison.OrdinalIgnoreCase)
            .Replace(NoBreakSpace.ToString(), "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
        if (value.Length is 0 or > 20 || value.StartsWith('-')) return null;

        // A point followed by exactly three digits groups thousands; a comma (or a point before one or two digits) separates cents.
        string euros, cents = "";
        var comma = value.LastIndexOf(',');
        if (comma >= 0)
        {
            euros = value[..comma];
            cents = value[(comma + 1)..];
        }
        else
        {
            var point = value.LastIndexOf('.');
            if (point >= 0 && value.Length - point - 1 is 1 or 2)
            {
                euros = value[..point];
                cents = value[(point + 1)..];
            }
            else euros = value;
        }
        var groups = euros.Split('.');
        if (groups.Length > 1 && (groups[0].Length is 0 or > 3 || groups.Skip(1).Any(g => g.Length != 3))) return null;
        euros = string.Concat(groups);
        if (euros.Length == 0 && cents.Length == 0) return null;
        if (!euros.All(char.IsAsciiDigit) || !cents.All(char.IsAsciiDigit) || cents.Length > 2 || euros.Length > 12) return null;
        var whole = euros.Length == 0 ? 0 : long.Parse(euros, CultureInfo.InvariantCulture);
        var fraction = cents.Length == 0 ? 0 : long.Parse(cents.PadRight(2, '0'), CultureInfo.InvariantCulture);
        return checked(whole * 100 + fraction);
    }

    /// <summary>Cents as the amount field shows them again ("1234,5" → "1.234,50").</summary>
    public static string EuroInput(long cents) => (cents / 100m).ToString("#,##0.00", GermanNumbers);
}
