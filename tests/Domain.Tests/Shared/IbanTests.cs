using System.Text.Json;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Tests.Shared;

public class IbanTests
{
    [Theory]
    [InlineData("DE89370400440532013000")]
    [InlineData("AT611904300234573201")]
    [InlineData("CH9300762011623852957")]
    [InlineData("NL91ABNA0417164300")]
    [InlineData("BE68539007547034")]
    [InlineData("FR1420041010050500013M02606")]
    [InlineData("LU280019400644750000")]
    [InlineData("IT60X0542811101000000123456")]
    [InlineData("ES9121000418450200051332")]
    [InlineData("GB29NWBK60161331926819")]
    [InlineData("PL61109010140000071219812874")]
    [InlineData("DK5000400440116243")]
    [InlineData("NO9386011117947")] // not in the table: generic 15–34
    public void Valid_ibans_parse(string input)
    {
        Iban.TryParse(input, out var iban, out var error).ShouldBeTrue();
        error.ShouldBeNull();
        iban.Value.ShouldBe(input);
        iban.CountryCode.ShouldBe(input[..2]);
    }

    [Fact]
    public void Input_is_normalised_and_printed_in_groups_of_four()
    {
        var iban = Iban.Parse(" de89 3704 0044\t0532 0130 00 ");

        iban.Value.ShouldBe("DE89370400440532013000");
        iban.ToString().ShouldBe("DE89 3704 0044 0532 0130 00");
        iban.ShouldBe(Iban.Parse("DE89370400440532013000"));
        (iban == Iban.Parse("DE89 3704 0044 0532 0130 00")).ShouldBeTrue();
    }

    [Theory]
    [InlineData(null, "empty")]
    [InlineData("   ", "empty")]
    [InlineData("DE88370400440532013000", "check digits")] // wrong check digits
    [InlineData("DE89370400440532031000", "check digits")] // transposed digits
    [InlineData("DE8937040044053201300", "22 characters")] // one short
    [InlineData("DE893704004405320130000", "22 characters")] // one too many
    [InlineData("AT6119043002345732011", "20 characters")]
    [InlineData("XX8937040044053", "check digits")]
    [InlineData("XX89370", "15 to 34")]
    [InlineData("1E89370400440532013000", "country code")]
    [InlineData("DEX9370400440532013000", "check digits after")]
    [InlineData("DE89-3704-0044-0532-0130-00", "only letters and digits")]
    [InlineData("DE89370400440532013ÄÖÜ", "only letters and digits")]
    public void Invalid_ibans_are_refused_with_a_reason(string? input, string reason)
    {
        Iban.TryParse(input, out var iban, out var error).ShouldBeFalse();
        iban.ShouldBe(default);
        error.ShouldNotBeNull().ShouldContain(reason);
        Should.Throw<FormatException>(() => Iban.Parse(input)).Message.ShouldBe(error);
    }

    [Fact]
    public void Json_is_the_electronic_form()
    {
        var iban = Iban.Parse("DE89 3704 0044 0532 0130 00");
        JsonSerializer.Serialize(iban).ShouldBe("\"DE89370400440532013000\"");
        JsonSerializer.Deserialize<Iban>("\"de89 3704 0044 0532 0130 00\"").ShouldBe(iban);
        Should.Throw<JsonException>(() => JsonSerializer.Deserialize<Iban>("\"DE88370400440532013000\""));
        Should.Throw<JsonException>(() => JsonSerializer.Deserialize<Iban>("42"));
    }
}
