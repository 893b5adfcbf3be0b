using System.Globalization;

namespace FlutHilfe.BankFiles;

/// <summary>Exact conversion between ISO 20022 decimal amounts and integer cents (no floating point).</summary>
public static class CamtAmount
{
    private const int MaxIntegerDigits = 15;

    /// <summary>Parses "100", "100.5", "1234.56" (also "1.500": extra decimals are accepted only when they are
    /// zeros, so the value stays exact). Rejects negatives, signs, exponents, grouping, more than 2 significant
    /// decimals and more than 15 integer digits.</summary>
    public static bool TryParseCents(string? text, out long cents, out string? error)
    {
        cents = 0;
        var s = text?.Trim() ?? string.Empty;
        if (s.Length == 0)
        {
            error = "amount is empty";
            return false;
        }

        if (s[0] == '-')
        {
            error = $"amount '{s}' is negative";
            return false;
        }

        var dot = s.IndexOf('.', StringComparison.Ordinal);
        var intPart = dot < 0 ? s : s[..dot];
        var fracPart = dot < 0 ? string.Empty : s[(dot + 1)..];
        if (intPart.Length == 0 || !intPart.All(char.IsAsciiDigit) || (dot >= 0 && (fracPart.Length == 0 || !fracPart.All(char.IsAsciiDigit))))
        {
            error = $"amount '{s}' is not a plain decimal number";
            return false;
        }

        if (fracPart.Length > 2 && fracPart[2..].Any(c => c != '0'))
        {
            error = $"amount '{s}' has more than 2 decimals";
            return false;
        }

        var trimmedInt = intPart.TrimStart('0');
        if (trimmedInt.Length > MaxIntegerDigits)
        {
            error = $"amount '{s}' is too large";
            return false;
        }

        long units = trimmedInt.Length == 0 ? 0 : long.Parse(trimmedInt, NumberStyles.None, CultureInfo.InvariantCulture);
        var frac2 = (fracPart.Length >= 2 ? fracPart[..2] : fracPart.PadRight(2, '0'));
        cents = (units * 100) + int.Parse(frac2, NumberStyles.None, CultureInfo.InvariantCulture);
        error = null;
        return true;
    }

    public static long ParseCents(string text) =>
        TryParseCents(text, out var cents, out var error) ? cents : throw new FormatException(error);

    /// <summary>Formats non-negative cents as "1234.56".</summary>
    public static string Format(long cents)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cents);
        return string.Create(CultureInfo.InvariantCulture, $"{cents / 100}.{cents % 100:00}");
    }
}
