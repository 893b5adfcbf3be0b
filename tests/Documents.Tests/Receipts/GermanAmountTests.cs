using FlutHilfe.Documents.Receipts;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Documents.Tests.Receipts;

/// <summary>The amount "– in Buchstaben –" as a receipt prints it (Humanizer's German number words, adjusted before a noun).</summary>
public class GermanAmountTests
{
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
    public void the_amount_in_words_reads_as_written_on_a_receipt(long cents, string expected) =>
        GermanAmount.InWords(new Money(cents)).ShouldBe(expected);
}
