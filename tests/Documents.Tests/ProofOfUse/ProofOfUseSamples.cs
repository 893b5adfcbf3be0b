using FlutHilfe.Documents.ProofOfUse;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Documents.Tests.ProofOfUse;

internal static class ProofOfUseSamples
{
    public const string Hash1 = "0f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0";
    public const string Hash3 = "3333333333333333aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbcccccccccccccccc";
    public const string Hash5 = "5555555555555555666666666666666677777777777777778888888888888888";

    /// <summary>Berlin winter time: 14:05 local.</summary>
    public static readonly DateTimeOffset GeneratedAt = new(2026, 11, 28, 14, 5, 0, TimeSpan.FromHours(1));

    public static IReadOnlyList<VoucherLine> SmallVouchers =>
    [
        new(1, new DateOnly(2026, 8, 3), "Bäckerei Müller GmbH", "Verpflegung Helfer", "Soforthilfe",
            Money.FromCents(123_456), "KV-2026-001", "Feuerwehr Süd", Hash1, false),
        new(2, new DateOnly(2026, 8, 10), "Schmidt; Söhne KG", "Trocknungsgeräte \"Typ B\"", "Wiederaufbau",
            Money.FromCents(250_000), "KV-2026-002", null, null, false),
        new(3, new DateOnly(2026, 8, 12), "=HYPERLINK(\"http://evil.example\";\"klick\")", "Reinigung", "Soforthilfe",
            Money.FromCents(9_990), "KV-2026-003", "Kita Regenbogen", Hash3, true),
        new(4, new DateOnly(2026, 9, 1), "Elektro Weiß", "Zeile 1\nZeile 2", "Soforthilfe",
            Money.FromCents(5), "KV-2026-004", null, null, true),
        new(5, new DateOnly(2026, 9, 15), "+49 Handwerk", "-10 % Skonto", "Soforthilfe",
            Money.FromCents(10_000), "@KV-5", "\tTab", Hash5, false),
    ];

    public static ProofOfUseDocument Document(
        IReadOnlyList<VoucherLine>? vouchers = null, bool overdue = false, DateTimeOffset? asOf = null,
        string? narrative = "Die Mittel wurden für die Soforthilfe nach dem Hochwasser in Überlingen-Süd verwendet.\n\n" +
                            "Zweiter Absatz: Trocknung, Reinigung und Verpflegung der Helferinnen und Helfer.",
        Money? spent = null) =>
        new(
            AllocationId: Guid.Parse("6f9619ff-8b86-d011-b42d-00c04fc964ff"),
            AppealTitle: "Fluthilfe Ahrtal 2026",
            IssuerName: "Landschaftsverband Rheinland – Spendenfonds für Flutgeschädigte",
            MunicipalityId: "05358024",
            MunicipalityName: "Gemeinde Nörvenich",
            PurposeName: "Soforthilfe und Wiederaufbau",
            Allocated: Money.FromCents(1_000_000),
            Disbursed: Money.FromCents(800_000),
            Spent: spent ?? Money.FromCents(383_456),
            ReturnedUnused: Money.FromCents(16_544),
            Open: Money.FromCents(400_000),
            DecisionReference: "LVR-FH-2026/0815",
            DecidedOn: new DateOnly(2026, 7, 20),
            Deadline: new DateOnly(2026, 10, 31),
            Status: "eingereicht",
            NarrativeReport: narrative,
            SubmittedAt: new DateTimeOffset(2026, 10, 12, 9, 30, 0, TimeSpan.FromHours(2)),
            ReviewRemarks: "Belege 2 und 4 nachreichen.",
            IsOverdue: overdue,
            Vouchers: vouchers ?? SmallVouchers,
            GeneratedAt: GeneratedAt,
            AsOf: asOf);

    public static IReadOnlyList<VoucherLine> ManyVouchers(int count) =>
    [
        .. Enumerable.Range(1, count).Select(i => new VoucherLine(
            i, new DateOnly(2026, 8, 1).AddDays(i % 60), $"Zahlungsempfänger Nr. {i} Bauunternehmen Größe & Söhne",
            $"Begründung {i}: Trocknung und Sanierung der Räume im Erdgeschoss, Austausch der Elektrik", "Wiederaufbau",
            Money.FromCents(100_000 + i), $"BN-{i:D4}", i % 3 == 0 ? null : "Grundschule am Bach",
            i % 10 == 0 ? null : Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i))),
            i % 25 == 0)),
    ];
}
