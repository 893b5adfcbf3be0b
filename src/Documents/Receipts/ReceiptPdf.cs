using FlutHilfe.Documents.Pdf;
using FlutHilfe.Domain.Receipts;
using FlutHilfe.Domain.Receipts.Issuing;
using FlutHilfe.Domain.Shared;
using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using PdfSharp.Pdf.Advanced;
using QRCoder;

namespace FlutHilfe.Documents.Receipts;

/// <summary>
/// Renders a receipt from its frozen fact, with the wording of the template version it was issued with: one A4 page
/// (a collective receipt adds its annex, over as many pages as its payments need), German, with the verification
/// link printed, clickable and as a QR code (vector squares). A copy re-renders the same fact and says so on every page.
/// Every text is measured and wrapped inside the margins, so long names, purposes or recipients never overlap; when
/// the front would not fit one page the type is set a little smaller (never below 80 %).
/// </summary>
public static class ReceiptPdf
{
    public const double PageWidth = 595;
    public const double PageHeight = 842;
    /// <summary>Margins of every page: nothing is printed outside them.</summary>
    public const double MarginLeft = 57, MarginRight = 57, MarginTop = 36, MarginBottom = 36;

    /// <param name="fallbackMachineNote">Printed when the fact predates the frozen machine note (older receipts).</param>
    public static byte[] Render(ReceiptIssued receipt, PrintedDonor? donor, string fallbackMachineNote, string verificationUrl, bool copy)
    {
        PdfFonts.EnsureRegistered();
        var template = ReceiptTemplate.For(receipt.TemplateVersion);
        using var document = new PdfDocument();
        document.Info.Title = $"{(receipt.Kind == ReceiptKind.Collective ? template.CollectiveTitle : template.Title)} Nr. {receipt.Number}";
        document.Info.Author = receipt.Issuer.Name;
        document.Language = "de-DE";

        var page = document.AddPage();
        page.Size = PageSize.A4;
        using (var gfx = XGraphics.FromPdfPage(page))
        {
            var front = new Front(gfx, page, receipt, donor, template, receipt.MachineNote ?? fallbackMachineNote, verificationUrl, copy);
            front.Draw();
        }
        if (receipt.Kind == ReceiptKind.Collective) Annex.Draw(document, receipt, template, copy);

        using var output = new MemoryStream();
        document.Save(output, false);
        return output.ToArray();
    }

    private static XFont Font(double size, XFontStyleEx style = XFontStyleEx.Regular) => PdfText.Sans(size, style);

    /// <summary>The band that marks every page of a copy.</summary>
    private static void CopyBand(XGraphics gfx, ReceiptTemplate t, double y)
    {
        gfx.DrawRectangle(new XSolidBrush(XColor.FromArgb(255, 244, 214)), MarginLeft, y, PageWidth - MarginLeft - MarginRight, 16);
        gfx.DrawString(t.CopyMarker, Font(9, XFontStyleEx.Bold), XBrushes.DarkRed, new XRect(MarginLeft, y, PageWidth - MarginLeft - MarginRight, 16), XStringFormats.Center);
    }

    private sealed class Front(XGraphics gfx, PdfPage page, ReceiptIssued r, PrintedDonor? donor, ReceiptTemplate t, string machineNote, string verificationUrl, bool copy)
    {
        private const double Left = MarginLeft;
        private const double Right = PageWidth - MarginRight;
        private const double Width = Right - Left;
        private const double QrSize = 76;
        private const double VerificationTop = PageHeight - MarginBottom - QrSize;

        private double _scale = 1;
        private bool _dry;
        private double _y;

        private XFont Small => Font(7.5 * _scale);
        private XFont Body => Font(9.5 * _scale);
        private XFont Bold => Font(9.5 * _scale, XFontStyleEx.Bold);
        private XFont TitleFont => Font(14 * _scale, XFontStyleEx.Bold);
        private XFont SignatureFont => Font(11 * _scale, XFontStyleEx.Italic);

        public void Draw()
        {
            // Measure first: shrink the type until the front ends above the verification block.
            for (_scale = 1; _scale > 0.8; _scale -= 0.05)
            {
                _dry = true;
                if (Content() <= VerificationTop - 10) break;
            }
            _dry = false;
            Content();
            Verification();
        }

