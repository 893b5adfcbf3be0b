using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Appeals.Opening;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Tests.Support;

public static class Samples
{
    public static readonly DateTimeOffset Now = new(2021, 11, 15, 10, 0, 0, TimeSpan.Zero);

    public static OpenAppeal OpenAppeal(Money? limit = null) => new(
        "freude-schenken-2021", "Freude schenken", "",
        new Issuer("Region Aachen Zweckverband", new PostalAddress("Dennewartstraße 25–27", "52068", "Aachen", "DE")),
        new BankAccount(Iban.Parse("DE89370400440532013000"), Bic.Parse("COBADEFFXXX"), "Region Aachen Zweckverband"),
        true, new SimplifiedProofWindow(new DateOnly(2021, 7, 15), new DateOnly(2021, 12, 31)),
        [new Purpose("kita-schulmaterial", "Material", null), new Purpose("weihnachtsfeiern", "Weihnachtsfeiern", null)],
        [new Municipality("stolberg", "Stolberg (Rhld.)", null), new Municipality("eschweiler", "Eschweiler", null)],
        "Geschäftsführung", new DateOnly(2022, 12, 31), limit ?? new Money(100_000_00), Now,
        DisasterDate: new DateOnly(2021, 7, 14),
        GiftUse: new GiftUse(true, "die vom Hochwasser im Juli 2021 betroffenen Städte und Gemeinden", null));

    public static AppealOpened AppealOpened(Money? limit = null) => (AppealOpened)AppealDecider.Decide(OpenAppeal(limit), null).Single();

    public static FlutHilfe.Domain.Appeals.Appeal Appeal(Money? limit = null) => Spec.Appeal().Given(AppealOpened(limit)).State!;
}
