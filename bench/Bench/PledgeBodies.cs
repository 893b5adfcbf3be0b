using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlutHilfe.Bench;

internal sealed record EarmarkBody(string? MunicipalityId, string? PurposeId, long AmountCents);

internal sealed record DonorBody(string Name, string Street, string PostalCode, string City, string Country, string? Email);

internal sealed record PledgeBody(long AmountCents, IReadOnlyList<EarmarkBody>? Earmarks, DonorBody? Donor, bool ReceiptWanted);

internal enum PledgeKind { Plain, Earmarked, Donor, EarmarkedDonor }

/// <summary>
/// Realistic pledge bodies: varied amounts; about a third split over Stolberg (kita-schulmaterial)
/// and Eschweiler; about 40 % with donor details (umlauts, raw UTF-8) and receiptWanted=true.
/// </summary>
internal static class PledgeBodies
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Send umlauts as UTF-8 bytes like a browser form does, not as \u00fc escapes.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly long[] TypicalAmounts = [500, 1000, 2000, 2500, 5000, 5000, 10000, 10000, 15000, 25000, 50000, 100000];

    private static readonly DonorBody[] Donors =
    [
        new("Jürgen Müller", "Kaiserplatz 1", "52062", "Aachen", "DE", "jm@example.org"),
        new("Bärbel Weiß", "Königstraße 12", "52222", "Stolberg (Rhld.)", "DE", "baerbel.weiss@example.de"),
        new("Günther Schäfer", "Würselener Straße 3a", "52249", "Eschweiler", "DE", null),
        new("Özlem Yılmaz", "Düppelstraße 48", "52068", "Aachen", "DE", "oezlem@example.com"),
        new("Dr. Hans-Jörg Größer", "Rüdesheimer Weg 7", "52349", "Düren", "DE", "hj.groesser@example.org"),
        new("Søren Ångström", "Jülicher Straße 221", "52428", "Jülich", "DE", "soren@example.net"),
        new("Françoise Lefèvre", "Rue de l'Église 5", "4700", "Eupen", "BE", "f.lefevre@example.be"),
        new("Zoë Krämer-Üzümcü", "Mühlenstraße 19", "53879", "Euskirchen", "DE", "zoe@example.de"),
    ];

    public static (PledgeBody Body, PledgeKind Kind) Next(Random rng)
    {
        var amount = rng.Next(4) == 0 ? rng.NextInt64(100, 250_001) : TypicalAmounts[rng.Next(TypicalAmounts.Length)];
        var roll = rng.Next(100);
        var earmarked = roll < 35;
        var donor = roll is >= 20 and < 60;
        var kind = (earmarked, donor) switch
        {
            (true, true) => PledgeKind.EarmarkedDonor,
            (true, false) => PledgeKind.Earmarked,
            (false, true) => PledgeKind.Donor,
            _ => PledgeKind.Plain,
        };

        IReadOnlyList<EarmarkBody>? earmarks = null;
        if (earmarked)
        {
            // Split into a Stolberg/kita-schulmaterial part and an Eschweiler part, or all to Stolberg.
            if (rng.Next(3) == 0)
            {
                earmarks = [new("stolberg", "kita-schulmaterial", amount)];
            }
            else
            {
                var first = Math.Max(1, amount * rng.Next(10, 91) / 100);
                earmarks = first >= amount
                    ? [new("stolberg", "kita-schulmaterial", amount)]
                    : [new("stolberg", "kita-schulmaterial", first), new("eschweiler", null, amount - first)];
            }
        }

        return (new PledgeBody(amount, earmarks, donor ? Donors[rng.Next(Donors.Length)] : null, donor), kind);
    }

    public static byte[] Serialize(PledgeBody body) => JsonSerializer.SerializeToUtf8Bytes(body, Json);
}
