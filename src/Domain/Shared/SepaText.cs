using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace FlutHilfe.Domain.Shared;

/// <summary>
/// Text that has to survive SEPA processing (DESIGN §4): the basic Latin character set every SEPA bank must carry
/// (EPC "SEPA Credit Transfer Rulebook", chapter on the character set; EPC217-08): a–z, A–Z, 0–9,
/// <c>/ - ? : ( ) . , ' +</c> and space. Anything else is transliterated, replaced or dropped; what has no sensible
/// Latin form (CJK, emoji, most symbols) is reported so that appeal texts can be refused when the appeal is opened.
/// </summary>
public static class SepaText
{
    private const string Punctuation = "/-?:().,'+ ";

    /// <summary>Transliterations that Unicode decomposition would get wrong for German readers (ä → a) or cannot do.</summary>
    private static readonly FrozenDictionary<string, string> Replacements = new Dictionary<string, string>
    {
        ["ä"] = "ae", ["ö"] = "oe", ["ü"] = "ue", ["Ä"] = "Ae", ["Ö"] = "Oe", ["Ü"] = "Ue", ["ß"] = "ss", ["ẞ"] = "SS",
        ["æ"] = "ae", ["Æ"] = "Ae", ["œ"] = "oe", ["Œ"] = "Oe", ["ø"] = "o", ["Ø"] = "O", ["ł"] = "l", ["Ł"] = "L",
        ["đ"] = "d", ["Đ"] = "D", ["ð"] = "d", ["Ð"] = "D", ["þ"] = "th", ["Þ"] = "Th", ["ı"] = "i", ["ĸ"] = "k",
        // Dashes and minus signs.
        ["\u2010"] = "-", ["\u2011"] = "-", ["\u2012"] = "-", ["\u2013"] = "-", ["\u2014"] = "-", ["\u2015"] = "-",
        ["\u2212"] = "-", ["\uFE58"] = "-", ["\uFE63"] = "-", ["\uFF0D"] = "-", ["_"] = "-",
        // Quotation marks and primes become the apostrophe, the only quote SEPA carries.
        ["\u2018"] = "'", ["\u2019"] = "'", ["\u201A"] = "'", ["\u201B"] = "'", ["\u201C"] = "'", ["\u201D"] = "'",
        ["\u201E"] = "'", ["\u201F"] = "'", ["\u00AB"] = "'", ["\u00BB"] = "'", ["\u2039"] = "'", ["\u203A"] = "'",
        ["\u2032"] = "'", ["\u2033"] = "'", ["\u00B4"] = "'", ["`"] = "'", ["\""] = "'",
        // Punctuation with a close SEPA neighbour.
        ["&"] = "+", [";"] = ",", ["!"] = ".", ["["] = "(", ["]"] = ")", ["{"] = "(", ["}"] = ")", ["€"] = "EUR",
        // Invisible characters: soft hyphen, zero-width space/joiners, word joiner, BOM, Mongolian vowel separator.
        ["\u00AD"] = "", ["\u200B"] = "", ["\u200C"] = "", ["\u200D"] = "", ["\u2060"] = "", ["\uFEFF"] = "", ["\u180E"] = "",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static bool IsSepaCharacter(char c) => char.IsAsciiLetterOrDigit(c) || Punctuation.Contains(c, StringComparison.Ordinal);

    /// <summary>The SEPA form of <paramref name="value"/> and the text elements that have none (each once, in order).</summary>
    public sealed record Result(string Text, IReadOnlyList<string> Unrepresentable)
    {
        public bool IsComplete => Unrepresentable.Count == 0 && Text.Length > 0;
    }

    public static Result Transliterate(string? value)
    {
        if (string.IsNullOrEmpty(value)) return new Result("", []);
        var text = new StringBuilder(value.Length);
        var unrepresentable = new List<string>();
        var elements = StringInfo.GetTextElementEnumerator(value.Normalize(NormalizationForm.FormC));
        while (elements.MoveNext())
        {
            var element = elements.GetTextElement();
            if (Convert(element) is { } converted) text.Append(converted);
            else if (!unrepresentable.Contains(element)) unrepresentable.Add(element);
        }
        return new Result(CollapseSpaces(text.ToString()), unrepresentable);
    }

    /// <summary>For a payload: what cannot be written is left out (appeal texts were checked when the appeal was opened).</summary>
    public static string ForPayload(string? value) => Transliterate(value).Text;

    /// <summary>
    /// Refuses text that has no sensible SEPA form, naming <paramref name="field"/>: empty after transliteration, or
    /// with a character that cannot be written. With <paramref name="symbolsMayBeDropped"/> only letters and digits
    /// count (an emoji in a title is left out of the payload; a title in Chinese script is refused).
    /// </summary>
    public static string Require(string value, string field, bool symbolsMayBeDropped = false)
    {
        var result = Transliterate(value);
        if (result.Text.Length == 0)
            throw DomainException.Invalid(field, $"{field} has no character a SEPA bank transfer can carry (Latin letters, digits, / - ? : ( ) . , ' + and space).");
        var refused = symbolsMayBeDropped ? result.Unrepresentable.Where(e => e.Any(char.IsLetterOrDigit)).ToList() : result.Unrepresentable;
        if (refused.Count > 0)
            throw DomainException.Invalid(field, $"{field} contains characters a SEPA bank transfer cannot carry: {string.Join(" ", refused.Select(Describe))}.");
        return result.Text;
    }

    private static string? Convert(string element)
    {
        if (element.Length == 1 && IsSepaCharacter(element[0])) return element;
        if (Replacements.TryGetValue(element, out var replaced)) return replaced;
        if (element.Length == 1 && char.IsWhiteSpace(element[0]) && !char.IsControl(element[0])) return " ";
        // Compatibility decomposition: é → e + ´, ﬁ → fi, … → ..., full-width Ａ → A; the marks are dropped.
        var decomposed = element.Normalize(NormalizationForm.FormKD);
        var result = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark) continue;
            if (IsSepaCharacter(c)) result.Append(c);
            else if (Replacements.TryGetValue(c.ToString(), out var r)) result.Append(r);
            else if (char.IsWhiteSpace(c) && !char.IsControl(c)) result.Append(' ');
            else return null;
        }
        return result.Length > 0 ? result.ToString() : null;
    }

    private static string CollapseSpaces(string text)
    {
        var result = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c == ' ' && (result.Length == 0 || result[^1] == ' ')) continue;
            result.Append(c);
        }
        return result.ToString().TrimEnd();
    }

    private static string Describe(string element)
        => element.Length == 1 && char.IsControl(element[0]) ? $"U+{(int)element[0]:X4}" : $"'{element}'";
}