        private double Content()
        {
            _y = MarginTop;
            if (copy) CopyBand();
            Paragraph(t.IssuerLabel, Small, after: 2);
            Paragraph($"{r.Issuer.Name}\n{r.Issuer.Address.Street}\n{r.Issuer.Address.PostalCode} {r.Issuer.Address.City}", Body, after: 10);
            Paragraph(r.Kind == ReceiptKind.Collective ? t.CollectiveTitle : t.Title, TitleFont, after: 2);
            Paragraph(t.SubtitlePublicBody, Body, after: 2);
            Text($"Nr. {r.Number}", Bold, Left, _y, Width, XStringFormats.TopRight);
            _y += Bold.Height + 6;

            Box(t.DonorLabel, donor is null
                ? "(Angaben zum Zuwendenden gelöscht)"
                : $"{donor.Name}\n{donor.Street}\n{donor.PostalCode} {donor.City}{(donor.Country == "DE" ? "" : "\n" + donor.Country)}");

            AmountRow();

            if (r.Kind == ReceiptKind.Single) WaiverLine();
            Paragraph($"{t.PurposeLineStart} {r.PurposeText} {t.PurposeLineEnd}", Body, after: 6);
            if (t.UseStatement(r.Use) is { } use) Paragraph(use, Body, after: 6);
            if (r.Kind == ReceiptKind.Collective)
            {
                Paragraph(t.CollectiveNoOtherReceipt, Body, after: 6);
                Paragraph(t.CollectiveWaiverLine, Body, after: 6);
            }
            if (r.ReplacesNumber is { } old) Paragraph($"Diese Bestätigung ersetzt die Zuwendungsbestätigung Nr. {old}, die storniert wurde.", Bold, after: 6);

            Signature();
            Paragraph(machineNote, Small, after: 6);
            Paragraph(t.LiabilityNote, Small, after: 0);
            return _y;
        }

        private void CopyBand()
        {
            if (!_dry) ReceiptPdf.CopyBand(gfx, t, _y);
            _y += 22;
        }

        private void Paragraph(string text, XFont font, double after)
        {
            _y = Lines(text, font, Left, _y, Width) + after;
        }

        /// <summary>Draws wrapped text into a column; returns the y below it.</summary>
        private double Lines(string text, XFont font, double x, double y, double width, XBrush? brush = null)
        {
            var lineHeight = font.GetHeight();
            foreach (var line in PdfText.Wrap(gfx, text, font, width))
            {
                Text(line, font, x, y, width, XStringFormats.TopLeft, brush);
                y += lineHeight;
            }
            return y;
        }

        private void Text(string text, XFont font, double x, double y, double width, XStringFormat format, XBrush? brush = null)
        {
            if (!_dry) gfx.DrawString(text, font, brush ?? XBrushes.Black, new XRect(x, y, width, font.GetHeight()), format);
        }

        private void Box(string label, string content)
        {
            _y = Lines(label, Small, Left, _y, Width) + 2;
            var bottom = Lines(content, Body, Left + 6, _y + 5, Width - 12);
            var height = Math.Max(bottom - _y + 5, 40 * _scale);
            if (!_dry) gfx.DrawRectangle(XPens.Black, Left, _y, Width, height);
            _y += height + 10;
        }

        /// <summary>Digits | words | date (or period): each label wraps inside its own cell, so labels never run into each other.</summary>
        private void AmountRow()
        {
            var collective = r.Kind == ReceiptKind.Collective;
            const double gap = 8;
            // The digits cell is as wide as its label needs on one line (the collective label is longer).
            var digits = Math.Min(180, Math.Max(150, gfx.MeasureString(collective ? t.CollectiveAmountDigitsLabel : t.AmountDigitsLabel, Small).Width + 2));
            var widths = new[] { digits, Width - digits - 110 - 2 * gap, 110.0 };
            var xs = new[] { Left, Left + widths[0] + gap, Left + widths[0] + gap + widths[1] + gap };
            var labels = new[] { collective ? t.CollectiveAmountDigitsLabel : t.AmountDigitsLabel, t.AmountWordsLabel, collective ? t.PeriodLabel : t.DateLabel };
            var contents = new[]
            {
                r.Amount.ToString(), r.AmountInWords,
                collective ? $"{GermanDate.Format(r.PeriodFrom!.Value)} – {GermanDate.Format(r.PeriodTo!.Value)}" : GermanDate.Format(r.DonationDate),
            };

            var labelHeight = labels.Select((l, i) => PdfText.Wrap(gfx, l, Small, widths[i]).Count * Small.GetHeight()).Max();
            var top = _y;
            for (var i = 0; i < 3; i++) Lines(labels[i], Small, xs[i], top, widths[i]);
            var boxTop = top + labelHeight + 2;
            var fonts = contents.Select((c, i) => Fitting(c, widths[i] - 8)).ToList();
            var contentHeight = contents.Select((c, i) => PdfText.Wrap(gfx, c, fonts[i], widths[i] - 8).Count * fonts[i].GetHeight()).Max();
            var boxHeight = Math.Max(contentHeight + 8, 30 * _scale);
            for (var i = 0; i < 3; i++)
            {
                if (!_dry) gfx.DrawRectangle(XPens.Black, xs[i], boxTop, widths[i], boxHeight);
                Lines(contents[i], fonts[i], xs[i] + 4, boxTop + 4, widths[i] - 8);
            }
            _y = boxTop + boxHeight + 10;
        }

