using StbImageSharp;
using ZXing;
using ZXing.Common;

namespace FlutHilfe.Api.Tests.Support;

/// <summary>Reads a QR code back from a PNG with an independent decoder (ZXing.Net).</summary>
public static class QrDecoder
{
    public static string? Decode(byte[] png, bool pure = true)
    {
        var image = ImageResult.FromMemory(png, ColorComponents.RedGreenBlueAlpha);
        var source = new RGBLuminanceSource(image.Data, image.Width, image.Height, RGBLuminanceSource.BitmapFormat.RGBA32);
        var reader = new BarcodeReaderGeneric
        {
            Options = new DecodingOptions { PossibleFormats = [BarcodeFormat.QR_CODE], PureBarcode = pure, TryHarder = !pure },
        };
        return reader.Decode(source)?.Text;
    }
}
