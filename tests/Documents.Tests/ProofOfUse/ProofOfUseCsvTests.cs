using System.Text;
using FlutHilfe.Documents.ProofOfUse;
using FlutHilfe.Domain.Shared;
using Shouldly;
using Xunit;
using static FlutHilfe.Documents.Tests.ProofOfUse.ProofOfUseSamples;

namespace FlutHilfe.Documents.Tests.ProofOfUse;

public sealed class ProofOfUseCsvTests
{
    [Fact]
    public void Writes_exact_lines_with_quoting_injection_guard_marks_and_sum()
    {
        string csv = ProofOfUseCsv.Write(Document());

        csv.ShouldEndWith("\r\n");
        string[] lines = csv[..^2].Split("\r\n");
        lines.ShouldBe(
        [
            "Lfd. Nr.;Datum;Zahlungsempfänger;Zweck/Begründung;Verwendungszweck;Betrag (EUR);Belegnummer;Einrichtung;SHA-256 des Belegs;Hinweis",
            $"1;03.08.2026;Bäckerei Müller GmbH;Verpflegung Helfer;Soforthilfe;1234,56;KV-2026-001;Feuerwehr Süd;{Hash1};",
            "2;10.08.2026;\"Schmidt; Söhne KG\";\"Trocknungsgeräte \"\"Typ B\"\"\";Wiederaufbau;2500,00;KV-2026-002;;;ohne Beleg",
            $"3;12.08.2026;\"'=HYPERLINK(\"\"http://evil.example\"\";\"\"klick\"\")\";Reinigung;Soforthilfe;99,90;KV-2026-003;Kita Regenbogen;{Hash3};zurückgezogen",
            "4;01.09.2026;Elektro Weiß;\"Zeile 1\nZeile 2\";Soforthilfe;0,05;KV-2026-004;;;zurückgezogen, ohne Beleg",
            $"5;15.09.2026;'+49 Handwerk;'-10 % Skonto;Soforthilfe;100,00;'@KV-5;'\tTab;{Hash5};",
            "Summe;;;;;3834,56;;;;ohne zurückgezogene Posten",
        ]);
    }

    [Fact]
    public void Sum_line_counts_only_items_not_withdrawn()
    {
        Money expected = SmallVouchers.Where(v => !v.Withdrawn).Aggregate(Money.Zero, (s, v) => s + v.Amount);
        expected.ShouldBe(Money.FromCents(383_456));

        string last = ProofOfUseCsv.Write(Document()).TrimEnd('\r', '\n').Split("\r\n")[^1];
        last.Split(';')[5].ShouldBe("3834,56");
    }

    [Fact]
    public void Sum_line_without_withdrawn_items_has_no_hint()
    {
        VoucherLine[] vouchers = [SmallVouchers[0]];
        string last = ProofOfUseCsv.Write(Document(vouchers)).TrimEnd('\r', '\n').Split("\r\n")[^1];
        last.ShouldBe("Summe;;;;;1234,56;;;;");
    }

    [Fact]
    public void Empty_list_has_header_and_zero_sum()
    {
        ProofOfUseCsv.Write(Document([])).Split("\r\n").ShouldBe(
        [
            "Lfd. Nr.;Datum;Zahlungsempfänger;Zweck/Begründung;Verwendungszweck;Betrag (EUR);Belegnummer;Einrichtung;SHA-256 des Belegs;Hinweis",
            "Summe;;;;;0,00;;;;",
            "",
        ]);
    }

    [Theory]
    [InlineData(0L, "0,00")]
    [InlineData(5L, "0,05")]
    [InlineData(-123_456L, "-1234,56")]
    [InlineData(123_456_789L, "1234567,89")]
    [InlineData(long.MinValue + 1, "-92233720368547758,07")]
    public void Amounts_use_decimal_comma_without_grouping_or_sign(long cents, string expected)
    {
        VoucherLine v = SmallVouchers[0] with { Amount = Money.FromCents(cents) };
        string line = ProofOfUseCsv.Write(Document([v])).Split("\r\n")[1];
        line.Split(';')[5].ShouldBe(expected);
    }

    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+1", "'+1")]
    [InlineData("-1", "'-1")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tx", "'\tx")]
    [InlineData("\rx", "\"'\rx\"")]
    [InlineData("=A1;B1", "\"'=A1;B1\"")]
    [InlineData("a=b", "a=b")]
    [InlineData("Müller", "Müller")]
    public void Text_cells_are_defused_against_formula_injection(string payee, string expected)
    {
        VoucherLine v = SmallVouchers[0] with { Payee = payee };
        string csv = ProofOfUseCsv.Write(Document([v]));
        string row = csv[(csv.IndexOf("\r\n", StringComparison.Ordinal) + 2)..];
        row.ShouldStartWith($"1;03.08.2026;{expected};");
    }

    [Fact]
    public void Utf8_bytes_start_with_bom_and_keep_umlauts()
    {
        ProofOfUseDocument doc = Document();
        byte[] bytes = ProofOfUseCsv.WriteUtf8(doc);

        bytes[..3].ShouldBe(new byte[] { 0xEF, 0xBB, 0xBF });
        Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3).ShouldBe(ProofOfUseCsv.Write(doc));
        Encoding.UTF8.GetString(bytes).ShouldContain("Zahlungsempfänger");
    }
}
