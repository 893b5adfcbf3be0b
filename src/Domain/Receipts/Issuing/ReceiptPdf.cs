using System.Globalization;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Domain.Shared.Documents;
using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Drawing.Layout;
using PdfSharp.Pdf;
using QRCoder;

namespace FlutHilfe.Domain.Receipts.Issuing;

/// <summary>
/// Renders a receipt from its frozen fact: one A4 page (a collective receipt adds its annex), German, with a
/// verification QR code drawn as vector squares. A copy re-renders the same fact and says so on the page.
/// </summary>
public static class ReceiptPdf
{
    private static readonly CultureInfo German = CultureInfo.GetCultureInfo("de-DE");

    public static byte[] Render(ReceiptIssued receipt, PrintedDonor? donor, ReceiptTemplate template, string machineNote, string verificationUrl, bool copy)
    {
        PdfFonts.EnsureRegistered();
        using var document = new PdfDocument();
        document.Info.Title = $"{(receipt.Kind == ReceiptKind.Collective ? template.CollectiveTitle : template.Title)} Nr. {receipt.Number}";
        document.Info.Author = receipt.Issuer.Name;

        var page = document.AddPage();
        page.Size = PageSize.A4;
        using (var gfx = XGraphics.FromPdfPage(page)) new Front(gfx, receipt, donor, template, machineNote, verificationUrl, copy).Draw();
        if (receipt.Kind == ReceiptKind.Collective)
        {
            var annex = document.AddPage();
            annex.Size = PageSize.A4;
            using var gfx = XGraphics.FromPdfPage(annex);
            DrawAnnex(gfx, receipt, template, copy);
        }

        using var output = new MemoryStream();
        document.Save(output, false);
        return output.ToArray();
    }

    public static string Date(DateOnly date) => date.ToString("dd.MM.yyyy", German);

    private sealed class Front(XGraphics gfx, ReceiptIssued r, PrintedDonor? donor, ReceiptTemplate t, string machineNote, string verificationUrl, bool copy)
    {
        private const double Left = 57;
        private const double Width = 481;
        private readonly XFont _small = new(PdfFonts.Sans, 7.5);
        private readonly XFont _body = new(PdfFonts.Sans, 9.5);
        private readonly XFont _bold = new(PdfFonts.Sans, 9.5, XFontStyleEx.Bold);
        private readonly XFont _title = new(PdfFonts.Sans, 14, XFontStyleEx.Bold);
        private readonly XTextFormatter _text = new(gfx);
        private double _y = 45;

        public void Draw()
        {
            if (copy) Copy();
            Paragraph(t.IssuerLabel, _small, 10);
            Paragraph($"{r.Issuer.Name}\n{r.Issuer.Address.Street}\n{r.Issuer.Address.PostalCode} {r.Issuer.Address.City}", _body, 40);
            _y += 6;
            Paragraph(r.Kind == ReceiptKind.Collective ? t.CollectiveTitle : t.Title, _title, 20);
            Paragraph(t.SubtitlePublicBody, _body, 26);
            gfx.DrawString($"Nr. {r.Number}", _bold, XBrushes.Black, new XRect(Left, _y, Width, 12), XStringFormats.TopRight);
            _y += 16;

            Box(t.DonorLabel, donor is null
                ? "(Angaben zum Zuwendenden gelöscht)"
                : $"{donor.Name}\n{donor.Street}\n{donor.PostalCode} {donor.City}{(donor.Country == "DE" ? "" : "\n" + donor.Country)}", 62);

            // Digits | words | date: the words get the most room, and shrink to fit (German number words are long).
            var rowTop = _y;
            Cell(Left, rowTop, 150, r.Kind == ReceiptKind.Collective ? t.CollectiveAmountDigitsLabel : t.AmountDigitsLabel, r.Amount.ToString());
            Cell(Left + 156, rowTop, 205, t.AmountWordsLabel, r.AmountInWords);
            Cell(Left + 367, rowTop, Width - 367, r.Kind == ReceiptKind.Collective ? t.PeriodLabel : t.DateLabel,
                r.Kind == ReceiptKind.Collective ? $"{Date(r.PeriodFrom!.Value)} – {Date(r.PeriodTo!.Value)}" : Date(r.DonationDate));
            _y = rowTop + 52;

            if (r.Kind == ReceiptKind.Collective)
            {
                Paragraph(t.CollectiveWaiverLine, _body, 26);
            }
            else
            {
                gfx.DrawString(t.WaiverLine, _body, XBrushes.Black, Left, _y + 9);
                Checkbox(Left + 360, "Ja", r.WaiverOfReimbursement);
                Checkbox(Left + 420, "Nein", !r.WaiverOfReimbursement);
                _y += 22;
            }

            Paragraph($"{t.PurposeLineStart} {r.PurposeText} {t.PurposeLineEnd}", _body, 40);
            if (r.Kind == ReceiptKind.Collective) Paragraph(t.CollectiveNoOtherReceipt, _body, 40);
            if (r.ReplacesNumber is { } old) Paragraph($"Diese Bestätigung ersetzt die Zuwendungsbestätigung Nr. {old}, die storniert wurde.", _bold, 16);

            _y += 8;
            gfx.DrawString($"{r.Place}, {Date(r.IssueDate)}", _body, XBrushes.Black, Left, _y + 9);
            gfx.DrawString($"gez. {r.Signatory}", new XFont(PdfFonts.Sans, 11, XFontStyleEx.Italic), XBrushes.Black, Left + 200, _y + 9);
            _y += 16;
            gfx.DrawLine(XPens.Black, Left, _y, Left + Width, _y);
            _y += 2;
            Paragraph(t.SignatureLabel, _small, 14);
            Paragraph(machineNote, _small, 22);

            _y += 6;
            Paragraph(t.LiabilityNote, _small, 34);
            Verification();
        }

