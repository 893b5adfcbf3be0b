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

    [Theory]
    [InlineData(124600, "eintausendzweihundertsechsundvierzig Euro")]
    [InlineData(2100, "einundzwanzig Euro")]
    [InlineData(30000, "dreihundert Euro")]
    [InlineData(100_000_000, "eine Million Euro")]
    [InlineData(200_000_000, "zwei Millionen Euro")]
    [InlineData(150_000_000, "eine Million fünfhunderttausend Euro")]
    [InlineData(100, "ein Euro")]
    [InlineData(150, "ein Euro und fünfzig Cent")]
    [InlineData(5, "null Euro und fünf Cent")]
    [InlineData(1, "null Euro und ein Cent")]
    [InlineData(0, "null Euro")]
    [InlineData(1600, "sechzehn Euro")]
    [InlineData(1700, "siebzehn Euro")]
    [InlineData(10100, "einhundertein Euro")]
    [InlineData(100100, "eintausendein Euro")]
    [InlineData(2_100_000, "einundzwanzigtausend Euro")]
    [InlineData(10_100_000, "einhunderteintausend Euro")]
    [InlineData(100_100_000, "eine Million eintausend Euro")]
    [InlineData(10_100_000_000, "einhunderteine Millionen Euro")]
    [InlineData(99_999_999_999, "neunhundertneunundneunzig Millionen neunhundertneunundneunzigtausendneunhundertneunundneunzig Euro und neunundneunzig Cent")]
    [InlineData(-250, "minus zwei Euro und fünfzig Cent")]
    public void ToGermanWords_reads_as_written_on_a_receipt(long cents, string expected) =>
        new Money(cents).ToGermanWords().ShouldBe(expected);
}
