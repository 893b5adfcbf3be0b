using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace FlutHilfe.Documents.Pdf;

/// <summary>
/// What every multi-page A4 document we print shares (proof of use, year-end report): the current page and the pen's
/// vertical position, a new page when the next block does not fit, the document's properties, and a footer line with
/// "Seite i von N" on every page, drawn once the number of pages is known. The documents draw their own blocks.
/// </summary>
internal abstract class PagedPdfWriter(PageOrientation orientation, double marginX, double marginTop, double footerHeight)
{
    private static readonly XColor FooterRule = XColor.FromArgb(190, 190, 190);
    private readonly XFont footerFont = PdfText.Sans(7.5, XFontStyleEx.Regular);

    private readonly PdfDocument pdf = new();
    private readonly List<PdfPage> pages = [];
    private XGraphics? gfx;

    /// <summary>Where the next block starts on the current page (points from the top).</summary>
    protected double y;

    protected double MarginX => marginX;
    protected XGraphics G => gfx ?? throw new InvalidOperationException("No page.");
    protected double PageWidth => pages[^1].Width.Point;
    protected double ContentWidth => PageWidth - 2 * marginX;
    protected double ContentBottom => pages[^1].Height.Point - footerHeight - 8;

    /// <summary>Draws the document's blocks, starting on the first page.</summary>
    protected abstract void DrawBody();

    /// <summary>The footer's left text (the right one is "Seite i von N").</summary>
    protected abstract string FooterText { get; }

    /// <summary>The footer's text colour.</summary>
    protected abstract XColor FooterInk { get; }

    /// <summary>The whole document: properties, blocks, footers; the PDF's bytes.</summary>
    protected byte[] Write(string title, string author, string? subject, DateTimeOffset created)
    {
        pdf.Info.Title = title;
        pdf.Info.Author = author;
        if (subject is not null) pdf.Info.Subject = subject;
        pdf.Info.Creator = "FlutHilfe";
        pdf.Info.CreationDate = created.UtcDateTime;
        pdf.Language = "de-DE";

        NewPage();
        DrawBody();
        gfx?.Dispose();
        gfx = null;
        DrawFooters();

        using var stream = new MemoryStream();
        pdf.Save(stream, false);
        return stream.ToArray();
    }

    protected virtual void NewPage()
    {
        gfx?.Dispose();
        var page = pdf.AddPage();
        page.Size = PageSize.A4;
        page.Orientation = orientation;
        pages.Add(page);
        gfx = XGraphics.FromPdfPage(page);
        y = marginTop;
    }

    /// <summary>A new page unless a block of this height still fits on the current one.</summary>
    protected void Ensure(double height)
    {
        if (y + height > ContentBottom) NewPage();
    }

    private void DrawFooters()
    {
        var left = FooterText;
        for (var i = 0; i < pages.Count; i++)
        {
            using var g = XGraphics.FromPdfPage(pages[i], XGraphicsPdfPageOptions.Append);
            double w = pages[i].Width.Point, h = pages[i].Height.Point;
            var lineY = h - footerHeight;
            g.DrawLine(new XPen(FooterRule, 0.5), marginX, lineY, w - marginX, lineY);
            var right = $"Seite {i + 1} von {pages.Count}";
            var rightWidth = g.MeasureString(right, footerFont).Width;
            var baseline = lineY + 12;
            g.DrawString(PdfText.Ellipsize(g, left, footerFont, w - 2 * marginX - rightWidth - 16), footerFont, new XSolidBrush(FooterInk), marginX, baseline);
            g.DrawString(right, footerFont, new XSolidBrush(FooterInk), w - marginX - rightWidth, baseline);
        }
    }
}
