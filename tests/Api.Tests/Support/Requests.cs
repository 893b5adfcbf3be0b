namespace FlutHilfe.Api.Tests.Support;

/// <summary>Request bodies shared by many tests, as a client would send them.</summary>
public static class Requests
{
    public const string AppealId = "freude-schenken-2021";
    public const string AppealIban = "DE89370400440532013000";

    /// <summary>The demo appeal's data: disaster on 14.07.2021, simplified proof 15.07.–31.12.2021, money passed on to the municipalities.</summary>
    public static object OpenAppeal(string appealId = AppealId, string iban = AppealIban, long? pledgeLimitCents = null) => new
    {
        appealId,
        title = "Freude schenken",
        description = "Für Kinder in den vom Hochwasser betroffenen Kommunen.",
        beneficiary = new { name = "Region Aachen Zweckverband", address = new { street = "Dennewartstraße 25–27", postalCode = "52068", city = "Aachen", country = "DE" } },
        account = new { iban, bic = "COBADEFFXXX", holder = "Region Aachen Zweckverband" },
        isDisasterSpecialAccount = true,
        simplifiedProof = new { from = "2021-07-15", to = "2021-12-31" },
        disasterDate = "2021-07-14",
        giftUse = new { passedOn = true, recipient = "die vom Hochwasser im Juli 2021 betroffenen Städte und Gemeinden in der StädteRegion Aachen und in den Kreisen Düren und Euskirchen" },
        purposes = new[]
        {
            new { id = "kita-schulmaterial", name = "Spiel- und Arbeitsmaterialien für Kitas und Schulen" },
            new { id = "weihnachtsfeiern", name = "Weihnachtsfeiern" },
        },
        municipalities = new[]
        {
            new { id = "stolberg", name = "Stolberg (Rhld.)", district = "StädteRegion Aachen" },
            new { id = "eschweiler", name = "Eschweiler", district = "StädteRegion Aachen" },
        },
        receiptSignatory = "Geschäftsführung",
        proofOfUseDeadline = "2022-12-31",
        pledgeLimitCents,
    };

    public static async Task OpenAppealAsync(this AppFixture app, string appealId = AppealId, string iban = AppealIban, long? pledgeLimitCents = null)
    {
        await app.Host.Scenario(s =>
        {
            s.Post.Json(OpenAppeal(appealId, iban, pledgeLimitCents)).ToUrl("/api/appeals");
            s.WithBearer(app.Token("treasurer"));
            s.StatusCodeShouldBe(201);
        });
    }
}
