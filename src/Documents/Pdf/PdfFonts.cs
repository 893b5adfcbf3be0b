using System.Collections.Concurrent;
using PdfSharp.Fonts;

namespace FlutHilfe.Documents.Pdf;

/// <summary>
/// PDFsharp font resolver for every PDF we print (receipts, proofs of use): DejaVu Sans (regular, bold) and DejaVu Sans Mono from the
/// Debian package <c>fonts-dejavu-core</c>, falling back to Liberation Sans/Mono (<c>fonts-liberation</c>).
/// Both cover German umlauts, ß and €. The directory can be overridden with the environment variable
/// <c>FLUTHILFE_FONT_DIR</c> (files are looked up by name there first).
/// PDFsharp allows one global resolver per process: <see cref="EnsureRegistered"/> installs this one only
/// when none is set; if the application installed another resolver first, this one
/// is installed as the fallback resolver, so either way the families below resolve.
/// </summary>
public sealed class PdfFonts : IFontResolver
{
    public const string Sans = "DejaVu Sans";
    public const string Mono = "DejaVu Sans Mono";

    public static PdfFonts Instance { get; } = new();

    private static readonly Lock RegistrationLock = new();
    private static bool registered;

    // face name -> candidate file names, first existing wins
    private static readonly Dictionary<string, string[]> Faces = new(StringComparer.Ordinal)
    {
        ["FH-Sans"] = ["DejaVuSans.ttf", "LiberationSans-Regular.ttf"],
        ["FH-Sans-Bold"] = ["DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf"],
        ["FH-Mono"] = ["DejaVuSansMono.ttf", "LiberationMono-Regular.ttf"],
        ["FH-Mono-Bold"] = ["DejaVuSansMono-Bold.ttf", "LiberationMono-Bold.ttf"],
    };

    private static readonly string[] Directories =
    [
        "/usr/share/fonts/truetype/dejavu",
        "/usr/share/fonts/truetype/liberation",
        "/usr/share/fonts/truetype/liberation2",
        "/usr/share/fonts/TTF",
        "/usr/share/fonts/dejavu",
        "/usr/local/share/fonts",
        @"C:\Windows\Fonts",
    ];

    private readonly ConcurrentDictionary<string, byte[]> cache = new(StringComparer.Ordinal);

    private PdfFonts()
    {
    }

    /// <summary>Makes sure PDFsharp can resolve <see cref="Sans"/> and <see cref="Mono"/>. Idempotent, thread-safe.</summary>
    public static void EnsureRegistered()
    {
        lock (RegistrationLock)
        {
            if (registered)
                return;
            if (GlobalFontSettings.FontResolver is null)
                GlobalFontSettings.FontResolver = Instance;
            else if (!ReferenceEquals(GlobalFontSettings.FontResolver, Instance) && GlobalFontSettings.FallbackFontResolver is null)
                GlobalFontSettings.FallbackFontResolver = Instance;
            registered = true;
        }
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic)
    {
        string? face = familyName switch
        {
            Sans or "DejaVuSans" or "Liberation Sans" or "Arial" or "Helvetica" => bold ? "FH-Sans-Bold" : "FH-Sans",
            Mono or "DejaVuSansMono" or "Liberation Mono" or "Courier New" or "Courier" => bold ? "FH-Mono-Bold" : "FH-Mono",
            _ => null,
        };
        // No italic faces in fonts-dejavu-core: let PDFsharp slant the upright face.
        return face is null ? null : new FontResolverInfo(face, false, italic);
    }

    public byte[]? GetFont(string faceName)
    {
        if (!Faces.TryGetValue(faceName, out string[]? files))
            return null;
        return cache.GetOrAdd(faceName, _ => Load(files));
    }

    private static byte[] Load(string[] files)
    {
        string? overrideDir = Environment.GetEnvironmentVariable("FLUTHILFE_FONT_DIR");
        IEnumerable<string> dirs = string.IsNullOrWhiteSpace(overrideDir) ? Directories : [overrideDir, .. Directories];
        foreach (string file in files)
        {
            foreach (string dir in dirs)
            {
                string path = Path.Combine(dir, file);
                if (File.Exists(path))
                    return File.ReadAllBytes(path);
            }
        }

        throw new FileNotFoundException(
            $"None of the fonts {string.Join(", ", files)} was found. Install the Debian package fonts-dejavu-core " +
            "(or fonts-liberation), or set FLUTHILFE_FONT_DIR to a folder holding them.");
    }
}
