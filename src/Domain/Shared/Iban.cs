using System.Text.Json.Serialization;

namespace FlutHilfe.Domain.Shared;

/// <summary>An IBAN in electronic form (no spaces, upper case), validated by length and ISO 7064 mod 97-10.</summary>
[JsonConverter(typeof(ParsedValueJsonConverter<Iban>))]
public readonly record struct Iban : IParsedValue<Iban>
{
    static string IParsedValue<Iban>.Noun => "An IBAN";

    private const int MinLength = 15, MaxLength = 34;

    // Only the countries we expect donors and municipalities from; others get the generic 15–34 range.
    private static readonly Dictionary<string, int> LengthByCountry = new()
    {
        ["DE"] = 22, ["AT"] = 20, ["CH"] = 21, ["NL"] = 18, ["BE"] = 16, ["FR"] = 27,
        ["LU"] = 20, ["IT"] = 27, ["ES"] = 24, ["GB"] = 22, ["PL"] = 28, ["DK"] = 18,
    };

    private readonly string? _value;

    private Iban(string value) => _value = value;

    /// <summary>Electronic form, e.g. "DE89370400440532013000". Empty for <c>default(Iban)</c>.</summary>
    public string Value => _value ?? "";

    public string CountryCode => Value.Length >= 2 ? Value[..2] : "";

    public static bool TryParse(string? input, out Iban iban, out string? error)
    {
        iban = default;
        string value = IParsedValue<Iban>.Compact(input);
        error = Validate(value);
        if (error is not null) return false;
        iban = new Iban(value);
        return true;
    }

    public static Iban Parse(string? input) =>
        TryParse(input, out var iban, out var error) ? iban : throw new FormatException(error);

    /// <summary>Print form in groups of four, e.g. "DE89 3704 0044 0532 0130 00".</summary>
    public override string ToString() => Grouping.InFours(Value);

    private static string? Validate(string value)
    {
        if (value.Length == 0) return "The IBAN is empty.";
        if (value.Length < 4 || !char.IsAsciiLetterUpper(value[0]) || !char.IsAsciiLetterUpper(value[1]))
            return "An IBAN starts with a two-letter country code.";
        if (!char.IsAsciiDigit(value[2]) || !char.IsAsciiDigit(value[3]))
            return "An IBAN has two check digits after the country code.";
        if (!value.All(char.IsAsciiLetterOrDigit))
            return "An IBAN contains only letters and digits.";

        string country = value[..2];
        if (LengthByCountry.TryGetValue(country, out int expected))
        {
            if (value.Length != expected)
                return $"An IBAN from {country} has {expected} characters, this one has {value.Length}.";
        }
        else if (value.Length is < MinLength or > MaxLength)
            return $"An IBAN has {MinLength} to {MaxLength} characters, this one has {value.Length}.";

        return Mod97.OfRearranged(value) == 1 ? null : "The IBAN check digits do not match; please check for a typo.";
    }
}
