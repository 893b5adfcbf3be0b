using FlutHilfe.Api.Appeals.Opening;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Appeals.Opening;
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
        await OpenAppealEndpoint.Open(FreudeSchenken(), session, clock, cancellationToken);
        var changed = session.PendingChanges.Streams().Any(s => s.Events.Count > 0);
        await session.SaveChangesAsync(cancellationToken);
        logger.LogInformation(changed ? "Demo appeal {Appeal} seeded" : "Demo appeal {Appeal} already present", AppealId);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public static OpenAppeal FreudeSchenken() => new(
        AppealId,
        "Freude schenken",
        "Spendenaufruf für Kinder in den vom Hochwasser im Juli 2021 besonders betroffenen Kommunen. "
        + "Das Geld ist zweckgebunden: Spiel- und Arbeitsmaterialien für Kitas und Schulen, Weihnachtsfeiern "
        + "und gemeinsame außerschulische Aktivitäten.",
        new Issuer("Region Aachen Zweckverband", new PostalAddress("Dennewartstraße 25–27", "52068", "Aachen", "DE")),
        // The standard documentation example IBAN: demo data must never point at a real account.
        new BankAccount(Iban.Parse("DE89370400440532013000"), Bic.Parse("COBADEFFXXX"), "Region Aachen Zweckverband"),
        IsDisasterSpecialAccount: true,
        new SimplifiedProofWindow(new DateOnly(2021, 7, 14), new DateOnly(2021, 12, 31)),
        [
            new Purpose("kita-schulmaterial", "Spiel- und Arbeitsmaterialien für Kitas und Schulen", null),
            new Purpose("weihnachtsfeiern", "Weihnachtsfeiern", null),
            new Purpose("ausserschulische-aktivitaeten", "Gemeinsame außerschulische Aktivitäten", null),
        ],
        [
            new Municipality("aachen", "Aachen", "Städteregion Aachen"),
            new Municipality("stolberg", "Stolberg (Rhld.)", "Städteregion Aachen"),
            new Municipality("eschweiler", "Eschweiler", "Städteregion Aachen"),
            new Municipality("roetgen", "Roetgen", "Städteregion Aachen"),
            new Municipality("monschau", "Monschau", "Städteregion Aachen"),
            new Municipality("herzogenrath", "Herzogenrath", "Städteregion Aachen"),
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
        new Money(100_000_000));
}
