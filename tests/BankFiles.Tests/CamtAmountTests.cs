using FlutHilfe.TestSupport;
using Shouldly;
using Xunit;

namespace FlutHilfe.BankFiles.Tests;

public class CamtAmountTests
{
    [Theory]
    [InlineData("100.5", 10050)]
    [InlineData("1234.56", 123456)]
    [InlineData("100", 10000)]
    [InlineData("0", 0)]
    [InlineData("0.01", 1)]
    [InlineData("007.10", 710)]
    [InlineData(" 5.00\n", 500)]
    [InlineData("1.500", 150)]
    [InlineData("999999999999999.99", 99999999999999999)]
    public void Parses_exactly(string text, long cents)
    {
        CamtAmount.ParseCents(text).ShouldBe(cents);
    }

    [Theory]
    [InlineData("1.234")]
    [InlineData("1.001")]
    [InlineData("-1.00")]
    [InlineData("+1.00")]
    [InlineData("1.")]
    [InlineData(".5")]
    [InlineData("1,00")]
    [InlineData("1 000.00")]
    [InlineData("1e2")]
    [InlineData("NaN")]
    [InlineData("١٢")]
    [InlineData("1000000000000000.00")]
    [InlineData("")]
    public void Rejects(string text)
    {
        CamtAmount.TryParseCents(text, out _, out var error).ShouldBeFalse();
        error.ShouldNotBeNullOrEmpty();
        Should.Throw<FormatException>(() => CamtAmount.ParseCents(text));
    }

    [Theory]
    [InlineData(0, "0.00")]
    [InlineData(5, "0.05")]
    [InlineData(123456, "1234.56")]
    public void Formats(long cents, string text)
    {
        CamtAmount.Format(cents).ShouldBe(text);
        CamtAmount.ParseCents(text).ShouldBe(cents);
    }
}
