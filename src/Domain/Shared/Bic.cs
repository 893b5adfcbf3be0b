using System.Text.Json.Serialization;

namespace FlutHilfe.Domain.Shared;

/// <summary>A BIC (ISO 9362): 4 letters bank, 2 letters country, 2 alphanumerics location, optional 3 alphanumerics branch.</summary>
[JsonConverter(typeof(ParsedValueJsonConverter<Bic>))]
public readonly record struct Bic : IParsedValue<Bic>
{
    static string IParsedValue<Bic>.Noun => "A BIC";

    private readonly string? _value;

    private Bic(string value) => _value = value;

    /// <summary>Upper case, 8 or 11 characters, e.g. "BHBLDEHHXXX". Empty for <c>default(Bic)</c>.</summary>
    public string Value => _value ?? "";

    public string CountryCode => Value.Length >= 6 ? Value[4..6] : "";

    public static bool TryParse(string? input, out Bic bic, out string? error)
    {
        bic = default;
        string value = IParsedValue<Bic>.Compact(input);
        error = Validate(value);
        if (error is not null) return false;
        bic = new Bic(value);
        return true;
    }

    public static Bic Parse(string? input) =>
        TryParse(input, out var bic, out var error) ? bic : throw new FormatException(error);

    public override string ToString() => Value;

    private static string? Validate(string value)
    {
        if (value.Length == 0) return "The BIC is empty.";
        if (value.Length is not (8 or 11))
            return $"A BIC has 8 or 11 characters, this one has {value.Length}.";
        if (!value[..6].All(char.IsAsciiLetterUpper))
            return "A BIC starts with four letters for the bank and two letters for the country.";
        if (!value[6..].All(char.IsAsciiLetterOrDigit))
            return "The location and branch codes of a BIC contain only letters and digits.";
        return null;
    }
}
