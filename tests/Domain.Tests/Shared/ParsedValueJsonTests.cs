using System.Text.Json;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Tests.Shared;

/// <summary>
/// IBAN, BIC and creditor reference share one JSON converter; its refusals must still say what was wrong in words a
/// caller understands, name the value by its own noun, and never carry a .NET type name (they can reach a problem).
/// </summary>
public class ParsedValueJsonTests
{
    public static TheoryData<string, string, string> Refusals => new()
    {
        // type, JSON, expected message
        { "Iban", "42", "An IBAN must be a JSON string." },
        { "Iban", "null", "An IBAN must be a JSON string." },
        { "Iban", "\"DE88370400440532013000\"", "The IBAN check digits do not match; please check for a typo." },
        { "Bic", "true", "A BIC must be a JSON string." },
        { "Bic", "\"BHBL\"", "A BIC has 8 or 11 characters" },
        { "CreditorReference", "{}", "A creditor reference must be a JSON string." },
        { "CreditorReference", "\"RF19539007547034\"", "check digits" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void A_refused_value_says_why_in_words(string type, string json, string expected)
    {
        var error = Should.Throw<JsonException>(() => Read(type, json));

        error.Message.ShouldContain(expected);
        foreach (var technical in new[] { "FlutHilfe", "System.", "Converter", "`1", "Parsed" })
            error.Message.ShouldNotContain(technical);
    }

    [Fact]
    public void Values_inside_a_record_round_trip_as_their_electronic_form()
    {
        var account = new Account(Iban.Parse("de89 3704 0044 0532 0130 00"), Bic.Parse("cobadeffxxx"), CreditorReference.Create("539007547034"), null);

        var json = JsonSerializer.Serialize(account);

        json.ShouldBe("""{"Iban":"DE89370400440532013000","Bic":"COBADEFFXXX","Reference":"RF18539007547034","Missing":null}""");
        JsonSerializer.Deserialize<Account>(json).ShouldBe(account);
    }

    private sealed record Account(Iban Iban, Bic? Bic, CreditorReference Reference, Iban? Missing);

    private static object? Read(string type, string json) => type switch
    {
        "Iban" => JsonSerializer.Deserialize<Iban>(json),
        "Bic" => JsonSerializer.Deserialize<Bic>(json),
        "CreditorReference" => JsonSerializer.Deserialize<CreditorReference>(json),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };
}
