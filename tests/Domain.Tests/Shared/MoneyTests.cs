using System.Text.Json;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Tests.Shared;

public class MoneyTests
{
    [Theory]
    [InlineData(0, "0,00 €")]
    [InlineData(1, "0,01 €")]
    [InlineData(-1, "-0,01 €")]
    [InlineData(100, "1,00 €")]
    [InlineData(123456, "1.234,56 €")]
    [InlineData(-123456, "-1.234,56 €")]
    [InlineData(100_000_000, "1.000.000,00 €")]
    [InlineData(-123_456_789_01, "-123.456.789,01 €")]
    [InlineData(long.MaxValue, "92.233.720.368.547.758,07 €")]
    [InlineData(long.MinValue, "-92.233.720.368.547.758,08 €")]
    public void ToString_uses_German_format(long cents, string expected) =>
        new Money(cents).ToString().ShouldBe(expected);

    [Fact]
    public void ToString_separates_the_euro_sign_with_a_plain_space()
    {
        string text = new Money(500).ToString();
        text[^2].ShouldBe('\u0020');
        text[^1].ShouldBe('€');
    }

    [Theory]
    [InlineData(1230, "12.3")]
    [InlineData(100000, "1000")]
    [InlineData(1, "0.01")]
    [InlineData(10, "0.1")]
    [InlineData(100, "1")]
    [InlineData(1999, "19.99")]
    [InlineData(123456789, "1234567.89")]
    [InlineData(99_999_999_999, "999999999.99")]
    public void ToEpcAmount_has_a_point_and_no_superfluous_zeros(long cents, string expected) =>
        new Money(cents).ToEpcAmount().ShouldBe(expected);

    [Fact]
    public void Arithmetic_and_comparison_work_in_cents()
    {
        var a = Money.FromCents(1050);
        var b = Money.FromCents(250);

        (a + b).ShouldBe(new Money(1300));
        (a - b).ShouldBe(new Money(800));
        (b - a).ShouldBe(new Money(-800));
        (-a).ShouldBe(new Money(-1050));
        (a * 3).ShouldBe(new Money(3150));
        (3 * a).ShouldBe(new Money(3150));
        (a > b).ShouldBeTrue();
        (a < b).ShouldBeFalse();
        (a >= new Money(1050)).ShouldBeTrue();
        (b <= a).ShouldBeTrue();
        new[] { a, Money.Zero, b }.Order().ShouldBe([Money.Zero, b, a]);
        a.IsPositive.ShouldBeTrue();
        (-a).IsNegative.ShouldBeTrue();
        Money.Zero.IsPositive.ShouldBeFalse();
        Money.Zero.IsNegative.ShouldBeFalse();
    }

    [Fact]
    public void Overflow_throws_instead_of_wrapping()
    {
        var max = new Money(long.MaxValue);
        var min = new Money(long.MinValue);

        Should.Throw<OverflowException>(() => max + new Money(1));
        Should.Throw<OverflowException>(() => min - new Money(1));
        Should.Throw<OverflowException>(() => -min);
        Should.Throw<OverflowException>(() => max * 2);
        Should.Throw<OverflowException>(() => min * -1);
    }

    [Fact]
    public void Json_is_an_integer_number_of_cents()
    {
        JsonSerializer.Serialize(new Money(123456)).ShouldBe("123456");
        JsonSerializer.Serialize(new { Amount = new Money(-5) }).ShouldBe("""{"Amount":-5}""");
        JsonSerializer.Deserialize<Money>("123456").ShouldBe(new Money(123456));
        JsonSerializer.Deserialize<Money>("-9223372036854775808").ShouldBe(new Money(long.MinValue));
    }

    [Theory]
    [InlineData("12.5")]
    [InlineData("12.0")]
    [InlineData("1e3")]
    [InlineData("\"1200\"")]
    [InlineData("9223372036854775808")]
    [InlineData("null")]
    public void Json_refuses_anything_but_an_integer(string json) =>
        Should.Throw<JsonException>(() => JsonSerializer.Deserialize<Money>(json));
}
