using System.Text.RegularExpressions;
using FlutHilfe.Documents.Calendar;
using FlutHilfe.Documents.Pdf;
using FlutHilfe.Domain.Shared;
using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace FlutHilfe.Documents.ProofOfUse;

/// <summary>
/// The proof of use as a German A4 PDF: title, header block, flags (overdue, money unused after the
/// deadline, voucher sum not matching), part 1 "Sachbericht", part 2 "Zahlenmäßiger Nachweis" with the
/// figures and the Belegliste (header row repeated on every page), and "Seite i von N" on each page.
/// Fonts: DejaVu Sans / DejaVu Sans Mono via the shared <see cref="PdfFonts"/> resolver (Debian fonts-dejavu-core).
/// </summary>
public static partial class ProofOfUsePdf
{
    public const string ContentType = "application/pdf";
    public const string Title = "Verwendungsnachweis";
    public const string OverduePrefix = "Frist überschritten:";

    public static byte[] Render(ProofOfUseDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        PdfFonts.EnsureRegistered();
        return new Writer(document).Run();
    }

    private enum Align { Left, Right }

    private sealed record Column(string Header, double Width, Align Align, bool Mono, int MaxLines);

    private sealed partial class Writer(ProofOfUseDocument doc) : PagedPdfWriter(PageOrientation.Portrait, marginX: 36, marginTop: 42, footerHeight: 40)
    {
        private const double CellPadX = 2;
        private const double CellPadY = 2.5;
        private const double TableLine = 7.9;

        private static readonly XColor Ink = XColor.FromArgb(20, 20, 20);
        private static readonly XColor Muted = XColor.FromArgb(110, 110, 110);
        private static readonly XColor Alert = XColor.FromArgb(160, 20, 20);
        private static readonly XColor AlertFill = XColor.FromArgb(253, 232, 232);
        private static readonly XColor Warn = XColor.FromArgb(130, 80, 0);
        private static readonly XColor WarnFill = XColor.FromArgb(255, 244, 214);
        private static readonly XColor HeaderFill = XColor.FromArgb(228, 231, 236);
        private static readonly XColor Rule = XColor.FromArgb(190, 190, 190);

        // Lfd. Nr.;Datum;Zahlungsempfänger;Zweck/Begründung;Verwendungszweck;Betrag (EUR);Belegnummer;Einrichtung;SHA-256 des Belegs;Hinweis
        // Widths of the fixed-content columns are measured (date, amount, 16 hex digits, hints); the free-text
        // columns share the rest by weight. The hash column holds 64 hex digits as 4 lines of 16 (monospaced).
        private static readonly (string Header, double Weight, Align Align, bool Mono, int MaxLines)[] ColumnSpecs =
        [
            ("Lfd.\nNr.", 0, Align.Right, false, 1),
            ("Datum", 0, Align.Left, false, 1),
            ("Zahlungs-\nempfänger", 0.22, Align.Left, false, 4),
            ("Zweck/\nBegründung", 0.25, Align.Left, false, 4),
            ("Verwen-\ndungszweck", 0.19, Align.Left, false, 4),
            ("Betrag\n(EUR)", 0, Align.Right, false, 1),
            ("Beleg-\nnummer", 0.18, Align.Left, false, 4),
            ("Einrich-\ntung", 0.16, Align.Left, false, 4),
            ("SHA-256\ndes Belegs", 0, Align.Left, true, 4),
            ("Hinweis", 0, Align.Left, false, 4),
        ];

        private Column[] columns = [];

        private readonly XFont title = PdfText.Sans(20, XFontStyleEx.Bold);
        private readonly XFont subtitle = PdfText.Sans(11, XFontStyleEx.Regular);
        private readonly XFont h1 = PdfText.Sans(13, XFontStyleEx.Bold);
        private readonly XFont h2 = PdfText.Sans(11, XFontStyleEx.Bold);
        private readonly XFont body = PdfText.Sans(10, XFontStyleEx.Regular);
        private readonly XFont bodyBold = PdfText.Sans(10, XFontStyleEx.Bold);
        private readonly XFont label = PdfText.Sans(9, XFontStyleEx.Bold);
        private readonly XFont value = PdfText.Sans(9, XFontStyleEx.Regular);
        private readonly XFont cell = PdfText.Sans(6.5, XFontStyleEx.Regular);
        private readonly XFont cellBold = PdfText.Sans(6.5, XFontStyleEx.Bold);
        private readonly XFont cellStrike = PdfText.Sans(6.5, XFontStyleEx.Strikeout);
        private readonly XFont cellMono = PdfText.Mono(5.4, XFontStyleEx.Regular);
        private readonly XFont signatureNote = PdfText.Sans(7.5, XFontStyleEx.Regular);

