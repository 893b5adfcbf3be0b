using System.Text.Json;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Tests.Shared;

public class BicTests
{
    [Theory]
    [InlineData("BHBLDEHHXXX", "BHBLDEHHXXX")]
    [InlineData("DEUTDEFF", "DEUTDEFF")]
    [InlineData("deut de ff 500", "DEUTDEFF500")]
    [InlineData("COBADEFF", "COBADEFF")]
    [InlineData("GENODED1PA6", "GENODED1PA6")]
    public void Valid_bics_parse_normalised(string input, string expected)
    {
        Bic.TryParse(input, out var bic, out var error).ShouldBeTrue();
        error.ShouldBeNull();
        bic.Value.ShouldBe(expected);
        bic.ToString().ShouldBe(expected);
        bic.CountryCode.ShouldBe(expected[4..6]);
    }

    [Theory]
    [InlineData(null, "empty")]
    [InlineData("DEUTDEF", "8 or 11")]
    [InlineData("DEUTDEFF50", "8 or 11")]
    [InlineData("DEUTDEFF5000", "8 or 11")]
    [InlineData("DEU1DEFF", "four letters")]
    [InlineData("DEUTD1FF", "two letters for the country")]
    [InlineData("DEUTDEF!", "location")]
    [InlineData("DEUTDEFF50_", "location")]
    public void Invalid_bics_are_refused_with_a_reason(string? input, string reason)
    {
        Bic.TryParse(input, out var bic, out var error).ShouldBeFalse();
        bic.ShouldBe(default);
        error.ShouldNotBeNull().ShouldContain(reason);
        Should.Throw<FormatException>(() => Bic.Parse(input));
    }

    [Fact]
    public void Equality_and_json_use_the_normalised_value()
    {
        Bic.Parse("deutdeff").ShouldBe(Bic.Parse("DEUTDEFF"));
        JsonSerializer.Serialize(Bic.Parse("deutdeff")).ShouldBe("\"DEUTDEFF\"");
        JsonSerializer.Deserialize<Bic>("\"BHBLDEHHXXX\"").ShouldBe(Bic.Parse("BHBLDEHHXXX"));
        Should.Throw<JsonException>(() => JsonSerializer.Deserialize<Bic>("\"BHBL\""));
    }
}
