using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlutHilfe.Domain.Shared;

/// <summary>An amount in euro cents. Arithmetic is checked: an overflow throws instead of wrapping.</summary>
[JsonConverter(typeof(MoneyJsonConverter))]
public readonly record struct Money(long Cents) : IComparable<Money>
{
    public static readonly Money Zero = new(0);

    // Built in code so that output does not depend on the machine's culture data (ICU/invariant mode).
    // Separator before "€" is a plain U+0020 space: receipts, e-mails and CSV exports stay searchable
    // and comparable; layout code that must not break the line can swap it for U+00A0 itself.
    private static readonly NumberFormatInfo GermanFormat = new()
    {
        NumberDecimalSeparator = ",",
        NumberGroupSeparator = ".",
        NumberGroupSizes = [3],
        NegativeSign = "-",
    };

    public static Money FromCents(long cents) => new(cents);

    public bool IsPositive => Cents > 0;
    public bool IsNegative => Cents < 0;

    public static Money operator +(Money a, Money b) => new(checked(a.Cents + b.Cents));
    public static Money operator -(Money a, Money b) => new(checked(a.Cents - b.Cents));
    public static Money operator -(Money a) => new(checked(-a.Cents));
    public static Money operator *(Money a, long factor) => new(checked(a.Cents * factor));
    public static Money operator *(long factor, Money a) => a * factor;

    public static bool operator <(Money a, Money b) => a.Cents < b.Cents;
    public static bool operator >(Money a, Money b) => a.Cents > b.Cents;
    public static bool operator <=(Money a, Money b) => a.Cents <= b.Cents;
    public static bool operator >=(Money a, Money b) => a.Cents >= b.Cents;

    public int CompareTo(Money other) => Cents.CompareTo(other.Cents);

    /// <summary>German format, e.g. "1.234,56 €" and "-1.234,56 €" (plain space before the sign).</summary>
    public override string ToString()
    {
        // Via decimal: long.MinValue has no positive long counterpart.
        decimal euros = Cents / 100m;
        return euros.ToString("#,##0.00", GermanFormat) + " €";
    }

    /// <summary>EPC069-12 amount without currency: point, no grouping, no trailing zeros ("12.3", "1000").</summary>
    public string ToEpcAmount()
    {
        decimal euros = Cents / 100m;
        return euros.ToString("0.##", CultureInfo.InvariantCulture);
    }
}

/// <summary>Money is a JSON integer of cents; a fraction or a string is refused, never rounded.</summary>
public sealed class MoneyJsonConverter : JsonConverter<Money>
{
    public override Money Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long cents))
            throw new JsonException("Money must be a JSON integer number of euro cents.");
        return new Money(cents);
    }

    public override void Write(Utf8JsonWriter writer, Money value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(value.Cents);
}
