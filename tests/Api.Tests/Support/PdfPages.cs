using System.Diagnostics;
using UglyToad.PdfPig;

namespace FlutHilfe.Api.Tests.Support;

public static class PdfPages
{
    public static IReadOnlyList<string> Text(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return document.GetPages().Select(p => string.Join(' ', p.GetWords().Select(w => w.Text))).ToList();
    }

    public static (double Width, double Height) FirstPageSize(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        var page = document.GetPage(1);
        return (page.Width, page.Height);
    }

    /// <summary>Renders page 1 with poppler's pdftoppm (installed by ops/deps) to a PNG.</summary>
    public static async Task<byte[]> RenderFirstPageAsync(byte[] pdf, int dpi = 150)
    {
        var dir = Directory.CreateTempSubdirectory("fluthilfe-pdf-");
        try
        {
            var input = Path.Combine(dir.FullName, "in.pdf");
            await File.WriteAllBytesAsync(input, pdf);
            using var process = Process.Start(new ProcessStartInfo("pdftoppm", ["-png", "-r", dpi.ToString(System.Globalization.CultureInfo.InvariantCulture), "-f", "1", "-l", "1", "-singlefile", input, Path.Combine(dir.FullName, "page")])
            {
                RedirectStandardError = true,
            })!;
            await process.WaitForExitAsync();
            process.ExitCode.ShouldBe(0, await process.StandardError.ReadToEndAsync());
            return await File.ReadAllBytesAsync(Path.Combine(dir.FullName, "page.png"));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