        private void Copy()
        {
            var font = new XFont(PdfFonts.Sans, 9, XFontStyleEx.Bold);
            gfx.DrawRectangle(new XSolidBrush(XColor.FromArgb(255, 244, 214)), Left, 20, Width, 16);
            gfx.DrawString(t.CopyMarker, font, XBrushes.DarkRed, new XRect(Left, 20, Width, 16), XStringFormats.Center);
        }

        private void Verification()
        {
            const double size = 80;
            var top = 842 - 45 - size;
            QrSquares(gfx, verificationUrl, Left, top, size);
            _text.DrawString($"{t.VerifyLabel}\n{verificationUrl}\nZuwendungsbestätigung Nr. {r.Number} · Vorlage {r.TemplateVersion}",
                _small, XBrushes.Black, new XRect(Left + size + 12, top + 18, Width - size - 12, 50));
        }

        private void Paragraph(string text, XFont font, double height)
        {
            _text.DrawString(text, font, XBrushes.Black, new XRect(Left, _y, Width, height));
            _y += height;
        }

        private void Box(string label, string content, double height)
        {
            gfx.DrawString(label, _small, XBrushes.Black, Left, _y + 7);
            _y += 10;
            gfx.DrawRectangle(XPens.Black, Left, _y, Width, height);
            _text.DrawString(content, _body, XBrushes.Black, new XRect(Left + 6, _y + 5, Width - 12, height - 8));
            _y += height + 10;
        }

        private void Cell(double x, double y, double width, string label, string content)
        {
            gfx.DrawString(label, _small, XBrushes.Black, x, y + 7);
            gfx.DrawRectangle(XPens.Black, x, y + 10, width, 36);
            _text.DrawString(content, Fitting(content, width - 8), XBrushes.Black, new XRect(x + 4, y + 14, width - 8, 30));
        }

        /// <summary>
        /// The body font, shrunk a little so the whole text fits on one line (down to 7.5 pt); otherwise shrunk
        /// until the longest word fits (never below 5 pt) and the text wraps.
        /// </summary>
        private XFont Fitting(string content, double width)
        {
            for (var size = 9.5; size >= 7.5; size -= 0.5)
            {
                var font = new XFont(PdfFonts.Sans, size);
                if (gfx.MeasureString(content, font).Width <= width) return font;
            }
            var longest = content.Split(' ', '\n').OrderByDescending(w => w.Length).First();
            for (var size = 9.5; size > 5; size -= 0.5)
            {
                var font = new XFont(PdfFonts.Sans, size);
                if (gfx.MeasureString(longest, font).Width <= width) return font;
            }
            return new XFont(PdfFonts.Sans, 5);
        }

        private void Checkbox(double x, string label, bool ticked)
        {
            gfx.DrawRectangle(XPens.Black, x, _y + 1, 9, 9);
            if (ticked)
            {
                gfx.DrawLine(XPens.Black, x + 1.5, _y + 2.5, x + 7.5, _y + 8.5);
                gfx.DrawLine(XPens.Black, x + 7.5, _y + 2.5, x + 1.5, _y + 8.5);
            }
            gfx.DrawString(label, _body, XBrushes.Black, x + 13, _y + 9);
        }
    }

    private static void DrawAnnex(XGraphics gfx, ReceiptIssued r, ReceiptTemplate t, bool copy)
    {
        const double left = 57, width = 481;
        var body = new XFont(PdfFonts.Sans, 9.5);
        var bold = new XFont(PdfFonts.Sans, 9.5, XFontStyleEx.Bold);
        double y = 50;
        if (copy) gfx.DrawString(t.CopyMarker, bold, XBrushes.DarkRed, left, 35);
        gfx.DrawString($"{t.AnnexTitle} Nr. {r.Number}", new XFont(PdfFonts.Sans, 13, XFontStyleEx.Bold), XBrushes.Black, left, y);
        y += 18;
        gfx.DrawString($"{t.PeriodLabel} {Date(r.PeriodFrom!.Value)} – {Date(r.PeriodTo!.Value)}", body, XBrushes.Black, left, y);
        y += 22;
        double[] x = [left, left + 90, left + 220, left + 400];
        string[] head = ["Datum der Zuwendung", "Art der Zuwendung", "Verzicht auf die Erstattung von Aufwendungen (ja/nein)", "Betrag"];
        var formatter = new XTextFormatter(gfx);
        for (var i = 0; i < head.Length; i++) formatter.DrawString(head[i], bold, XBrushes.Black, new XRect(x[i], y, i == 2 ? 170 : 120, 26));
        y += 28;
        gfx.DrawLine(XPens.Black, left, y, left + width, y);
        y += 4;
        foreach (var line in r.Lines)
        {
            gfx.DrawString(Date(line.Date), body, XBrushes.Black, x[0], y + 9);
            gfx.DrawString("Geldzuwendung", body, XBrushes.Black, x[1], y + 9);
            gfx.DrawString("nein", body, XBrushes.Black, x[2], y + 9);
            gfx.DrawString(line.Amount.ToString(), body, XBrushes.Black, new XRect(x[3], y, left + width - x[3], 12), XStringFormats.TopRight);
            y += 14;
        }
        gfx.DrawLine(XPens.Black, left, y, left + width, y);
        y += 4;
        var total = r.Lines.Aggregate(Money.Zero, (s, l) => s + l.Amount);
        Invariant.That(total == r.Amount, "The annex adds up to the collective receipt.");
        gfx.DrawString("Gesamtsumme", bold, XBrushes.Black, x[0], y + 9);
        gfx.DrawString(total.ToString(), bold, XBrushes.Black, new XRect(x[3], y, left + width - x[3], 12), XStringFormats.TopRight);
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