        public byte[] Run() => Write($"{Title} – {doc.MunicipalityName} – {doc.AppealTitle}", doc.IssuerName,
            $"Verwendungsnachweis der Zuweisung {doc.AllocationId}", doc.GeneratedAt);

        protected override void DrawBody()
        {
            DrawTitle();
            DrawFlags();
            DrawHeaderBlock();
            DrawNarrative();
            DrawFigures();
            DrawVoucherTable();
            DrawDeclaration();
        }

        protected override string FooterText => $"{Title} · {doc.MunicipalityName} · {doc.AppealTitle} · Stand: {GermanCalendar.DateTime(doc.GeneratedAt)}";

        protected override XColor FooterInk => Muted;

        // ---------------------------------------------------------------- blocks

        private void DrawTitle()
        {
            y += title.Height * 0.8;
            G.DrawString(Title, title, new XSolidBrush(Ink), MarginX, y);
            y += 8;
            foreach (string line in Wrap(doc.AppealTitle, subtitle, ContentWidth))
            {
                y += subtitle.Height;
                G.DrawString(line, subtitle, new XSolidBrush(Ink), MarginX, y);
            }

            y += 14;
        }

        private void DrawFlags()
        {
            if (doc.IsOverdue)
            {
                var submitted = doc.SubmittedAt is { } at && doc.Status is "eingereicht" or "angenommen" && GermanCalendar.Day(at) > doc.Deadline
                    ? $" und wurde erst am {GermanDate.Format(GermanCalendar.Day(at))} eingereicht"
                    : "";
                Banner($"{OverduePrefix} Der Verwendungsnachweis war bis zum {GermanDate.Format(doc.Deadline)} vorzulegen{submitted} " +
                       $"(Status: {ProofOfUseText.StatusLabel(doc.Status)}).", Alert, AlertFill);
            }

            if (ProofOfUseText.ReferenceDate(doc) > doc.Deadline && doc.Open.IsPositive)
            {
                Banner($"Mittel nicht innerhalb der Frist verwendet: {ProofOfUseText.Euro(doc.Open)} sind nach Ablauf der Frist " +
                       $"am {GermanDate.Format(doc.Deadline)} weder nachgewiesen noch zurückgezahlt.", Warn, WarnFill);
            }
        }

        private void Banner(string text, XColor ink, XColor fill)
        {
            const double pad = 6;
            List<string> lines = Wrap(text, bodyBold, ContentWidth - 2 * pad);
            double lineHeight = bodyBold.Height;
            double height = lines.Count * lineHeight + 2 * pad;
            Ensure(height + 6);
            G.DrawRectangle(new XPen(ink, 0.8), new XSolidBrush(fill), MarginX, y, ContentWidth, height);
            double baseline = y + pad + lineHeight * 0.8;
            foreach (string line in lines)
            {
                G.DrawString(line, bodyBold, new XSolidBrush(ink), MarginX + pad, baseline);
                baseline += lineHeight;
            }

            y += height + 8;
        }

