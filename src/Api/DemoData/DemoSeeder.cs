using FlutHilfe.BankFiles;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Shared;
using Marten;

namespace FlutHilfe.Api.DemoData;

/// <summary>
/// Seeds the appeal "Freude schenken" of the Region Aachen Zweckverband (DESIGN §1) when
/// <c>DemoData:Seed</c> is true. Idempotent: opening the same appeal again decides nothing.
/// </summary>
public sealed class DemoSeeder(IDocumentStore store, IConfiguration configuration, TimeProvider clock, ILogger<DemoSeeder> logger) : IHostedService
{
    public const string AppealId = "freude-schenken-2021";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!configuration.GetValue("DemoData:Seed", false)) return;

        await using var session = store.LightweightSession();
        var appeal = await session.Events.FetchForWriting<Appeal>(AppealStream.IdFor(AppealId), cancellationToken);
        appeal.AppendMany(AppealDecider.Decide(FreudeSchenken(clock.GetUtcNow()), appeal.Aggregate));
        var changed = session.PendingChanges.Streams().Any(s => s.Events.Count > 0);
        await session.SaveChangesAsync(cancellationToken);
        logger.LogInformation(changed ? "Demo appeal {Appeal} seeded" : "Demo appeal {Appeal} already present", AppealId);

        if (changed) await SeedHistoryAsync(cancellationToken);
    }

    /// <summary>
    /// A little history on a fresh database, through the same decisions the API uses: pledges, a bank statement
    /// paying most of them (<c>DemoStatement.camt053.xml</c>, imported like an upload), an allocation to Stolberg and one
    /// spending item. Runs once, with the appeal.
    /// </summary>
    private async Task SeedHistoryAsync(CancellationToken ct)
    {
        var gifts = new (long Cents, string? Municipality, string? Purpose, string? Donor)[]
        {
            (5_000, "stolberg", "kita-schulmaterial", "Jürgen Müller"), (2_500, null, null, null), (10_000, "stolberg", null, "Bärbel Weiß"),
            (124_600, "eschweiler", null, "Förderverein Grundschule Weisweiler"), (3_000, null, "weihnachtsfeiern", null), (750, "zuelpich", null, null),
        };
        await using (var session = store.LightweightSession())
        {
            var current = await session.LoadAsync<Appeal>(AppealStream.IdFor(AppealId), ct) ?? throw new InvalidOperationException("The demo appeal is missing.");
            var now = clock.GetUtcNow();
            foreach (var ((cents, municipality, purpose, donor), number) in gifts.Select((g, i) => (g, i + 1)))
            {
                var profile = donor is null ? null : new Domain.Donors.DonorProfile(Guid.CreateVersion7(now), donor, "Kaiserplatz 1", "52062", "Aachen", "DE", null, now);
                var events = Domain.Donations.DonationDecider.Decide(
                    new Domain.Donations.PledgeDonation(Guid.CreateVersion7(now), AppealId, new Money(cents), [new Domain.Donations.Earmark(municipality, purpose, new Money(cents))],
                        profile is not null, profile, DemoReference(number), "", now),
                    current);
                var pledged = (Domain.Donations.Pledging.DonationPledged)events[0];
                session.Events.StartStream<Domain.Donations.Donation>(pledged.DonationId, events);
                if (profile is not null) Infrastructure.PersonalData.DonorProfiles.StoreNew(session, profile);
            }
            await session.SaveChangesAsync(ct);
        }

        await using (var query = store.QuerySession())
        {
            await using var statement = typeof(DemoSeeder).Assembly.GetManifestResourceStream(StatementResource)
                ?? throw new InvalidOperationException($"The demo statement {StatementResource} is not embedded.");
            var file = CamtParser.Parse(statement);
            var plan = await new BankStatements.Importing.StatementImport(query, clock.GetUtcNow()).PlanAsync([("DemoStatement.camt053.xml", file)], ct);
            await plan.WriteAsync((_, _) => Task.FromResult(store.LightweightSession()), ct);
        }

        await using (var session = store.LightweightSession())
        {
            var current = await session.LoadAsync<Appeal>(AppealStream.IdFor(AppealId), ct) ?? throw new InvalidOperationException("The demo appeal is missing.");
            var funds = await session.Query<Projections.Funds.FundBalance>().Where(f => f.AppealId == AppealId).ToListAsync(ct);
            var now = clock.GetUtcNow();
            var allocated = (Domain.Funds.Allocating.FundsAllocated)Domain.Allocations.AllocationDecider.Decide(
                new Domain.Allocations.AllocateFunds(Guid.CreateVersion7(now), AppealId, "stolberg", "kita-schulmaterial", new Money(6_000), "SI/2021/088", new DateOnly(2021, 12, 10), [], now),
                current, funds.Select(f => new Domain.Funds.Allocating.FundHolding(f.Fund, f.Available, f.Held)).ToList())[0];
            var allocation = Domain.Allocations.AllocationDecider.Evolve(null, allocated);
            var disbursed = Domain.Allocations.AllocationDecider.Decide(new Domain.Allocations.DisburseFunds(allocated.AllocationId, Guid.CreateVersion7(now), new Money(6_000), new DateOnly(2021, 12, 13), "UEB-2021-0815", now), allocation);
            allocation = allocation.After(disbursed, Domain.Allocations.AllocationDecider.Evolve);
            var spent = Domain.Allocations.AllocationDecider.Decide(new Domain.Allocations.ReportSpending(allocated.AllocationId, Guid.CreateVersion7(now), new DateOnly(2021, 12, 15),
                "Spielwaren Becker GmbH", true, "Bastelmaterial für die Kita", "kita-schulmaterial", new Money(1_999), "STO-2021-0042", "Kita Sonnenschein", null, "demo", now), allocation);
            session.Events.StartStream<Domain.Allocations.Allocation>(allocated.AllocationId, [allocated, .. disbursed, .. spent]);
            session.Store(new Spending.SpendingItemIndex(((Domain.Allocations.SpendingReported)spent[0]).ItemId, allocated.AllocationId));
            await session.SaveChangesAsync(ct);
        }
        logger.LogInformation("Demo history seeded: {Pledges} pledges, one bank statement, one allocation to Stolberg", gifts.Length);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private const string StatementResource = "FlutHilfe.Api.DemoData.DemoStatement.camt053.xml";

    /// <summary>The demo pledges' references are fixed (RF.. 2021 1122 0000 000n), so the committed statement can pay them.</summary>
    private static CreditorReference DemoReference(int number) => CreditorReference.Create($"20211122{number:D8}");

    public static OpenAppeal FreudeSchenken(DateTimeOffset openedAt) => new(
        AppealId,
        "Freude schenken",
        "Spendenaufruf für Kinder in den vom Hochwasser im Juli 2021 besonders betroffenen Kommunen. "
        + "Das Geld ist zweckgebunden: Spiel- und Arbeitsmaterialien für Kitas und Schulen, Weihnachtsfeiern "
        + "und gemeinsame außerschulische Aktivitäten.",
        new Issuer("Region Aachen Zweckverband", new PostalAddress("Dennewartstraße 25–27", "52068", "Aachen", "DE")),
        // The standard documentation example IBAN: demo data must never point at a real account.
        new BankAccount(Iban.Parse("DE89370400440532013000"), Bic.Parse("COBADEFFXXX"), "Region Aachen Zweckverband"),
        IsDisasterSpecialAccount: true,
        // NRW's window for the July 2021 flood: 15.07.2021 to 31.10.2021, extended to 31.12.2021.
        new SimplifiedProofWindow(new DateOnly(2021, 7, 15), new DateOnly(2021, 12, 31)),
        [
            new Purpose("kita-schulmaterial", "Spiel- und Arbeitsmaterialien für Kitas und Schulen", null),
            new Purpose("weihnachtsfeiern", "Weihnachtsfeiern", null),
            new Purpose("ausserschulische-aktivitaeten", "Gemeinsame außerschulische Aktivitäten", null),
        ],
        [
            new Municipality("aachen", "Aachen", "StädteRegion Aachen"),
            new Municipality("stolberg", "Stolberg (Rhld.)", "StädteRegion Aachen"),
            new Municipality("eschweiler", "Eschweiler", "StädteRegion Aachen"),
            new Municipality("roetgen", "Roetgen", "StädteRegion Aachen"),
            new Municipality("monschau", "Monschau", "StädteRegion Aachen"),
            new Municipality("herzogenrath", "Herzogenrath", "StädteRegion Aachen"),
            new Municipality("dueren", "Düren", "Kreis Düren"),
            new Municipality("nideggen", "Nideggen", "Kreis Düren"),
            new Municipality("juelich", "Jülich", "Kreis Düren"),
            new Municipality("euskirchen", "Euskirchen", "Kreis Euskirchen"),
            new Municipality("bad-muenstereifel", "Bad Münstereifel", "Kreis Euskirchen"),
            new Municipality("schleiden", "Schleiden", "Kreis Euskirchen"),
            new Municipality("mechernich", "Mechernich", "Kreis Euskirchen"),
            new Municipality("zuelpich", "Zülpich", "Kreis Euskirchen"),
            new Municipality("kall", "Kall", "Kreis Euskirchen"),
            new Municipality("hellenthal", "Hellenthal", "Kreis Euskirchen"),
            new Municipality("blankenheim", "Blankenheim", "Kreis Euskirchen"),
        ],
        "Region Aachen Zweckverband, Geschäftsführung",
        new DateOnly(2022, 12, 31),
        new Money(100_000_000),
        openedAt,
        DisasterDate: new DateOnly(2021, 7, 14),
        // The Zweckverband does not spend the money itself: it passes it on to the municipalities (public-law bodies),
        // so the receipts print the "weitergeleitet" alternative; earmarked gifts name their municipality.
        GiftUse: new GiftUse(true, "die vom Hochwasser im Juli 2021 betroffenen Städte und Gemeinden in der StädteRegion Aachen und in den Kreisen Düren und Euskirchen", null));
}
