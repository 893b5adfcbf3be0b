using System.Text;
using System.Text.Json.Serialization;

namespace FlutHilfe.Domain.Shared;

/// <summary>An ISO 11649 creditor reference: "RF", two check digits, 1 to 21 alphanumerics.</summary>
[JsonConverter(typeof(ParsedValueJsonConverter<CreditorReference>))]
public readonly record struct CreditorReference : IParsedValue<CreditorReference>
{
    static string IParsedValue<CreditorReference>.Noun => "A creditor reference";

    private const int MinLength = 5, MaxLength = 25, MaxBaseLength = 21;
    private const string Base36Digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static readonly UInt128 Low104Bits = (UInt128.One << 104) - 1;

    private readonly string? _value;

    private CreditorReference(string value) => _value = value;

    /// <summary>Electronic form, e.g. "RF18539007547034". Empty for <c>default(CreditorReference)</c>.</summary>
    public string Value => _value ?? "";

    public static CreditorReference Create(string baseReference)
    {
        ArgumentNullException.ThrowIfNull(baseReference);
        string normalized = IParsedValue<CreditorReference>.Compact(baseReference);
        if (normalized.Length is 0 or > MaxBaseLength || !normalized.All(char.IsAsciiLetterOrDigit))
            throw new ArgumentException(
                $"A creditor reference base has 1 to {MaxBaseLength} letters or digits.", nameof(baseReference));

        int check = 98 - Mod97.Of(normalized + "RF00");
        return new CreditorReference($"RF{check:D2}{normalized}");
    }

    /// <summary>
    /// Derives a reference from the lowest 104 bits of the UUID (read big-endian, as printed), in base 36:
    /// at most 21 characters. Two ids that agree in those 104 bits get the same reference; for a random
    /// UUID v4, 98 of them are random (the version and variant bits sit inside), so collisions are
    /// negligible, but whoever stores references must still enforce uniqueness. For UUID v7 the low
    /// 104 bits hold 24 timestamp bits and 74 random bits.
    /// </summary>
    public static CreditorReference FromGuid(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        UInt128 number = new UInt128(
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes[..8]),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes[8..])) & Low104Bits;
        return Create(ToBase36(number));
    }

    public static bool TryParse(string? input, out CreditorReference reference, out string? error)
    {
        reference = default;
        string value = IParsedValue<CreditorReference>.Compact(input);
        error = Validate(value);
        if (error is not null) return false;
        reference = new CreditorReference(value);
        return true;
    }

    public static CreditorReference Parse(string? input) =>
        TryParse(input, out var reference, out var error) ? reference : throw new FormatException(error);

    /// <summary>
    /// Finds creditor references in free text that donors typed themselves ("rf18 5390 0754 7034",
    /// "RF18-5390-0754-7034"). From each "RF", candidates may span spaces, hyphens and dots but must
    /// end where a word ends; every candidate whose check digits validate is returned, longest first,
    /// each once. Where a longer and a shorter one both validate (about 1 in 97 by chance), both
    /// are returned: only the caller knows which references exist.
    /// </summary>
    public static IEnumerable<CreditorReference> FindIn(string? freeText)
    {
        if (string.IsNullOrEmpty(freeText)) yield break;
        var seen = new HashSet<string>();
        for (int start = freeText.IndexOf("RF", StringComparison.OrdinalIgnoreCase);
             start >= 0;
             start = freeText.IndexOf("RF", start + 1, StringComparison.OrdinalIgnoreCase))
        {
            foreach (string candidate in CandidatesAt(freeText, start))
                if (TryParse(candidate, out var reference, out _) && seen.Add(reference.Value))
                    yield return reference;
        }
    }

    public override string ToString() => Value;

    /// <summary>Print form in groups of four, e.g. "RF18 5390 0754 7034".</summary>
    public string ToPrintString() => Grouping.InFours(Value);

    private static string? Validate(string value)
    {
        if (value.Length is < MinLength or > MaxLength)
            return $"A creditor reference has {MinLength} to {MaxLength} characters, this one has {value.Length}.";
        if (!value.StartsWith("RF", StringComparison.Ordinal))
            return "A creditor reference starts with RF.";
        if (!char.IsAsciiDigit(value[2]) || !char.IsAsciiDigit(value[3]))
            return "A creditor reference has two check digits after RF.";
        // 98 − r is always 02 … 98; 00, 01 and 99 pass mod 97 only as aliases.
        if (int.Parse(value.AsSpan(2, 2)) is < 2 or > 98)
            return "The check digits of a creditor reference are 02 to 98.";
        if (!value.All(char.IsAsciiLetterOrDigit))
            return "A creditor reference contains only letters and digits.";
        return Mod97.OfRearranged(value) == 1 ? null : "The creditor reference check digits do not match; please check for a typo.";
    }

    // Ends of words only: "rf18 5390 0754 7034 danke" yields "…7034DANKE", "…7034", "…0754", "…5390".
    private static List<string> CandidatesAt(string text, int start)
    {
        var candidates = new List<string>();
        var chars = new StringBuilder();
        for (int i = start; i < text.Length && chars.Length < MaxLength; i++)
        {
            char c = text[i];
            if (char.IsAsciiLetterOrDigit(c))
            {
                chars.Append(char.ToUpperInvariant(c));
                bool wordEnds = i + 1 == text.Length || !char.IsAsciiLetterOrDigit(text[i + 1]);
                if (wordEnds && chars.Length >= MinLength) candidates.Add(chars.ToString());
            }
            else if (!IsSeparator(c)) break;
        }
        candidates.Reverse();
        return candidates;
    }

    private static bool IsSeparator(char c) => char.IsWhiteSpace(c) || c is '-' or '.' or '\u2010' or '\u2011';

    private static string ToBase36(UInt128 number)
    {
        if (number == 0) return "0";
        var digits = new StringBuilder();
        while (number > 0)
        {
            digits.Insert(0, Base36Digits[(int)(number % 36)]);
            number /= 36;
        }
        return digits.ToString();
    }
}
