using System.Text;
using FlutHilfe.Documents.GiroCodes;
using FlutHilfe.Domain.Donations.Pledging;
using FlutHilfe.Domain.Shared;
using StbImageSharp;
using ZXing;
using ZXing.Common;

namespace FlutHilfe.Documents.Tests.GiroCodes;

/// <summary>The GiroCode as an image: decoded back by an independent reader (ZXing), within EPC069-12's version limit.</summary>
public class GiroCodeImageTests
{
    private static readonly Iban ExampleIban = Iban.Parse("DE71110220330123456789");
    private static readonly Bic ExampleBic = Bic.Parse("BHBLDEHHXXX");

    private static GiroCodeRequest Example() => new(
        BeneficiaryName: "Franz Mustermänn",
        Iban: ExampleIban,
        Bic: ExampleBic,
        Amount: Money.FromCents(1230),
        PurposeCode: "GDDS",
        Reference: CreditorReference.Parse("RF18539007547034"),
        RemittanceText: null,
        Information: null);

    [Fact]
    public void Png_decodes_to_the_same_payload_with_umlauts_transliterated()
    {
        string payload = GiroCode.BuildPayload(Example() with
        {
            BeneficiaryName = "Jürgen Müller Straße",
            Reference = null,
            RemittanceText = "Spende für Überschwemmungsopfer, Grüße",
            PurposeCode = "CHAR",
        });

        Result result = DecodeResult(GiroCodeImage.Png(payload)).ShouldNotBeNull();

        result.Text.ShouldBe(payload);
        payload.Split('\n')[5].ShouldBe("Juergen Mueller Strasse");
        payload.Split('\n')[10].ShouldBe("Spende fuer Ueberschwemmungsopfer, Gruesse");
        // Only the SEPA character set is left, so every byte is ASCII (and UTF-8) whatever mode the encoder picks.
        Encoding.UTF8.GetByteCount(payload).ShouldBe(payload.Length);
    }

    [Fact]
    public void Png_is_8_bit_RGBA()
    {
        byte[] png = GiroCodeImage.Png(GiroCode.BuildPayload(Example()), pixelsPerModule: 4);

        png[..8].ShouldBe(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A });
        Encoding.ASCII.GetString(png, 12, 4).ShouldBe("IHDR");
        png[24].ShouldBe((byte)8); // bit depth
        png[25].ShouldBe((byte)6); // colour type 6: truecolour with alpha
    }

    [Fact]
    public void A_full_331_byte_ascii_payload_fits_version_13_and_decodes()
    {
        string payload = MaxAsciiPayload();
        Encoding.UTF8.GetByteCount(payload).ShouldBe(GiroCode.PayloadSizeBytesMax);

        GiroCodeImage.Version(payload).ShouldBe(GiroCodeImage.QrVersionMax);
        Decode(GiroCodeImage.Png(payload, pixelsPerModule: 4)).ShouldBe(payload);
    }

    [Fact]
    public void A_non_ascii_payload_needing_more_than_version_13_is_refused()
    {
        // The UTF-8 ECI header costs 12 bits, so 331 bytes with an umlaut no longer fit version 13.
        string payload = "ä" + MaxAsciiPayload()[2..];
        Encoding.UTF8.GetByteCount(payload).ShouldBe(GiroCode.PayloadSizeBytesMax);

        Should.Throw<ArgumentException>(() => GiroCodeImage.Png(payload)).ParamName.ShouldBe("payload");
        Should.Throw<ArgumentException>(() => GiroCodeImage.Svg(payload)).ParamName.ShouldBe("payload");
    }

    [Fact]
    public void The_EPC_example_needs_a_small_version_and_renders_as_scalable_svg()
    {
        string payload = GiroCode.BuildPayload(Example());

        GiroCodeImage.Version(payload).ShouldBeLessThanOrEqualTo(6);
        string svg = GiroCodeImage.Svg(payload);
        svg.ShouldStartWith("<svg");
        svg.ShouldContain("viewBox");
    }

    private static string MaxAsciiPayload()
    {
        var request = Example() with
        {
            // Lower case keeps QRCoder in byte mode; upper-case runs would be packed as alphanumerics.
            BeneficiaryName = new string('n', 70),
            Reference = null,
            RemittanceText = new string('t', 140),
            Information = "",
        };
        string payload = GiroCode.BuildPayload(request);
        int missing = GiroCode.PayloadSizeBytesMax - Encoding.UTF8.GetByteCount(payload) - 1;
        return GiroCode.BuildPayload(request with { Information = new string('i', missing) });
    }

    private static string? Decode(byte[] png) => DecodeResult(png)?.Text;

    private static Result? DecodeResult(byte[] png)
    {
        ImageResult image = ImageResult.FromMemory(png, ColorComponents.RedGreenBlueAlpha);
        var source = new RGBLuminanceSource(image.Data, image.Width, image.Height, RGBLuminanceSource.BitmapFormat.RGBA32);
        var reader = new BarcodeReaderGeneric
        {
            Options = new DecodingOptions { PossibleFormats = [BarcodeFormat.QR_CODE], PureBarcode = true },
        };
        return reader.Decode(source);
    }
}
