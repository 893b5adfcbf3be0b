using FlutHilfe.Documents.Pdf;
using FlutHilfe.Domain.Shared;
using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace FlutHilfe.Documents.YearEnd;

/// <summary>
/// The year-end report as a German A4 landscape PDF: title, appeal, issuer and basis, then the table of funds and the table of
/// municipalities (opening figure on 31.12. of the year before, the year's movements, closing figure on 31.12.), each with a
/// sum line; header rows repeated after a page break; "Seite i von N" on each page. Amounts "1.234,56 €", dates "31.12.2021".
/// </summary>
public static class YearEndPdf
{
    public const string ContentType = "application/pdf";

    public static byte[] Render(YearEndDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        PdfFonts.EnsureRegistered();
        return new Writer(document).Run();
    }

    private sealed class Writer(YearEndDocument doc)
    {
        private const double MarginX = 36;
        private const double MarginTop = 40;
        private const double FooterHeight = 36;
        private const double Pad = 3;

        private static readonly XColor Ink = XColor.FromArgb(20, 20, 20);
        private static readonly XColor Muted = XColor.FromArgb(100, 100, 100);
        private static readonly XColor HeaderFill = XColor.FromArgb(228, 231, 236);
        private static readonly XColor SumFill = XColor.FromArgb(242, 243, 246);
        private static readonly XColor Rule = XColor.FromArgb(190, 190, 190);

        private readonly XFont title = PdfText.Sans(18, XFontStyleEx.Bold);
        private readonly XFont subtitle = PdfText.Sans(11, XFontStyleEx.Regular);
        private readonly XFont h2 = PdfText.Sans(11.5, XFontStyleEx.Bold);
        private readonly XFont small = PdfText.Sans(8, XFontStyleEx.Regular);
        private readonly XFont cell = PdfText.Sans(8, XFontStyleEx.Regular);
        private readonly XFont cellBold = PdfText.Sans(8, XFontStyleEx.Bold);
        private readonly XFont headerCell = PdfText.Sans(7, XFontStyleEx.Bold);
        private readonly XFont footer = PdfText.Sans(7.5, XFontStyleEx.Regular);

        private readonly PdfDocument pdf = new();
        private readonly List<PdfPage> pages = [];
        private XGraphics? gfx;
        private double y;

        private XGraphics G => gfx ?? throw new InvalidOperationException("No page.");
        private double PageWidth => pages[^1].Width.Point;
        private double ContentWidth => PageWidth - 2 * MarginX;
        private double ContentBottom => pages[^1].Height.Point - FooterHeight - 8;

        public byte[] Run()
        {
            pdf.Info.Title = $"{YearEndText.Heading(doc)} – {doc.AppealTitle}";
            pdf.Info.Author = doc.IssuerName;
            pdf.Info.Creator = "FlutHilfe";
            pdf.Info.CreationDate = doc.GeneratedAt.UtcDateTime;
            pdf.Language = "de-DE";

            NewPage();
            DrawTitle();
            DrawTable(YearEndText.FundsHeading, doc.Funds, doc.FundsTotal);
            y += 14;
            DrawTable(YearEndText.MunicipalitiesHeading, doc.Municipalities, doc.MunicipalitiesTotal);
            gfx?.Dispose();
            gfx = null;
            DrawFooters();

            using var stream = new MemoryStream();
            pdf.Save(stream, false);
            return stream.ToArray();
        }

        private void NewPage()
        {
            gfx?.Dispose();
            var page = pdf.AddPage();
            page.Size = PageSize.A4;
            page.Orientation = PageOrientation.Landscape;
            pages.Add(page);
            gfx = XGraphics.FromPdfPage(page);
            y = MarginTop;
        }

        private void DrawTitle()
        {
            y += title.Height * 0.8;
            G.DrawString(YearEndText.Heading(doc), title, new XSolidBrush(Ink), MarginX, y);
            y += 6;
            foreach (var line in PdfText.Wrap(G, $"{doc.AppealTitle} · {doc.IssuerName}", subtitle, ContentWidth))
            {
                y += subtitle.Height;
                G.DrawString(line, subtitle, new XSolidBrush(Ink), MarginX, y);
            }
            y += 4;
            foreach (var line in PdfText.Wrap(G, $"Zeitraum {GermanDate.Format(doc.OpeningDate.AddDays(1))} bis {GermanDate.Format(doc.ClosingDate)}. " +
                         YearEndText.Basis(doc) + " " + YearEndText.KnownOn(doc) + ".", small, ContentWidth))
            {
                y += small.Height;
                G.DrawString(line, small, new XSolidBrush(Muted), MarginX, y);
            }
            y += 14;
        }

