namespace FlutHilfe.Domain.Shared;

/// <summary>ISO 7064 MOD 97-10 as used by IBAN and ISO 11649 creditor references.</summary>
internal static class Mod97
{
    /// <summary>
    /// Moves the first four characters to the end, maps A=10 … Z=35 and returns the number mod 97.
    /// Expects ASCII letters (upper case) and digits only.
    /// </summary>
    public static int OfRearranged(string value) => Of(value[4..] + value[..4]);

    /// <summary>Mod 97 of the digit string with letters mapped to 10 … 35, computed piecewise to avoid big numbers.</summary>
    public static int Of(string value)
    {
        int remainder = 0;
        foreach (char c in value)
        {
            int digit = char.IsAsciiDigit(c) ? c - '0' : c - 'A' + 10;
            remainder = digit < 10 ? (remainder * 10 + digit) % 97 : (remainder * 100 + digit) % 97;
        }
        return remainder;
    }
}

internal static class Grouping
{
    public static string InFours(string value) =>
        string.Join(' ', value.Chunk(4).Select(chunk => new string(chunk)));
}
