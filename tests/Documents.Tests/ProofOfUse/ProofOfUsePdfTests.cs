using System.Text;
using System.Text.RegularExpressions;
using FlutHilfe.Documents.ProofOfUse;
using FlutHilfe.Domain.Shared;
using Shouldly;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Content;
using Xunit;
using static FlutHilfe.Documents.Tests.ProofOfUse.ProofOfUseSamples;

namespace FlutHilfe.Documents.Tests.ProofOfUse;

public sealed partial class ProofOfUsePdfTests
{
    private const double A4Width = 595.28, A4Height = 841.89;

    /// <summary>
    /// Text of each page in drawing order: letters as drawn, a single space wherever the pen jumps (new
    /// line, next cell, next label). PdfPig's word extractor reorders table cells, which would hide wrapped texts.
    /// </summary>
    internal static List<string> PageTexts(byte[] pdf)
    {
        using PdfDocument document = PdfDocument.Open(pdf);
        var pages = new List<string>();
        foreach (Page page in document.GetPages())
        {
            var text = new StringBuilder();
            Letter? previous = null;
            foreach (Letter letter in page.Letters)
            {
                if (previous is not null && !IsSpace(previous) && !IsSpace(letter))
                {
                    bool sameLine = Math.Abs(letter.StartBaseLine.Y - previous.StartBaseLine.Y) < 0.5;
                    double gap = letter.StartBaseLine.X - previous.EndBaseLine.X;
                    if (!sameLine || gap > 1.0 || gap < -1.0)
                        text.Append(' ');
                }

                text.Append(letter.Value);
                previous = letter;
            }

            pages.Add(WhiteSpace().Replace(text.ToString(), " "));
        }

        return pages;
    }

    private static bool IsSpace(Letter letter) => string.IsNullOrWhiteSpace(letter.Value);

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();

    [Fact]
    public void Small_document_reads_back_in_german()
    {
        byte[] pdf = ProofOfUsePdf.Render(Document());
        pdf[..5].ShouldBe("%PDF-"u8.ToArray());
        string text = string.Join("\n", PageTexts(pdf));

        text.ShouldContain("Verwendungsnachweis");
        text.ShouldContain("Zuwendungsgeber: Landschaftsverband Rheinland – Spendenfonds für Flutgeschädigte");
        text.ShouldContain("Gemeinde Nörvenich (05358024)");
        text.ShouldContain("Soforthilfe und Wiederaufbau");
        text.ShouldContain("LVR-FH-2026/0815 vom 20.07.2026");
        text.ShouldContain("Nachweisfrist: 31.10.2026");
        text.ShouldContain("Status: eingereicht");
        text.ShouldContain("Eingereicht am: 12.10.2026, 09:30 Uhr");
        text.ShouldContain("Prüfvermerk: Belege 2 und 4 nachreichen.");
        text.ShouldContain("1. Sachbericht");
        text.ShouldContain("Hochwasser in Überlingen-Süd");
        text.ShouldContain("Zweiter Absatz: Trocknung");
        text.ShouldContain("2. Zahlenmäßiger Nachweis");
        text.ShouldContain("Belegliste");
        text.ShouldContain("Stand: 28.11.2026, 14:05 Uhr");
    }

    [Fact]
    public void Figures_and_voucher_amounts_are_in_german_format()
    {
        string text = string.Join("\n", PageTexts(ProofOfUsePdf.Render(Document())));

        text.ShouldContain("Zugewiesen 10.000,00 €");
        text.ShouldContain("Ausgezahlt 8.000,00 €");
        text.ShouldContain("Verausgabt (belegt) 3.834,56 €");
        text.ShouldContain("Nicht verwendet zurückgezahlt 165,44 €");
        text.ShouldContain("Offen 4.000,00 €");
        text.ShouldContain("1.234,56");
        text.ShouldContain("2.500,00");
        text.ShouldContain("0,05");
        text.ShouldContain("Summe (ohne zurückgezogene Posten) 3.834,56");
        text.ShouldNotContain("Abweichung");
    }

