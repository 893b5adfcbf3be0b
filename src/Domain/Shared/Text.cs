using System.Globalization;

namespace FlutHilfe.Domain.Shared;

/// <summary>Bounded free text: every string we accept has a limit.</summary>
public static class Text
{
    /// <summary>Multi-line text (reasons, reports): line breaks and tabs allowed, other control characters refused.</summary>
    public static string Require(string? value, string field, int lengthMax)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed)) throw DomainException.Invalid(field, $"{field} is required.");
        if (trimmed.Length > lengthMax) throw DomainException.Invalid(field, $"{field} must be at most {lengthMax} characters.");
        if (trimmed.Any(c => char.IsControl(c) && c != '\n' && c != '\r' && c != '\t'))
            throw DomainException.Invalid(field, $"{field} contains control characters.");
        return trimmed;
    }

    public static string? Optional(string? value, string field, int lengthMax)
        => string.IsNullOrWhiteSpace(value) ? null : Require(value, field, lengthMax);

    /// <summary>
    /// At most <paramref name="lengthMax"/> UTF-16 characters, cut between text elements so that neither a surrogate
    /// pair nor a letter with its combining mark is split. Text from outside (bank statements) is cut, not refused:
    /// the bank booked it, we only keep less of it.
    /// </summary>
    public static string Cut(string value, int lengthMax)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length <= lengthMax) return value;
        int end = 0;
        while (end < value.Length)
        {
            int next = end + StringInfo.GetNextTextElementLength(value, end);
            if (next > lengthMax) break;
            end = next;
        }
        return value[..end];
    }

    /// <summary>Identifiers from a bank (references, codes, statement ids) are kept at most this long, the ISO 20022
    /// <c>Max35Text</c>. Keys derived from them are taken from the full text, so cutting does not change them.</summary>
    public const int BankIdentifierLengthMax = 35;

    /// <summary>A bank identifier cut to <see cref="BankIdentifierLengthMax"/> (null stays null).</summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(value))]
    public static string? BankIdentifier(string? value) => value is null ? null : Cut(value, BankIdentifierLengthMax);

    /// <summary>A capped copy of imported text and the length it had (null stays null).</summary>
    public static (string? Text, int? Length) Capped(string? value, int lengthMax)
        => value is null ? (null, null) : (Cut(value, lengthMax), value.Length);
    /// Single-line text (names, streets, cities, references): no CR, LF, tab, line or paragraph separator or other
    /// control character. A line break in a street would print an extra line on an official receipt.
    /// </summary>
    public static string RequireLine(string? value, string field, int lengthMax)
    {
        var text = Require(value, field, lengthMax);
        return text.Any(BreaksTheLine)
            ? throw DomainException.Invalid(field, $"{field} must be a single line without control characters.")
            : text;
    }

    public static string? OptionalLine(string? value, string field, int lengthMax)
        => string.IsNullOrWhiteSpace(value) ? null : RequireLine(value, field, lengthMax);

    /// <summary>
    /// A file name as shown and offered for download: a single line, no path, and no bidirectional controls (which
    /// make <c>rechnung\u202Efdp.exe</c> display as <c>rechnungexe.pdf</c>); those are removed, the rest is refused.
    /// </summary>
    public static string? OptionalFileName(string? value, string field, int lengthMax)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var cleaned = new string(value.Where(c => !IsBidiControl(c)).ToArray());
        var name = OptionalLine(cleaned, field, lengthMax);
        if (name is null) return null;
        if (name.IndexOfAny(['/', '\\']) >= 0 || name is "." or "..")
            throw DomainException.Invalid(field, $"{field} must be a file name, not a path.");
        return name;
    }

    public static bool BreaksTheLine(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';

    /// <summary>Unicode bidirectional embedding, override and isolate controls, and the implicit marks.</summary>
    public static bool IsBidiControl(char c) => c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F' or '\u061C';
}
