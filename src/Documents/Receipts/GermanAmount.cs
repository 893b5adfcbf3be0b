using System.Globalization;
using System.Text.RegularExpressions;
using FlutHilfe.Domain.Shared;
using Humanizer;

namespace FlutHilfe.Documents.Receipts;

/// <summary>
/// The amount in German words as a receipt prints it ("– in Buchstaben –"). Passed to the receipt decision as its
/// <c>AmountInWords</c>, so the domain states the words without depending on a language library.
/// </summary>
public static partial class GermanAmount
{
    private static readonly CultureInfo GermanWordsCulture = new("de");

    /// <summary>E.g. "eintausendzweihundertsechsundvierzig Euro", "ein Euro und fünfzig Cent", "null Euro und fünf Cent".</summary>
    public static string InWords(Money amount)
    {
        if (amount.Cents < 0)
            return "minus " + InWords(-amount);

        long euros = amount.Cents / 100, cents = amount.Cents % 100;
        string text = NumberBeforeNoun(euros) + " Euro";
        return cents == 0 ? text : $"{text} und {NumberBeforeNoun(cents)} Cent";
    }

    // Humanizer gives the counting form ("eins", "einhunderteinstausend", "einhunderteins Millionen").
    // Before a noun German needs "ein": "ein Euro", "einhunderteintausend"; and "eine" before the
    // feminine Million/Milliarde/Billion, as Humanizer already does for a lone "eine Million".
    private static string NumberBeforeNoun(long value)
    {
        string words = value.ToWords(GermanWordsCulture);
        words = EinsBeforeTausend().Replace(words, "ein");
        words = EinsBeforeBigNumber().Replace(words, "eine");
        return EinsAtEnd().Replace(words, "ein");
    }

    [GeneratedRegex("eins(?=tausend)")]
    private static partial Regex EinsBeforeTausend();

    [GeneratedRegex("eins(?= (Milli|Billi))")]
    private static partial Regex EinsBeforeBigNumber();

    [GeneratedRegex("eins$")]
    private static partial Regex EinsAtEnd();
}