    [Fact]
    public void Every_voucher_number_payee_and_hash_is_printed_and_missing_documents_are_flagged()
    {
        string text = string.Join("\n", PageTexts(ProofOfUsePdf.Render(Document())));

        foreach (VoucherLine v in SmallVouchers)
            text.ShouldContain(v.VoucherNumber);
        text.ShouldContain("Bäckerei Müller GmbH");
        text.ShouldContain("Schmidt; Söhne KG");
        text.ShouldContain("ohne Beleg");
        text.ShouldContain("zurückgezogen");
        // the full hash, printed as four lines of sixteen hex digits
        for (int i = 0; i < 64; i += 16)
            text.ShouldContain(Hash1.Substring(i, 16));
    }

    [Fact]
    public void Overdue_banner_only_when_overdue()
    {
        string overdue = string.Join("\n", PageTexts(ProofOfUsePdf.Render(Document(overdue: true))));
        string onTime = string.Join("\n", PageTexts(ProofOfUsePdf.Render(Document(overdue: false))));

        overdue.ShouldContain("Frist überschritten: Der Verwendungsnachweis war bis zum 31.10.2026 vorzulegen");
        onTime.ShouldNotContain("Frist überschritten");
        onTime.ShouldNotContain("überschritten");
    }

    [Fact]
    public void Money_open_after_the_deadline_is_flagged()
    {
        string after = string.Join("\n", PageTexts(ProofOfUsePdf.Render(Document())));
        string before = string.Join("\n", PageTexts(ProofOfUsePdf.Render(
            Document(asOf: new DateTimeOffset(2026, 9, 30, 23, 59, 0, TimeSpan.FromHours(2))))));

        after.ShouldContain("Mittel nicht innerhalb der Frist verwendet: 4.000,00 €");
        before.ShouldNotContain("Mittel nicht innerhalb der Frist verwendet");
    }

    [Fact]
    public void As_of_view_is_labelled()
    {
        string plain = string.Join("\n", PageTexts(ProofOfUsePdf.Render(Document())));
        string historic = string.Join("\n", PageTexts(ProofOfUsePdf.Render(
            Document(asOf: new DateTimeOffset(2026, 6, 30, 21, 59, 0, TimeSpan.Zero)))));

        plain.ShouldNotContain("Stand zum");
        historic.ShouldContain("Stand zum 30.06.2026, 23:59 Uhr");
        historic.ShouldContain("Stand: 28.11.2026, 14:05 Uhr");
    }

    [Fact]
    public void Voucher_sum_not_matching_spent_is_flagged()
    {
        string text = string.Join("\n", PageTexts(ProofOfUsePdf.Render(Document(spent: Money.FromCents(400_000)))));
        text.ShouldContain("Abweichung: Die Summe der Belege (3.834,56 €) entspricht nicht dem verausgabten Betrag (4.000,00 €)");
    }

    [Fact]
    public void Pages_are_a4_and_numbered()
    {
        byte[] pdf = ProofOfUsePdf.Render(Document());
        using PdfDocument document = PdfDocument.Open(pdf);
        document.NumberOfPages.ShouldBe(1);
        foreach (var page in document.GetPages())
        {
            page.Width.ShouldBe(A4Width, 1.0);
            page.Height.ShouldBe(A4Height, 1.0);
        }

        PageTexts(pdf)[0].ShouldContain("Seite 1 von 1");
    }

