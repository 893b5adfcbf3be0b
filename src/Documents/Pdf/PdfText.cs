using System.Text;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace FlutHilfe.Documents.Pdf;

/// <summary>Fonts and line breaking shared by every PDF we print (receipts, proofs of use).</summary>
public static class PdfText
{
    // Unicode (Identity-H + ToUnicode) for every font: names beyond Windows-1252 (Łukasz, Şahin) render and
    // copy/search correctly.
    private static readonly XPdfFontOptions Unicode = new(PdfFontEncoding.Unicode);

    /// <summary>DejaVu Sans (see <see cref="PdfFonts"/>).</summary>
    public static XFont Sans(double size, XFontStyleEx style = XFontStyleEx.Regular) => new(PdfFonts.Sans, size, style, Unicode);

    /// <summary>DejaVu Sans Mono (see <see cref="PdfFonts"/>).</summary>
    public static XFont Mono(double size, XFontStyleEx style = XFontStyleEx.Regular) => new(PdfFonts.Mono, size, style, Unicode);

    /// <summary>Line breaks kept (CR, LF and CRLF become LF), tabs and other control characters become spaces.</summary>
    public static string Normalize(string text)
    {
        var sb = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char ch = text[i];
            if (ch == '\r')
            {
                sb.Append('\n');
                if (i + 1 < text.Length && text[i + 1] == '\n')
                    i++;
            }
            else if (ch == '\n')
            {
                sb.Append('\n');
            }
            else
            {
                sb.Append(char.IsControl(ch) ? ' ' : ch);
            }
        }

        return sb.ToString();
    }

    /// <summary>
    /// Greedy word wrap by measured width, line breaks kept. A word wider than the line is broken, after a hyphen or
    /// slash inside the part that fits if there is one ("KV-2026-" / "001"); with <paramref name="maxLines"/> the last
    /// kept line ends in "…".
    /// </summary>
    public static List<string> Wrap(XGraphics gfx, string? text, XFont font, double width, int maxLines = int.MaxValue)
    {
        var lines = new List<string>();
        foreach (string hardLine in Normalize(text ?? "").Split('\n'))
        {
            var current = new StringBuilder();
            foreach (string word in hardLine.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                string candidate = current.Length == 0 ? word : current + " " + word;
                if (Width(gfx, candidate, font) <= width)
                {
                    current.Clear().Append(candidate);
                    continue;
                }

                if (current.Length > 0)
                {
                    lines.Add(current.ToString());
                    current.Clear();
                }

                string rest = word;
                while (Width(gfx, rest, font) > width && rest.Length > 1)
                {
                    int take = FittingPrefix(gfx, rest, font, width);
                    lines.Add(rest[..take]);
                    rest = rest[take..];
                }

                current.Append(rest);
            }

            lines.Add(current.ToString());
        }

        if (lines.Count > maxLines)
        {
            lines.RemoveRange(maxLines, lines.Count - maxLines);
            lines[^1] = Ellipsize(gfx, lines[^1] + "…", font, width);
        }

        return lines;
    }

    /// <summary>Shortens <paramref name="text"/> to <paramref name="width"/>, ending in "…" when cut.</summary>
    public static string Ellipsize(XGraphics gfx, string text, XFont font, double width)
    {
        if (Width(gfx, text, font) <= width)
            return text;
        string core = text.TrimEnd('…');
        while (core.Length > 0 && Width(gfx, core.TrimEnd() + "…", font) > width)
            core = core[..^1];
        return core.TrimEnd() + "…";
    }

    private static double Width(XGraphics gfx, string text, XFont font) => gfx.MeasureString(text, font).Width;

    private static int FittingPrefix(XGraphics gfx, string text, XFont font, double width)
    {
        int take = 1;
        while (take < text.Length && Width(gfx, text[..(take + 1)], font) <= width)
            take++;
        int soft = text.AsSpan(0, take).LastIndexOfAny("-/");
        return soft > 0 && soft < take - 1 ? soft + 1 : take;
    }
}
