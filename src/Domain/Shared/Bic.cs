using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlutHilfe.Domain.Shared;

/// <summary>A BIC (ISO 9362): 4 letters bank, 2 letters country, 2 alphanumerics location, optional 3 alphanumerics branch.</summary>
[JsonConverter(typeof(BicJsonConverter))]
public readonly record struct Bic
{
    private readonly string? _value;

    private Bic(string value) => _value = value;

    /// <summary>Upper case, 8 or 11 characters, e.g. "BHBLDEHHXXX". Empty for <c>default(Bic)</c>.</summary>
    public string Value => _value ?? "";

    public string CountryCode => Value.Length >= 6 ? Value[4..6] : "";

    public static bool TryParse(string? input, out Bic bic, out string? error)
    {
        bic = default;
        string value = string.Concat((input ?? "").Where(c => !char.IsWhiteSpace(c))).ToUpperInvariant();
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

public sealed class BicJsonConverter : JsonConverter<Bic>
{
    public override Bic Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonException("A BIC must be a JSON string.");
        return Bic.TryParse(reader.GetString(), out var bic, out var error) ? bic : throw new JsonException(error);
    }

    public override void Write(Utf8JsonWriter writer, Bic value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Value);
}