    [Fact]
    public void Hundred_twenty_vouchers_break_over_pages_with_repeated_header()
    {
        IReadOnlyList<VoucherLine> vouchers = ManyVouchers(120);
        Money sum = vouchers.Where(v => !v.Withdrawn).Aggregate(Money.Zero, (s, v) => s + v.Amount);
        byte[] pdf = ProofOfUsePdf.Render(Document(vouchers, spent: sum));

        List<string> pages = PageTexts(pdf);
        pages.Count.ShouldBeGreaterThan(1);
        string all = string.Join("\n", pages);
        foreach (VoucherLine v in vouchers)
            all.ShouldContain(v.VoucherNumber + " ");
        all.ShouldContain("Seite 2 von " + pages.Count);
        all.ShouldContain("Summe (ohne zurückgezogene Posten) " + NoSign(sum));

        for (int i = 0; i < pages.Count; i++)
        {
            pages[i].ShouldContain($"Seite {i + 1} von {pages.Count}");
            if (pages[i].Contains("BN-", StringComparison.Ordinal))
            {
                pages[i].ShouldContain("SHA-256 des Belegs", customMessage: $"page {i + 1}");
                pages[i].ShouldContain("Betrag (EUR) Beleg- nummer", customMessage: $"page {i + 1}");
                pages[i].ShouldContain("Lfd. Nr.", customMessage: $"page {i + 1}");
                pages[i].ShouldContain("Hinweis", customMessage: $"page {i + 1}");
            }
        }

        using PdfDocument document = PdfDocument.Open(pdf);
        foreach (var page in document.GetPages())
        {
            page.Width.ShouldBe(A4Width, 1.0);
            page.Height.ShouldBe(A4Height, 1.0);
        }
    }

    [Fact]
    public void Long_narrative_wraps_over_pages()
    {
        string narrative = string.Join("\n\n", Enumerable.Range(1, 40).Select(i =>
            $"Absatz {i}: " + string.Concat(Enumerable.Repeat("Die Gemeinde hat die Räume getrocknet und saniert. ", 8)) + $"Ende {i}."));
        List<string> pages = PageTexts(ProofOfUsePdf.Render(Document(narrative: narrative)));

        pages.Count.ShouldBeGreaterThan(1);
        string all = string.Join("\n", pages);
        all.ShouldContain("Absatz 1:");
        all.ShouldContain("Ende 40.");
        all.ShouldContain("2. Zahlenmäßiger Nachweis");
    }

    [Fact]
    public void Long_cell_texts_are_truncated_with_ellipsis()
    {
        VoucherLine v = SmallVouchers[0] with { Reason = string.Concat(Enumerable.Repeat("Sehr lange Begründung ", 30)) + "SCHLUSS" };
        string text = string.Join("\n", PageTexts(ProofOfUsePdf.Render(Document([v], spent: v.Amount))));

        text.ShouldContain("…");
        text.ShouldNotContain("SCHLUSS");
    }

    [Fact]
    public void Names_beyond_windows_1252_read_back()
    {
        VoucherLine v = SmallVouchers[0] with { Payee = "Łukasz Wójcik", Facility = "Şahin Bau" };
        string text = string.Join("\n", PageTexts(ProofOfUsePdf.Render(Document([v], spent: v.Amount))));

        text.ShouldContain("Łukasz Wójcik");
        text.ShouldContain("Şahin Bau");
        text.ShouldContain("Bewilligung: LVR-FH-2026/0815");
    }

    [Fact]
    public async Task Renders_concurrently()
    {
        Task<byte[]>[] renders = [.. Enumerable.Range(0, 8).Select(_ => Task.Run(() => ProofOfUsePdf.Render(Document(ManyVouchers(30)))))];
        byte[][] pdfs = await Task.WhenAll(renders);

        foreach (byte[] pdf in pdfs)
            string.Join("\n", PageTexts(pdf)).ShouldContain("BN-0030");
    }

    [Fact]
    public void Missing_narrative_is_stated()
    {
        string text = string.Join("\n", PageTexts(ProofOfUsePdf.Render(Document(narrative: null))));
        text.ShouldContain("Ein Sachbericht liegt noch nicht vor.");
    }

    private static string NoSign(Money amount) => amount.ToString()[..^2];
}