        /// <summary>
        /// The body font, set a little smaller (down to 7.5 pt) when that keeps the text on one line; otherwise the
        /// largest size (down to 5.5 pt) at which its longest word fits, so the text wraps between words and German number
        /// words ("neunhundertneunundneunzigtausend…") stay whole.
        /// </summary>
        private XFont Fitting(string text, double width)
        {
            for (var size = 9.5; size >= 7.5; size -= 0.25)
            {
                var font = Font(size * _scale);
                if (gfx.MeasureString(text, font).Width <= width) return font;
            }
            var longest = text.Split(' ', '\n').MaxBy(w => w.Length) ?? text;
            for (var size = 9.5; size > 5.5; size -= 0.25)
            {
                var font = Font(size * _scale);
                if (gfx.MeasureString(longest, font).Width <= width) return font;
            }
            return Font(5.5 * _scale);
        }

        private void WaiverLine()
        {
            const double boxes = 110;
            var textBottom = Lines(t.WaiverLine, Body, Left, _y, Width - boxes);
            Checkbox(Right - boxes + 10, "Ja", r.WaiverOfReimbursement);
            Checkbox(Right - boxes + 60, "Nein", !r.WaiverOfReimbursement);
            _y = Math.Max(textBottom, _y + 12) + 8;
        }

        private void Checkbox(double x, string label, bool ticked)
        {
            var size = 9 * _scale;
            if (!_dry)
            {
                gfx.DrawRectangle(XPens.Black, x, _y + 1, size, size);
                if (ticked)
                {
                    gfx.DrawLine(XPens.Black, x + 1.5, _y + 2.5, x + size - 1.5, _y + size - 0.5);
                    gfx.DrawLine(XPens.Black, x + size - 1.5, _y + 2.5, x + 1.5, _y + size - 0.5);
                }
            }
            Text(label, Body, x + size + 4, _y, 40, XStringFormats.TopLeft);
        }

        /// <summary>Place and date, the facsimile signature and the line, all between the margins.</summary>
        private void Signature()
        {
            _y += 6;
            const double signatureX = Left + 170;
            var placeBottom = Lines($"{r.Place}, {GermanDate.Format(r.IssueDate)}", Body, Left, _y + 3, signatureX - Left - 10);
            var signatureBottom = Lines($"gez. {r.Signatory}", SignatureFont, signatureX, _y, Right - signatureX);
            _y = Math.Max(placeBottom, signatureBottom) + 2;
            if (!_dry) gfx.DrawLine(XPens.Black, Left, _y, Right, _y);
            _y += 2;
            Paragraph(t.SignatureLabel, Small, after: 6);
        }

        private void Verification()
        {
            var top = VerificationTop;
            QrSquares(gfx, verificationUrl, Left, top, QrSize);
            var textX = Left + QrSize + 12;
            var y = Lines(t.VerifyLabel, Small, textX, top + 14, Right - textX);
            var linkTop = y;
            y = Lines(verificationUrl, Small, textX, y, Right - textX, XBrushes.DarkBlue);
            // The printed link is clickable too (an absolute URL, like the QR code).
            var area = gfx.Transformer.WorldToDefaultPage(new XRect(textX, linkTop, Right - textX, y - linkTop));
            page.AddWebLink(new PdfRectangle(area), verificationUrl);
            Lines($"Zuwendungsbestätigung Nr. {r.Number} · Vorlage {r.TemplateVersion}", Small, textX, y, Right - textX);
        }
    }

    /// <summary>"Anlage zur Sammelbestätigung vom …": one line per payment, header repeated on every page, total at the end.</summary>
    private static class Annex
    {
        private const double Left = MarginLeft;
        private const double Right = PageWidth - MarginRight;
        private const double RowHeight = 14;
        private const double FooterTop = PageHeight - MarginBottom - 10;

