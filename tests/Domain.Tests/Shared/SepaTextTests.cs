using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Tests.Shared;

public class SepaTextTests
{
    [Theory]
    [InlineData("Jürgen Müller, Straße", "Juergen Mueller, Strasse")]
    [InlineData("ÄÖÜ äöü ß ẞ", "AeOeUe aeoeue ss SS")]
    [InlineData("Crème brûlée – Café", "Creme brulee - Cafe")]
    [InlineData("„Freude schenken“ — ‚Kinder‘", "'Freude schenken' - 'Kinder'")]
    [InlineData("Flut\u00ADhilfe\u200B2021", "Fluthilfe2021")]
    [InlineData("Łódź Øresund Æble", "Lodz Oresund Aeble")]
    [InlineData("Müller & Söhne; 50€!", "Mueller + Soehne, 50EUR.")]
    [InlineData("a\u00A0\u2009b   c ", "a b c")]
    [InlineData("u\u0308ber", "ueber")]
    [InlineData("Ｆｕｌｌ ﬁ …", "Full fi ...")]
    public void text_is_transliterated_replaced_or_dropped_into_the_sepa_character_set(string input, string expected)
    {
        var result = SepaText.Transliterate(input);
        result.Text.ShouldBe(expected);
        result.Unrepresentable.ShouldBeEmpty();
        result.Text.ShouldAllBe(c => SepaText.IsSepaCharacter(c));
    }

    [Theory]
    [InlineData("洪水救援", "洪")]
    [InlineData("Hilfe 🌊", "🌊")]
    [InlineData("100% #1 @home", "%")]
    [InlineData("Zeile\nZwei", "\n")]
    public void what_has_no_latin_form_is_reported(string input, string firstUnrepresentable)
    {
        var result = SepaText.Transliterate(input);
        result.Unrepresentable[0].ShouldBe(firstUnrepresentable);
        result.IsComplete.ShouldBeFalse();
        SepaText.ForPayload(input).ShouldAllBe(c => SepaText.IsSepaCharacter(c));
    }

    [Fact]
    public void appeal_texts_are_refused_naming_the_field_when_they_cannot_be_represented()
    {
        Should.Throw<DomainException>(() => SepaText.Require("救援基金", "account.holder")).Field.ShouldBe("account.holder");
        Should.Throw<DomainException>(() => SepaText.Require("Zweckverband 🌊", "account.holder")).Field.ShouldBe("account.holder");
        Should.Throw<DomainException>(() => SepaText.Require("🌊🌊", "title", symbolsMayBeDropped: true)).Field.ShouldBe("title");
        Should.Throw<DomainException>(() => SepaText.Require("Fluthilfe 洪水", "title", symbolsMayBeDropped: true)).Field.ShouldBe("title");
        SepaText.Require("Fluthilfe 🌊", "title", symbolsMayBeDropped: true).ShouldBe("Fluthilfe");
        SepaText.Require("Zweckverband Region Aachen – Fluthilfe", "account.holder").ShouldBe("Zweckverband Region Aachen - Fluthilfe");
    }

    [Fact]
    public void every_char_of_the_set_stays_and_nothing_else_does()
    {
        var all = Enumerable.Range(0x20, 0x5F).Select(i => (char)i).ToArray();
        foreach (var c in all)
        {
            var kept = SepaText.Transliterate(c.ToString()).Text;
            if (SepaText.IsSepaCharacter(c) && c != ' ') kept.ShouldBe(c.ToString());
            kept.ShouldAllBe(k => SepaText.IsSepaCharacter(k));
        }
        "abcxyzABCXYZ0189/-?:().,'+".ShouldAllBe(c => SepaText.IsSepaCharacter(c));
    }
}
