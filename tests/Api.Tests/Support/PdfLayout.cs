using System.Diagnostics;
using System.Globalization;
using StbImageSharp;
using UglyToad.PdfPig;

namespace FlutHilfe.Api.Tests.Support;

/// <summary>Margins of a page in PDF points (1/72 inch).</summary>
public sealed record Margins(double Left, double Right, double Top, double Bottom);

/// <summary>
/// Layout checks of a rendered PDF: every word and every drawn path inside the margins, no two words on top of each
/// other (PdfPig's positions), and no ink outside the margins in the PNG that poppler renders of each page.
/// </summary>
public static class PdfLayout
{
    /// <summary>What is wrong with the layout, as readable sentences (empty when nothing is).</summary>
    public static IReadOnlyList<string> Problems(byte[] pdf, Margins m)
    {
        var problems = new List<string>();
        using var document = PdfDocument.Open(pdf);
        foreach (var page in document.GetPages())
        {
            double width = page.Width, height = page.Height;
            var words = page.GetWords().Where(w => !string.IsNullOrWhiteSpace(w.Text)).ToList();
            foreach (var w in words)
            {
                var b = w.BoundingBox;
                if (b.Left < m.Left - 0.5 || b.Right > width - m.Right + 0.5 || b.Bottom < m.Bottom - 0.5 || b.Top > height - m.Top + 0.5)
                    problems.Add($"page {page.Number}: '{w.Text}' lies outside the margins ({b.Left:0.0},{b.Bottom:0.0})–({b.Right:0.0},{b.Top:0.0})");
            }
            for (var i = 0; i < words.Count; i++)
            {
                for (var j = i + 1; j < words.Count; j++)
                {
                    var a = words[i].BoundingBox;
                    var c = words[j].BoundingBox;
                    var dx = Math.Min(a.Right, c.Right) - Math.Max(a.Left, c.Left);
                    var dy = Math.Min(a.Top, c.Top) - Math.Max(a.Bottom, c.Bottom);
                    if (dx > 0.5 && dy > 0.5) problems.Add($"page {page.Number}: '{words[i].Text}' and '{words[j].Text}' overlap");
                }
            }
            foreach (var path in page.Paths)
            {
                if (path.GetBoundingRectangle() is not { } r) continue;
                if (r.Left < m.Left - 0.5 || r.Right > width - m.Right + 0.5 || r.Bottom < m.Bottom - 0.5 || r.Top > height - m.Top + 0.5)
                    problems.Add($"page {page.Number}: a line or box lies outside the margins ({r.Left:0.0},{r.Bottom:0.0})–({r.Right:0.0},{r.Top:0.0})");
            }
        }
        return problems;
    }

    /// <summary>Every word as PdfPig reads it (a word cut by a line break shows up as two words).</summary>
    public static IReadOnlyList<string> Words(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return document.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text).ToList();
    }

    /// <summary>Renders every page with poppler's pdftoppm; returns the PNG files (kept in <paramref name="directory"/>).</summary>
    public static async Task<IReadOnlyList<string>> RenderPagesAsync(byte[] pdf, string directory, string name, int dpi = 80)
    {
        Directory.CreateDirectory(directory);
        var input = Path.Combine(directory, name + ".pdf");
        await File.WriteAllBytesAsync(input, pdf);
        using var process = Process.Start(new ProcessStartInfo("pdftoppm", ["-png", "-r", dpi.ToString(CultureInfo.InvariantCulture), input, Path.Combine(directory, name)])
        {
            RedirectStandardError = true,
        })!;
        await process.WaitForExitAsync();
        process.ExitCode.ShouldBe(0, await process.StandardError.ReadToEndAsync());
        return Directory.GetFiles(directory, name + "-*.png").Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Dark pixels outside the margins of a page rendered at <paramref name="dpi"/> (anti-aliasing gets one pixel).</summary>
    public static int InkOutsideMargins(string png, int dpi, Margins m)
    {
        var image = ImageResult.FromMemory(File.ReadAllBytes(png), ColorComponents.Grey);
        var scale = dpi / 72.0;
        int left = (int)Math.Floor(m.Left * scale) - 1, right = (int)Math.Ceiling(image.Width - m.Right * scale) + 1;
        int top = (int)Math.Floor(m.Top * scale) - 1, bottom = (int)Math.Ceiling(image.Height - m.Bottom * scale) + 1;
        var count = 0;
        for (var y = 0; y < image.Height; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                if (image.Data[y * image.Width + x] < 160 && (x < left || x > right || y < top || y > bottom)) count++;
            }
        }
        return count;
    }

    /// <summary>Where test renderings go: <c>FLUTHILFE_SAMPLE_DIR</c> when set (to look at them), else a temporary folder.</summary>
    public static string SampleDirectory(string name)
        => Environment.GetEnvironmentVariable("FLUTHILFE_SAMPLE_DIR") is { Length: > 0 } dir
            ? Path.Combine(dir, name)
            : Directory.CreateTempSubdirectory("fluthilfe-layout-").FullName;
}