        private double[] Widths()
        {
            var amount = (ContentWidth - 150) / 8;
            return [150, .. Enumerable.Repeat(amount, 8)];
        }

        private void DrawTable(string heading, IReadOnlyList<YearEndLine> lines, YearEndLine total)
        {
            Ensure(h2.Height + 4 * cell.Height + 40);
            y += h2.Height;
            G.DrawString(heading, h2, new XSolidBrush(Ink), MarginX, y);
            y += 6;
            DrawHeader();
            if (lines.Count == 0)
            {
                Row(["Keine Bewegungen und keine Bestände."], false, null);
                return;
            }
            foreach (var line in lines) Row(Cells(line), false, null);
            Row(Cells(total), true, SumFill);
        }

        private static string[] Cells(YearEndLine l) =>
        [
            l.Name, Euro(l.Opening), Euro(l.Received), Euro(l.RefundedByBank), Euro(l.Allocated), Euro(l.Disbursed), Euro(l.Spent),
            Euro(l.Returned), Euro(l.Closing),
        ];

        private static string Euro(Money? amount) => amount is { } m ? m.ToString() : "–";

        private void DrawHeader()
        {
            var widths = Widths();
            var columns = YearEndText.Columns(doc);
            var wrapped = columns.Select((c, i) => PdfText.Wrap(G, c, headerCell, widths[i] - 2 * Pad)).ToList();
            var height = wrapped.Max(w => w.Count) * headerCell.Height + 2 * Pad;
            G.DrawRectangle(new XSolidBrush(HeaderFill), MarginX, y, ContentWidth, height);
            var x = MarginX;
            for (var i = 0; i < columns.Length; i++)
            {
                var lineY = y + Pad + headerCell.Height * 0.8;
                foreach (var text in wrapped[i])
                {
                    var left = i == 0 ? x + Pad : x + widths[i] - Pad - G.MeasureString(text, headerCell).Width;
                    G.DrawString(text, headerCell, new XSolidBrush(Ink), left, lineY);
                    lineY += headerCell.Height;
                }
                x += widths[i];
            }
            y += height;
        }

        private void Row(string[] cells, bool bold, XColor? fill)
        {
            var font = bold ? cellBold : cell;
            var widths = Widths();
            var name = PdfText.Wrap(G, cells[0], font, (cells.Length == 1 ? ContentWidth : widths[0]) - 2 * Pad, 3);
            var height = name.Count * font.Height + 2 * Pad;
            if (y + height > ContentBottom)
            {
                NewPage();
                DrawHeader();
            }
            if (fill is { } f) G.DrawRectangle(new XSolidBrush(f), MarginX, y, ContentWidth, height);
            var baseline = y + Pad + font.Height * 0.8;
            foreach (var line in name)
            {
                G.DrawString(line, font, new XSolidBrush(Ink), MarginX + Pad, baseline);
                baseline += font.Height;
            }
            var x = MarginX + widths[0];
            for (var i = 1; i < cells.Length; i++)
            {
                var width = G.MeasureString(cells[i], font).Width;
                G.DrawString(cells[i], font, new XSolidBrush(Ink), x + widths[i] - Pad - width, y + Pad + font.Height * 0.8);
                x += widths[i];
            }
            y += height;
            G.DrawLine(new XPen(Rule, 0.4), MarginX, y, MarginX + ContentWidth, y);
        }

        private void Ensure(double height)
        {
            if (y + height > ContentBottom) NewPage();
        }

        private void DrawFooters()
        {
            var left = $"{YearEndText.Heading(doc)} · {doc.AppealTitle} · {YearEndText.KnownOn(doc)}";
            for (var i = 0; i < pages.Count; i++)
            {
                using var g = XGraphics.FromPdfPage(pages[i], XGraphicsPdfPageOptions.Append);
                double w = pages[i].Width.Point, h = pages[i].Height.Point;
                var lineY = h - FooterHeight;
                g.DrawLine(new XPen(Rule, 0.5), MarginX, lineY, w - MarginX, lineY);
                var right = $"Seite {i + 1} von {pages.Count}";
                var rightWidth = g.MeasureString(right, footer).Width;
                g.DrawString(PdfText.Ellipsize(g, left, footer, w - 2 * MarginX - rightWidth - 16), footer, new XSolidBrush(Muted), MarginX, lineY + 12);
                g.DrawString(right, footer, new XSolidBrush(Muted), w - MarginX - rightWidth, lineY + 12);
            }
        }
    }
}