        private void DrawHeaderBlock()
        {
            var rows = new List<(string Label, string Value)>
            {
                ("Zuwendungsgeber", doc.IssuerName),
                ("Spendenaufruf", doc.AppealTitle),
                ("Zuwendungsempfänger", $"{doc.MunicipalityName} ({doc.MunicipalityId})"),
                ("Verwendungszweck", string.IsNullOrWhiteSpace(doc.PurposeName) ? "ohne Zweckbindung" : doc.PurposeName),
                ("Zuweisung", doc.AllocationId.ToString()),
                ("Bewilligung", $"{doc.DecisionReference} vom {GermanDate.Format(doc.DecidedOn)}"),
                ("Nachweisfrist", GermanDate.Format(doc.Deadline) + (doc.IsOverdue ? " (überschritten)" : "")),
                ("Status", ProofOfUseText.StatusLabel(doc.Status)),
            };
            if (doc.SubmittedAt is { } submitted)
                rows.Add(("Eingereicht am", GermanCalendar.DateTime(submitted)));
            if (!string.IsNullOrWhiteSpace(doc.ReviewRemarks))
                rows.Add(("Prüfvermerk", doc.ReviewRemarks));
            rows.Add(("Stand", GermanCalendar.DateTime(doc.GeneratedAt)));
            if (doc.AsOf is { } asOf)
                rows.Add(("Datenstand", $"Stand zum {GermanCalendar.DateTime(asOf)} (historische Ansicht)"));

            const double labelWidth = 130;
            double lineHeight = value.Height * 1.05;
            foreach ((string l, string v) in rows)
            {
                List<string> lines = Wrap(v, value, ContentWidth - labelWidth);
                Ensure(lines.Count * lineHeight);
                double baseline = y + lineHeight * 0.8;
                G.DrawString(l + ":", label, new XSolidBrush(Ink), MarginX, baseline);
                foreach (string line in lines)
                {
                    G.DrawString(line, value, new XSolidBrush(Ink), MarginX + labelWidth, baseline);
                    baseline += lineHeight;
                }

                y += lines.Count * lineHeight + 1.5;
            }

            y += 12;
        }

        private void Heading(string text, XFont font, double keepWithNext)
        {
            Ensure(font.Height * 1.6 + keepWithNext);
            y += font.Height;
            G.DrawString(text, font, new XSolidBrush(Ink), MarginX, y);
            y += font.Height * 0.6;
        }

        private void DrawNarrative()
        {
            Heading("1. Sachbericht", h1, body.Height * 2);
            if (string.IsNullOrWhiteSpace(doc.NarrativeReport))
            {
                Paragraph("Ein Sachbericht liegt noch nicht vor.", Muted);
            }
            else
            {
                foreach (string paragraph in ParagraphSplit().Split(PdfText.Normalize(doc.NarrativeReport)))
                {
                    if (!string.IsNullOrWhiteSpace(paragraph))
                        Paragraph(paragraph.Trim('\n'), Ink);
                }
            }

            y += 10;
        }

        private void Paragraph(string text, XColor color)
        {
            double lineHeight = body.Height * 1.2;
            foreach (string line in Wrap(text, body, ContentWidth))
            {
                Ensure(lineHeight);
                G.DrawString(line, body, new XSolidBrush(color), MarginX, y + lineHeight * 0.8);
                y += lineHeight;
            }

            y += lineHeight * 0.5;
        }

        private void DrawFigures()
        {
            Heading("2. Zahlenmäßiger Nachweis", h1, body.Height * 8);
            Money sum = ProofOfUseText.SumCounted(doc);
            var figures = new (string Label, Money Amount, bool Bold)[]
            {
                ("Zugewiesen", doc.Allocated, false),
                ("Ausgezahlt", doc.Disbursed, false),
                ("Verausgabt (belegt)", doc.Spent, false),
                ("Nicht verwendet zurückgezahlt", doc.ReturnedUnused, false),
                ("Offen", doc.Open, true),
            };
            const double tableWidth = 300;
            double lineHeight = body.Height * 1.3;
            foreach ((string l, Money amount, bool bold) in figures)
            {
                Ensure(lineHeight);
                XFont f = bold ? bodyBold : body;
                double baseline = y + lineHeight * 0.75;
                G.DrawString(l, f, new XSolidBrush(Ink), MarginX, baseline);
                string text = ProofOfUseText.Euro(amount);
                G.DrawString(text, f, new XSolidBrush(Ink), MarginX + tableWidth - G.MeasureString(text, f).Width, baseline);
                y += lineHeight;
                G.DrawLine(new XPen(Rule, 0.4), MarginX, y - 2, MarginX + tableWidth, y - 2);
            }

            y += 6;
            int withdrawn = doc.Vouchers.Count(v => v.Withdrawn);
            int noDocument = doc.Vouchers.Count(v => !v.Withdrawn && !v.HasDocument);
            int beforeDecision = doc.Vouchers.Count(v => !v.Withdrawn && v.BeforeDecision);
            int prefinanced = doc.Vouchers.Count(v => !v.Withdrawn && v.Prefinanced);
            Paragraph($"Belege: {doc.Vouchers.Count} Posten, davon {noDocument} ohne Beleg und " +
                      $"{withdrawn} zurückgezogen (nicht summiert)." +
                      (beforeDecision > 0 ? $" {beforeDecision} Posten {(beforeDecision == 1 ? "ist" : "sind")} vor der Bewilligung vom {GermanDate.Format(doc.DecidedOn)} datiert (Hinweis „{ProofOfUseText.HintBeforeDecision}“)." : "") +
                      (prefinanced > 0 ? $" {prefinanced} Posten {(prefinanced == 1 ? "wurde" : "wurden")} vor der Auszahlung gemeldet und von der Kommune vorfinanziert (Hinweis „{ProofOfUseText.HintPrefinanced}“)." : ""), Ink);
            if (sum != doc.Spent)
            {
                Banner($"Abweichung: Die Summe der Belege ({ProofOfUseText.Euro(sum)}) entspricht nicht dem verausgabten " +
                       $"Betrag ({ProofOfUseText.Euro(doc.Spent)}).", Alert, AlertFill);
            }
        }

