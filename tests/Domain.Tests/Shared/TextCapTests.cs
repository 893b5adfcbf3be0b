using FlutHilfe.Domain.Payments;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Tests.Shared;

public class TextCapTests
{
    [Fact]
    public void imported_texts_are_cut_at_their_sepa_lengths_between_text_elements_and_the_full_length_is_kept()
    {
        var name = new string('N', 69) + "👩‍👧 Familie";
        var text = string.Concat(Enumerable.Repeat("Spende für die Kinder ", 1000));
        var payer = PayerDetails.Capped(Guid.NewGuid(), name, "DE02120300000000202051", text, new string('U', 500));

        payer.Name.ShouldBe(new string('N', 69));
        payer.NameLength.ShouldBe(name.Length);
        payer.RemittanceText!.Length.ShouldBe(140);
        payer.RemittanceTextLength.ShouldBe(22_000);
        payer.UltimateDebtorName!.Length.ShouldBe(70);
        payer.UltimateDebtorNameLength.ShouldBe(500);
        Text.Cut("e\u0301" + new string('x', 5), 1).ShouldBe("");
    }

    [Theory]
    [InlineData("Jürgen Müller", "JUERGEN MUELLER")]
    [InlineData("MUELLER, JUERGEN", "JUERGEN MUELLER")]
    [InlineData("Müller Jürgen", "JUERGEN MUELLER")]
    [InlineData("  ", null)]
    public void names_compare_by_their_sepa_form_in_any_word_order(string name, string? key)
        => PayerDetails.KeyFor(name).ShouldBe(key);
}
