using System.Globalization;

namespace FlutHilfe.Domain.Shared;

/// <summary>Bounded free text: every string we accept has a limit.</summary>
public static class Text
{
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

    /// <summary>A capped copy of imported text and the length it had (null stays null).</summary>
    public static (string? Text, int? Length) Capped(string? value, int lengthMax)
        => value is null ? (null, null) : (Cut(value, lengthMax), value.Length);
}
