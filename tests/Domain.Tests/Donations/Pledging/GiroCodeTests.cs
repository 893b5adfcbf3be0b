using System.Text;
using FlutHilfe.Domain.Donations.Pledging;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Tests.Donations.Pledging;

public class GiroCodeTests
{
    private static readonly Iban ExampleIban = Iban.Parse("DE71110220330123456789");
    private static readonly Bic ExampleBic = Bic.Parse("BHBLDEHHXXX");

    private static GiroCodeRequest Example() => new(
        BeneficiaryName: "Franz Mustermänn",
        Iban: ExampleIban,
        Bic: ExampleBic,
        Amount: Money.FromCents(1230),
        PurposeCode: "GDDS",
        Reference: CreditorReference.Parse("RF18539007547034"),
        RemittanceText: null,
        Information: null);

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    // The EPC example's "Franz Mustermänn" in the SEPA character set: the ä is transliterated to "ae".
    private static readonly byte[] ExampleHeader =
    [
        .. Ascii("BCD\n002\n1\nSCT\nBHBLDEHHXXX\nFranz Mustermaenn\nDE71110220330123456789\nEUR12.3\nGDDS\n"),
    ];

    [Fact]
    public void Payload_with_structured_reference_matches_the_EPC_example_byte_for_byte()
    {
        byte[] expected = [.. ExampleHeader, .. Ascii("RF18539007547034")];

        Encoding.UTF8.GetBytes(GiroCode.BuildPayload(Example())).ShouldBe(expected);
    }

    [Fact]
    public void Payload_with_remittance_text_keeps_line_10_empty()
    {
        var request = Example() with { Reference = null, RemittanceText = "Reference 123456" };
        byte[] expected = [.. ExampleHeader, .. Ascii("\nReference 123456")];

        Encoding.UTF8.GetBytes(GiroCode.BuildPayload(request)).ShouldBe(expected);
    }

    [Fact]
    public void Payload_with_information_uses_line_12()
    {
        var request = Example() with { Information = "Danke für Ihre Hilfe" };

        GiroCode.BuildPayload(request).ShouldBe(
            "BCD\n002\n1\nSCT\nBHBLDEHHXXX\nFranz Mustermaenn\nDE71110220330123456789\nEUR12.3\nGDDS\nRF18539007547034\n\nDanke fuer Ihre Hilfe");
    }

    [Fact]
    public void Minimal_payload_ends_after_the_amount_and_has_an_empty_BIC_line()
    {
        var request = Example() with { Bic = null, PurposeCode = null, Reference = null, Amount = Money.FromCents(100000) };

        GiroCode.BuildPayload(request).ShouldBe(
            "BCD\n002\n1\nSCT\n\nFranz Mustermaenn\nDE71110220330123456789\nEUR1000");
    }

    [Fact]
    public void Only_information_keeps_the_empty_lines_before_it()
    {
        var request = Example() with { PurposeCode = "", Reference = null, RemittanceText = " ", Information = "Info" };

        GiroCode.BuildPayload(request).ShouldEndWith("\nEUR12.3\n\n\n\nInfo");
    }

    [Fact]
    public void A_long_name_is_cut_to_70_characters()
    {
        string name = new string('A', 65) + " Hochwasserhilfe";

        string payload = GiroCode.BuildPayload(Example() with { BeneficiaryName = name });

        payload.Split('\n')[5].ShouldBe(name[..70]);
    }

    [Fact]
    public void A_long_name_is_cut_after_transliteration()
    {
        string emoji = new string('A', 69) + "🌊 Hilfe";      // the emoji has no SEPA form and is left out
        string combining = new string('A', 68) + "u\u0308 Hilfe"; // u + combining diaeresis = ü → "ue", then cut at 70

        GiroCode.BuildPayload(Example() with { BeneficiaryName = emoji }).Split('\n')[5].ShouldBe(new string('A', 69));
        GiroCode.BuildPayload(Example() with { BeneficiaryName = combining }).Split('\n')[5].ShouldBe(new string('A', 68) + "ue");
    }

    [Theory]
    [InlineData(1, "EUR0.01")]
    [InlineData(99_999_999_999, "EUR999999999.99")]
    public void Amount_limits_are_inclusive(long cents, string expectedLine) =>
        GiroCode.BuildPayload(Example() with { Amount = Money.FromCents(cents) }).Split('\n')[7].ShouldBe(expectedLine);

    [Theory]
    [InlineData(0)]
    [InlineData(-100)]
    [InlineData(100_000_000_000)]
    public void Amounts_outside_the_limits_are_refused(long cents) =>
        Should.Throw<ArgumentException>(() => GiroCode.BuildPayload(Example() with { Amount = Money.FromCents(cents) }))
            .ParamName.ShouldBe("Amount");

    public static TheoryData<string, Func<GiroCodeRequest, GiroCodeRequest>> InvalidRequests => new()
    {
        { "BeneficiaryName", r => r with { BeneficiaryName = "  " } },
        { "BeneficiaryName", r => r with { BeneficiaryName = "Franz\nMustermann" } },
        { "Iban", r => r with { Iban = default } },
        { "Bic", r => r with { Bic = default(Bic) } },
        { "PurposeCode", r => r with { PurposeCode = "CHARI" } },
        { "PurposeCode", r => r with { PurposeCode = "CH-R" } },
        { "Reference", r => r with { Reference = default(CreditorReference) } },
        { "RemittanceText", r => r with { RemittanceText = "Spende" } },
        { "RemittanceText", r => r with { Reference = null, RemittanceText = new string('x', 141) } },
        { "RemittanceText", r => r with { Reference = null, RemittanceText = "Zeile 1\r\nZeile 2" } },
        { "Information", r => r with { Information = new string('x', 71) } },
    };

    [Theory]
    [MemberData(nameof(InvalidRequests))]
    public void Invalid_requests_are_refused_naming_the_field(string field, Func<GiroCodeRequest, GiroCodeRequest> change) =>
        Should.Throw<ArgumentException>(() => GiroCode.BuildPayload(change(Example()))).ParamName.ShouldBe(field);

    [Fact]
    public void Field_limits_themselves_are_accepted()
    {
        var request = Example() with
        {
            Reference = null,
            RemittanceText = new string('x', 140),
            Information = new string('y', 70),
            PurposeCode = "CHAR",
        };

        string[] lines = GiroCode.BuildPayload(request).Split('\n');
        lines[10].Length.ShouldBe(140);
        lines[11].Length.ShouldBe(70);
    }

    [Fact]
    public void A_payload_over_331_bytes_is_refused()
    {
        // Each field is within its character limit, but together they exceed 331 bytes.
        var request = Example() with
        {
            BeneficiaryName = new string('a', 70),
            Reference = null,
            RemittanceText = new string('u', 140),
            Information = new string('i', 70),
        };

        Should.Throw<ArgumentException>(() => GiroCode.BuildPayload(request)).ParamName.ShouldBe("request");
    }
}
