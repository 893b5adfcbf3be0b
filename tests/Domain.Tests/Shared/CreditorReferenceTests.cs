using System.Text.Json;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Tests.Shared;

public class CreditorReferenceTests
{
    [Fact]
    public void Create_computes_the_worked_example()
    {
        var reference = CreditorReference.Create("539007547034");

        reference.ToString().ShouldBe("RF18539007547034");
        reference.Value.ShouldBe("RF18539007547034");
        reference.ToPrintString().ShouldBe("RF18 5390 0754 7034");
    }

    [Theory]
    [InlineData("2348231", "RF712348231")]
    [InlineData("ab 12", "RF45AB12")] // normalised before the check digits are computed
    [InlineData("1", "RF741")]
    public void Create_normalises_and_gives_two_check_digits(string baseReference, string expected)
    {
        var reference = CreditorReference.Create(baseReference);
        reference.Value.ShouldBe(expected);
        CreditorReference.TryParse(expected, out _, out _).ShouldBeTrue();
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("1234567890123456789012")] // 22 characters
    [InlineData("ABC-123")]
    [InlineData("ÄBC")]
    public void Create_refuses_invalid_bases(string baseReference) =>
        Should.Throw<ArgumentException>(() => CreditorReference.Create(baseReference)).ParamName.ShouldBe("baseReference");

    [Theory]
    [InlineData("RF18539007547034")]
    [InlineData("rf18 5390 0754 7034")]
    [InlineData("RF18 5390 0754 7034 ")]
    [InlineData("RF712348231")]
    public void Valid_references_parse(string input)
    {
        CreditorReference.TryParse(input, out var reference, out var error).ShouldBeTrue();
        error.ShouldBeNull();
        reference.Value.ShouldBe(input.Replace(" ", "").ToUpperInvariant());
    }

    [Theory]
    [InlineData(null, "5 to 25")]
    [InlineData("RF18", "5 to 25")]
    [InlineData("RF1853900754703412345678901", "5 to 25")]
    [InlineData("RF19539007547034", "do not match")] // wrong check digits
    [InlineData("RF18539007547043", "do not match")] // transposed digits
    [InlineData("XX18539007547034", "starts with RF")]
    [InlineData("RFAB539007547034", "two check digits")]
    [InlineData("RF18-5390-0754-7034", "only letters and digits")]
    public void Invalid_references_are_refused_with_a_reason(string? input, string reason)
    {
        CreditorReference.TryParse(input, out var reference, out var error).ShouldBeFalse();
        reference.ShouldBe(default);
        error.ShouldNotBeNull().ShouldContain(reason);
        Should.Throw<FormatException>(() => CreditorReference.Parse(input));
    }

    [Fact]
    public void Check_digits_99_are_refused_although_they_pass_mod_97()
    {
        // 99 ≡ 02 (mod 97): find a base whose real check digits are 02 and try its alias.
        string baseReference = Enumerable.Range(1, 100_000).Select(i => i.ToString())
            .First(b => CreditorReference.Create(b).Value.StartsWith("RF02"));

        CreditorReference.TryParse("RF99" + baseReference, out _, out var error).ShouldBeFalse();
        error.ShouldNotBeNull().ShouldContain("02 to 98");
    }

    [Theory]
    [InlineData("Spende rf18 5390 0754 7034 danke")]
    [InlineData("RF18-5390-0754-7034")]
    [InlineData("Verwendungszweck: RF18539007547034, Danke!")]
    [InlineData("Spende (rf18.5390.0754.7034)")]
    [InlineData("RF 18 5390 0754 7034")]
    public void FindIn_finds_retyped_references(string freeText) =>
        CreditorReference.FindIn(freeText).ShouldBe([CreditorReference.Create("539007547034")]);

    [Fact]
    public void FindIn_returns_each_valid_reference_once()
    {
        var second = CreditorReference.Create("HOCHWASSER2021");
        string text = $"RF18 5390 0754 7034 und {second.ToPrintString().ToLowerInvariant()} sowie RF18539007547034";

        CreditorReference.FindIn(text).ShouldBe([CreditorReference.Create("539007547034"), second]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Spende Hochwasser Ahrweiler")]
    [InlineData("RF19 5390 0754 7034")] // wrong check digits: not guessed into something else
    [InlineData("RF18539007547035 danke")]
    public void FindIn_returns_nothing_without_a_valid_reference(string? freeText) =>
        CreditorReference.FindIn(freeText).ShouldBeEmpty();

    [Fact]
    public void FindIn_does_not_cut_a_longer_reference_in_the_middle_of_a_word()
    {
        // The valid reference is a prefix, but the donor's word goes on: no word boundary, no match.
        CreditorReference.FindIn("RF18539007547034X").ShouldBeEmpty();
    }

    [Theory]
    [InlineData("00000000-0000-0000-0000-000000000024", "10")] // 36 in base 36
    [InlineData("00000000-0000-0000-0000-0000000000ff", "73")] // 255 = 7 × 36 + 3
    [InlineData("00000000-0000-0000-0000-000000000000", "0")]
    public void FromGuid_encodes_the_number_in_base_36(string guid, string expectedBase) =>
        CreditorReference.FromGuid(Guid.Parse(guid)).ShouldBe(CreditorReference.Create(expectedBase));

    [Fact]
    public void FromGuid_is_deterministic_valid_and_at_most_25_characters()
    {
        var largest = CreditorReference.FromGuid(Guid.Parse("ffffffff-ffff-ffff-ffff-ffffffffffff"));
        largest.Value.Length.ShouldBe(25);

        var random = new Random(42);
        for (int i = 0; i < 1000; i++)
        {
            var id = new Guid(random.GetItems<byte>(Enumerable.Range(0, 256).Select(b => (byte)b).ToArray(), 16));
            var reference = CreditorReference.FromGuid(id);
            reference.ShouldBe(CreditorReference.FromGuid(id));
            reference.Value.Length.ShouldBeInRange(5, 25);
            CreditorReference.TryParse(reference.ToPrintString(), out var parsed, out _).ShouldBeTrue();
            parsed.ShouldBe(reference);
        }
    }

    [Fact]
    public void FromGuid_uses_only_the_lowest_104_bits()
    {
        // Documented collision property: the top 24 bits (first three bytes as printed) are ignored.
        var a = CreditorReference.FromGuid(Guid.Parse("00000012-3456-789a-bcde-f0123456789a"));
        var b = CreditorReference.FromGuid(Guid.Parse("ffffff12-3456-789a-bcde-f0123456789a"));
        var c = CreditorReference.FromGuid(Guid.Parse("00000013-3456-789a-bcde-f0123456789a"));

        a.ShouldBe(b);
        a.ShouldNotBe(c);
    }

    [Fact]
    public void Json_is_the_electronic_form()
    {
        var reference = CreditorReference.Create("539007547034");
        JsonSerializer.Serialize(reference).ShouldBe("\"RF18539007547034\"");
        JsonSerializer.Deserialize<CreditorReference>("\"rf18 5390 0754 7034\"").ShouldBe(reference);
        Should.Throw<JsonException>(() => JsonSerializer.Deserialize<CreditorReference>("\"RF19539007547034\""));
    }
}
