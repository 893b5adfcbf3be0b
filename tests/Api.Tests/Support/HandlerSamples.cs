using FlutHilfe.Api.DemoData;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Pledging;
using FlutHilfe.Domain.Donors;
using FlutHilfe.Domain.Payments;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Api.Tests.Support;

/// <summary>State for handler unit tests, folded with the deciders' Evolve: no host, no database.</summary>
public static class HandlerSamples
{
    public static readonly DateTimeOffset Now = new(2021, 11, 22, 10, 0, 0, TimeSpan.Zero);
    public const string AppealId = DemoSeeder.AppealId;

    public static Appeal Appeal() => AppealDecider.Decide(DemoSeeder.FreudeSchenken(Now), null).Aggregate((Appeal?)null, AppealDecider.Evolve)!;

    public static readonly DonorProfile Erika = new(Guid.CreateVersion7(), "Erika Mustermann", "Kaiserplatz 1", "52062", "Aachen", "DE", null, Now);

    public static PledgeDonation Pledge(long cents, DonorProfile? donor = null, bool receiptWanted = false)
        => new(Guid.CreateVersion7(), AppealId, new Money(cents), [], receiptWanted, donor, PaymentReference.New(), "hash", Now);

    public static Donation Pledged(long cents, DonorProfile? donor = null, bool receiptWanted = false)
        => DonationDecider.Decide(Pledge(cents, donor, receiptWanted), Appeal()).Aggregate((Donation?)null, DonationDecider.Evolve)!;

    public static Payment Credit(long cents) => PaymentDecider.Evolve(null, new BankTransactionRecorded(Guid.CreateVersion7(), AppealId, "key",
        "S1", "DE89370400440532013000", PaymentKind.Credit, false, new Money(cents), DateOnly.FromDateTime(Now.UtcDateTime), null, null, null, null, null,
        null, null, 1, Now))!;
}