        // ---------------------------------------------------------------- Belegliste

        private void DrawVoucherTable()
        {
            double headerHeight = 2 * TableLine + 2 * CellPadY;
            columns = LayoutColumns();
            Heading("Belegliste", h2, headerHeight + 4 * TableLine + 2 * CellPadY);
            DrawTableHeader();

            foreach (VoucherLine v in ProofOfUseText.Ordered(doc))
            {
                string hash = v.HasDocument ? v.DocumentSha256!.Trim() : "–";
                string[] texts =
                [
                    v.Position.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    GermanDate.Format(v.Date),
                    v.Payee,
                    v.Reason,
                    v.PurposeName,
                    ProofOfUseText.EuroNoSign(v.Amount),
                    v.VoucherNumber,
                    v.Facility ?? "",
                    hash,
                    ProofOfUseText.Hint(v).Replace(", ", ",\n", StringComparison.Ordinal),
                ];
                XColor color = v.Withdrawn ? Muted : Ink;
                var cells = new List<(List<string> Lines, XFont Font, XColor Color)>(columns.Length);
                for (int c = 0; c < columns.Length; c++)
                {
                    Column col = columns[c];
                    XFont font = col.Mono ? cellMono : c == 5 && v.Withdrawn ? cellStrike : c == 9 && !v.HasDocument && !v.Withdrawn ? cellBold : cell;
                    XColor cellColor = c == 9 && !v.HasDocument && !v.Withdrawn ? Alert : color;
                    cells.Add((Wrap(texts[c], font, col.Width - 2 * CellPadX, col.MaxLines), font, cellColor));
                }

                double height = cells.Max(x => x.Lines.Count) * TableLine + 2 * CellPadY;
                if (y + height > ContentBottom)
                {
                    NewPage();
                    DrawTableHeader();
                }

                DrawRow(cells, height, fill: null);
            }

            // Sum line, spanning the columns before the amount.
            string sumLabel = doc.Vouchers.Any(v => v.Withdrawn) ? "Summe (ohne zurückgezogene Posten)" : "Summe";
            double rowHeight = TableLine + 2 * CellPadY;
            if (y + rowHeight > ContentBottom)
            {
                NewPage();
                DrawTableHeader();
            }

            double spanWidth = columns.Take(5).Sum(c => c.Width);
            G.DrawRectangle(new XSolidBrush(HeaderFill), MarginX, y, columns.Sum(c => c.Width), rowHeight);
            double baseline = y + CellPadY + TableLine * 0.8;
            G.DrawString(sumLabel, cellBold, new XSolidBrush(Ink), MarginX + CellPadX, baseline);
            string sum = ProofOfUseText.EuroNoSign(ProofOfUseText.SumCounted(doc));
            G.DrawString(sum, cellBold, new XSolidBrush(Ink),
                MarginX + spanWidth + columns[5].Width - CellPadX - G.MeasureString(sum, cellBold).Width, baseline);
            y += rowHeight;
            if (doc.Vouchers.Count == 0)
            {
                y += 6;
                Paragraph("Es sind keine Belege erfasst.", Muted);
            }
        }

