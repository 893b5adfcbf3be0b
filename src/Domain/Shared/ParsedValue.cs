using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlutHilfe.Domain.Shared;

/// <summary>
/// A value object that exists only as validated text in its electronic form (IBAN, BIC, RF creditor reference): written
/// as one JSON string and read back only through its own validation, so an invalid value never enters an event or a
/// command.
/// </summary>
public interface IParsedValue<TSelf> where TSelf : struct, IParsedValue<TSelf>
{
    /// <summary>What it is called in an error, with its article: "An IBAN".</summary>
    static abstract string Noun { get; }

    static abstract bool TryParse(string? input, out TSelf value, out string? error);

    /// <summary>The electronic form (no spaces, upper case).</summary>
    string Value { get; }

    /// <summary>The electronic form of typed input: white space removed, upper case.</summary>
    internal static string Compact(string? input) => string.Concat((input ?? "").Where(c => !char.IsWhiteSpace(c))).ToUpperInvariant();
}

/// <summary>The one JSON converter of every <see cref="IParsedValue{TSelf}"/>: a string in, validated; the electronic form out.</summary>
public sealed class ParsedValueJsonConverter<T> : JsonConverter<T> where T : struct, IParsedValue<T>
{
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonException($"{T.Noun} must be a JSON string.");
        // Never a JsonException without a message: the serializer would fill in one naming the .NET type.
        return T.TryParse(reader.GetString(), out var value, out var error) ? value : throw new JsonException(error ?? $"{T.Noun} is not valid.");
    }

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(value.Value);
}