        public static void Draw(PdfDocument document, ReceiptIssued r, ReceiptTemplate t, bool copy)
        {
            var body = Font(9.5);
            var bold = Font(9.5, XFontStyleEx.Bold);
            var small = Font(7.5);
            double[] widths = [100, 150, 150, Right - Left - 400];
            var xs = new double[4];
            for (var i = 1; i < 4; i++) xs[i] = xs[i - 1] + widths[i - 1];
            for (var i = 0; i < 4; i++) xs[i] += Left;
            string[] head = [t.AnnexDateColumn, t.AnnexKindColumn, t.AnnexWaiverColumn, t.AnnexAmountColumn];
            var title = t.AnnexTitleCarriesDate ? $"{t.AnnexTitle} vom {GermanDate.Format(r.IssueDate)}" : $"{t.AnnexTitle} Nr. {r.Number}";

            var pages = new List<PdfPage>();
            XGraphics? gfx = null;
            double y = 0;

            void NewPage()
            {
                gfx?.Dispose();
                var page = document.AddPage();
                page.Size = PageSize.A4;
                pages.Add(page);
                gfx = XGraphics.FromPdfPage(page);
                y = MarginTop;
                if (copy)
                {
                    CopyBand(gfx, t, y);
                    y += 22;
                }
                var titleFont = Font(13, XFontStyleEx.Bold);
                gfx.DrawString(title, titleFont, XBrushes.Black, new XRect(Left, y, Right - Left, titleFont.GetHeight()), XStringFormats.TopLeft);
                y += titleFont.GetHeight() + 2;
                var subtitle = $"zur Sammelbestätigung Nr. {r.Number} · {t.PeriodLabel} {GermanDate.Format(r.PeriodFrom!.Value)} – {GermanDate.Format(r.PeriodTo!.Value)}";
                foreach (var line in PdfText.Wrap(gfx, subtitle, body, Right - Left))
                {
                    gfx.DrawString(line, body, XBrushes.Black, new XRect(Left, y, Right - Left, body.GetHeight()), XStringFormats.TopLeft);
                    y += body.GetHeight();
                }
                y += 10;
                var headLines = head.Select((h, i) => PdfText.Wrap(gfx, h, bold, widths[i] - 6)).ToList();
                for (var i = 0; i < 4; i++)
                {
                    var ly = y;
                    foreach (var line in headLines[i])
                    {
                        gfx.DrawString(line, bold, XBrushes.Black, new XRect(xs[i], ly, widths[i] - 6, bold.GetHeight()), i == 3 ? XStringFormats.TopRight : XStringFormats.TopLeft);
                        ly += bold.GetHeight();
                    }
                }
                y += headLines.Max(l => l.Count) * bold.GetHeight() + 3;
                gfx.DrawLine(XPens.Black, Left, y, Right, y);
                y += 4;
            }

            NewPage();
            foreach (var line in r.Lines)
            {
                if (y + RowHeight > FooterTop - RowHeight * 2) NewPage();
                Row(gfx!, y, [GermanDate.Format(line.Date), t.AnnexKind, r.WaiverOfReimbursement ? "ja" : "nein", line.Amount.ToString()], body);
                y += RowHeight;
            }
            gfx!.DrawLine(XPens.Black, Left, y, Right, y);
            y += 4;
            var total = r.Lines.Aggregate(Money.Zero, (s, l) => s + l.Amount);
            Invariant.That(total == r.Amount, "The annex adds up to the collective receipt.");
            Row(gfx, y, [t.AnnexTotal, "", "", total.ToString()], bold);
            gfx.Dispose();

            for (var i = 0; i < pages.Count; i++)
            {
                using var g = XGraphics.FromPdfPage(pages[i], XGraphicsPdfPageOptions.Append);
                var footer = $"{title} · Nr. {r.Number} · Seite {i + 1} von {pages.Count}";
                g.DrawString(footer, small, XBrushes.Black, new XRect(Left, FooterTop, Right - Left, small.GetHeight()), XStringFormats.TopRight);
            }

            void Row(XGraphics g, double top, string[] cells, XFont font)
            {
                for (var i = 0; i < 4; i++)
                {
                    g.DrawString(cells[i], font, XBrushes.Black, new XRect(xs[i], top, widths[i] - 6, font.GetHeight()), i == 3 ? XStringFormats.TopRight : XStringFormats.TopLeft);
                }
            }
        }
    }

    /// <summary>The QR code as filled squares, error correction M (PDFsharp cannot embed 1-bit PNGs).</summary>
    private static void QrSquares(XGraphics gfx, string text, double x, double y, double size)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        var modules = data.ModuleMatrix;
        var module = size / modules.Count;
        for (var row = 0; row < modules.Count; row++)
        {
            for (var col = 0; col < modules[row].Count; col++)
            {
                if (modules[row][col]) gfx.DrawRectangle(XBrushes.Black, x + col * module, y + row * module, module + 0.05, module + 0.05);
            }
        }
    }
}