        private Column[] LayoutColumns()
        {
            double Fit(params IEnumerable<string> texts) =>
                texts.Max(t => t.Split('\n').Max(part => Math.Max(Width(part, cell), Width(part, cellBold)))) + 2 * CellPadX + 0.5;

            string maxPosition = doc.Vouchers.Count == 0 ? "0" : doc.Vouchers.Max(v => v.Position).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var fixedWidths = new Dictionary<int, double>
            {
                [0] = Fit(maxPosition, "Lfd.", "Nr."),
                [1] = Fit("00.00.0000"),
                [5] = Fit([.. doc.Vouchers.Select(v => ProofOfUseText.EuroNoSign(v.Amount)), ProofOfUseText.EuroNoSign(ProofOfUseText.SumCounted(doc)), "Betrag", "(EUR)"]),
                [8] = Math.Max(Width(new string('0', 16), cellMono) + 2 * CellPadX + 0.5, Fit("SHA-256", "des Belegs")),
                // One hint per line ("vor Bewilligung" stays together).
                [9] = Fit([.. ProofOfUseText.AllHints.Select(h => h + ","), "Hinweis"]),
            };
            double rest = ContentWidth - fixedWidths.Values.Sum();
            var widths = FreeWidths(rest, fixedWidths.Keys.ToHashSet());
            return
            [
                .. ColumnSpecs.Select((spec, i) => new Column(
                    spec.Header, fixedWidths.TryGetValue(i, out double w) ? w : widths[i], spec.Align, spec.Mono, spec.MaxLines)),
            ];
        }

        /// <summary>
        /// Shares <paramref name="rest"/> among the free-text columns by weight, but never narrower than their longest word
        /// (so "Arbeitsmaterialien" is never cut): columns that need more than their share get their minimum, the others
        /// share what is left, by weight. A word longer than 40 % of the room is broken rather than starving the others.
        /// </summary>
        private Dictionary<int, double> FreeWidths(double rest, HashSet<int> fixedColumns)
        {
            string[] CellTexts(VoucherLine v) =>
                ["", "", v.Payee, v.Reason, v.PurposeName, "", v.VoucherNumber, v.Facility ?? "", "", ""];
            var free = Enumerable.Range(0, ColumnSpecs.Length).Where(i => !fixedColumns.Contains(i)).ToList();
            var minimum = free.ToDictionary(i => i, i =>
            {
                var words = doc.Vouchers.SelectMany(v => PdfText.Normalize(CellTexts(v)[i]).Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries))
                    .Select(word => Width(word, cell))
                    .Concat(ColumnSpecs[i].Header.Split('\n').Select(part => Width(part, cellBold)));
                return words.DefaultIfEmpty(0).Max() + 2 * CellPadX + 0.5;
            });
            // When the longest words do not all fit, the columns with the longest words give way first (their words
            // break); every other column keeps its longest word whole.
            while (minimum.Values.Sum() > rest + 0.01)
            {
                double top = minimum.Values.Max();
                var widest = minimum.Where(m => m.Value >= top - 0.01).Select(m => m.Key).ToList();
                double next = minimum.Values.Where(v => v < top - 0.01).DefaultIfEmpty(0).Max();
                double target = Math.Max(next, top - (minimum.Values.Sum() - rest) / widest.Count);
                foreach (int i in widest) minimum[i] = target;
                if (target <= 0) break;
            }
            var widths = new Dictionary<int, double>();
            var open = free.ToList();
            double room = rest;
            while (true)
            {
                double weight = open.Sum(i => ColumnSpecs[i].Weight);
                var starved = open.Where(i => room * ColumnSpecs[i].Weight / weight < minimum[i]).ToList();
                if (starved.Count == 0 || starved.Count == open.Count)
                {
                    if (starved.Count == open.Count)
                    {
                        // Not even the minimums fit: scale them down (long words will break).
                        double total = open.Sum(i => minimum[i]);
                        foreach (int i in open) widths[i] = room * minimum[i] / total;
                    }
                    else
                    {
                        foreach (int i in open) widths[i] = room * ColumnSpecs[i].Weight / weight;
                    }
                    return widths;
                }
                foreach (int i in starved)
                {
                    widths[i] = minimum[i];
                    room -= minimum[i];
                    open.Remove(i);
                }
            }
        }

