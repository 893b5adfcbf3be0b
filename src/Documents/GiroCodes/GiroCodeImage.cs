using System.Text;
using QRCoder;

namespace FlutHilfe.Documents.GiroCodes;

/// <summary>Renders a GiroCode payload as a QR code (error correction M, version ≤ 13 as EPC069-12 requires).</summary>
public static class GiroCodeImage
{
    public const int QrVersionMax = 13;
    public const int PixelsPerModuleMax = 40;

    /// <summary>
    /// An 8-bit RGBA PNG (colour type 6), black on opaque white, with the 4-module quiet zone.
    /// Written here rather than by QRCoder's PngByteQRCode, which always emits 1-bit indexed colour,
    /// even when given RGBA colours, and PDFsharp rejects 1-bit PNGs.
    /// </summary>
    public static byte[] Png(string payload, int pixelsPerModule = 6)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pixelsPerModule, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pixelsPerModule, PixelsPerModuleMax);
        using QRCodeData data = Encode(payload);
        return RgbaPng.Write(data.ModuleMatrix, pixelsPerModule);
    }

    /// <summary>SVG with a viewBox, so it scales to whatever size the page gives it.</summary>
    public static string Svg(string payload)
    {
        using QRCodeData data = Encode(payload);
        return new SvgQRCode(data).GetGraphic(
            pixelsPerModule: 6, darkColorHex: "#000000", lightColorHex: "#FFFFFF",
            sizingMode: SvgQRCode.SizingMode.ViewBoxAttribute);
    }

    /// <summary>The QR version the payload needs; exposed so callers and tests can check the limit.</summary>
    public static int Version(string payload)
    {
        using QRCodeData data = Encode(payload);
        return data.Version;
    }

    private static QRCodeData Encode(string payload)
    {
        ArgumentException.ThrowIfNullOrEmpty(payload);
        // Without the UTF-8 ECI QRCoder writes ISO-8859-1 bytes although the payload declares UTF-8 (charset 1).
        // Pure ASCII is byte-identical in both, and skipping the 12-bit ECI header keeps a full
        // 331-byte payload inside version 13.
        var eci = Ascii.IsValid(payload) ? QRCodeGenerator.EciMode.Default : QRCodeGenerator.EciMode.Utf8;
        QRCodeData data = QRCodeGenerator.GenerateQrCode(payload, QRCodeGenerator.ECCLevel.M, eciMode: eci);
        int version = data.Version;
        if (version > QrVersionMax)
        {
            data.Dispose();
            throw new ArgumentException(
                $"The payload needs QR version {version}; a GiroCode allows at most {QrVersionMax}.", nameof(payload));
        }
        return data;
    }
}
