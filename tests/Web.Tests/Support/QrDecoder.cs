using StbImageSharp;
using ZXing;
using ZXing.Common;

namespace FlutHilfe.Web.Tests.Support;

/// <summary>Reads a QR code back from a PNG (a screenshot of what the page shows) with an independent decoder (ZXing.Net).</summary>
public static class QrDecoder
{
    public static string? Decode(byte[] png)
    {
        var image = ImageResult.FromMemory(png, ColorComponents.RedGreenBlueAlpha);
        var source = new RGBLuminanceSource(image.Data, image.Width, image.Height, RGBLuminanceSource.BitmapFormat.RGBA32);
        var reader = new BarcodeReaderGeneric { Options = new DecodingOptions { PossibleFormats = [BarcodeFormat.QR_CODE], TryHarder = true } };
        return reader.Decode(source)?.Text;
    }
}