        private void DrawTableHeader()
        {
            var cells = columns.Select(c => (Wrap(c.Header, cellBold, c.Width - 2 * CellPadX, 2), cellBold, Ink)).ToList();
            DrawRow(cells, 2 * TableLine + 2 * CellPadY, HeaderFill);
        }

        private void DrawRow(List<(List<string> Lines, XFont Font, XColor Color)> cells, double height, XColor? fill)
        {
            double x = MarginX;
            double tableWidth = columns.Sum(c => c.Width);
            if (fill is { } f)
                G.DrawRectangle(new XSolidBrush(f), MarginX, y, tableWidth, height);
            for (int c = 0; c < columns.Length; c++)
            {
                Column col = columns[c];
                (List<string> lines, XFont font, XColor color) = cells[c];
                double baseline = y + CellPadY + TableLine * 0.8;
                foreach (string line in lines)
                {
                    double tx = col.Align == Align.Right
                        ? x + col.Width - CellPadX - G.MeasureString(line, font).Width
                        : x + CellPadX;
                    G.DrawString(line, font, new XSolidBrush(color), tx, baseline);
                    baseline += TableLine;
                }

                x += col.Width;
            }

            G.DrawLine(new XPen(Rule, 0.4), MarginX, y + height, MarginX + tableWidth, y + height);
            y += height;
        }

        // ---------------------------------------------------------------- declaration

        /// <summary>Part 3: the clerk's declaration as submitted, place, date, name and function, and a signature line.</summary>
        private void DrawDeclaration()
        {
            y += 8;
            // The declaration and its signature stay on one page.
            Heading("3. Erklärung", h1, body.Height * (doc.Declaration is null ? 1.5 : 20));
            if (doc.Declaration is not { } d)
            {
                Paragraph(doc.Status == "offen"
                    ? "Die Erklärung wird mit dem Verwendungsnachweis abgegeben; sie liegt noch nicht vor."
                    : "Dieser Verwendungsnachweis wurde ohne Erklärung eingereicht (vor Einführung der Erklärung).", Muted);
                return;
            }
            Paragraph("Es wird bestätigt, dass", Ink);
            foreach (string line in DeclarationStatements)
                Paragraph("– " + line, Ink);
            y += 6;
            double lineHeight = body.Height * 1.3;
            Ensure(lineHeight * 5 + 30);
            foreach ((string l, string v) in new[] { ("Ort, Datum", $"{d.Place}, {GermanDate.Format(d.Date)}"), ("Name", d.SignatoryName), ("Funktion", d.SignatoryFunction) })
            {
                string caption = l + ":";
                foreach (string line in Wrap(v, value, ContentWidth - 130))
                {
                    G.DrawString(caption, label, new XSolidBrush(Ink), MarginX, y + lineHeight * 0.75);
                    G.DrawString(line, value, new XSolidBrush(Ink), MarginX + 130, y + lineHeight * 0.75);
                    caption = "";
                    y += lineHeight;
                }
            }
            y += 28;
            G.DrawLine(new XPen(Ink, 0.6), MarginX, y, MarginX + 260, y);
            y += 3;
            string under = PdfText.Ellipsize(G, $"(Unterschrift {d.SignatoryName}, {d.SignatoryFunction})", signatureNote, ContentWidth);
            G.DrawString(under, signatureNote, new XSolidBrush(Muted), MarginX, y + signatureNote.Height * 0.8);
            y += signatureNote.Height + 4;
        }

        public static readonly string[] DeclarationStatements =
        [
            "die Zuwendung ausschließlich für den im Bewilligungsbeschluss bestimmten Zweck verwendet wurde,",
            "die Ausgaben notwendig waren und dass wirtschaftlich und sparsam verfahren wurde,",
            "die Angaben im zahlenmäßigen Nachweis mit den Büchern und Belegen übereinstimmen.",
        ];

        // ---------------------------------------------------------------- text

        private List<string> Wrap(string? text, XFont font, double width, int maxLines = int.MaxValue) => PdfText.Wrap(G, text, font, width, maxLines);

        private double Width(string text, XFont font) => G.MeasureString(text, font).Width;

        [GeneratedRegex(@"\n[ \t]*\n")]
        private static partial Regex ParagraphSplit();
    }
}
