using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Receipts.Covering;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Receipts.Offering;

/// <summary>
/// A receipt offer waits for the donor's answer: a pledged donation has money (a payment of more than 300 €, outside the
/// appeal's disaster window) for which the bank statement does not suffice (§ 50 Abs. 4 EStDV), no valid receipt states it,
/// and the donor did not ask for a receipt. The donor link offers it from the payment's booking day (the offer day); the
/// donor is reminded once from <see cref="ReminderDays"/> after it; after <see cref="AnswerDays"/> the documented default
/// applies: no receipt is issued and the offer lapses (no more reminders). A receipt can still be requested later.
/// </summary>
public sealed record ReceiptOfferTerms(int ReminderDays, int AnswerDays)
{
    public static readonly ReceiptOfferTerms Default = new(14, 42);

    public string? Problem()
        => ReminderDays < 1 || AnswerDays > PledgeTermsMax || ReminderDays >= AnswerDays
            ? $"Deadlines:ReceiptOfferReminderDays ({ReminderDays}) must be at least 1 and less than Deadlines:ReceiptOfferAnswerDays ({AnswerDays}), which is at most {PledgeTermsMax}."
            : null;

    private const int PledgeTermsMax = 3660;
}

/// <summary>Decide the receipt offer's next step now: a reminder (<see cref="Mailed"/>: an address is known and mail is on), the default, or nothing.</summary>
public sealed record DecideReceiptOffer(Guid DonationId, ReceiptOfferTerms Terms, bool Mailed, DateTimeOffset Now);

/// <summary>
/// The donor of a donation whose bank statement does not suffice was reminded that a receipt can be requested through the donor
/// link (<see cref="Amount"/>: the money needing one; <see cref="Mailed"/> false: no e-mail address or mail off). Once per offer.
/// </summary>
public sealed record ReceiptOfferReminded(Guid DonationId, string AppealId, Money Amount, DateOnly OfferedOn, DateOnly AnswerBy, bool Mailed,
    DateTimeOffset RemindedAt) : IEventOf<Donation>;

/// <summary>
/// No answer by <see cref="AnswerBy"/>: the documented default applies, no receipt is issued and the offer lapses (no more
/// reminders). The donor can still request a receipt through the donor link.
/// </summary>
public sealed record ReceiptOfferLapsed(Guid DonationId, string AppealId, Money Amount, DateOnly OfferedOn, DateOnly AnswerBy, DateTimeOffset LapsedAt)
    : IEventOf<Donation>;

public static class ReceiptOffers
{
    /// <summary>The open payments the bank statement does not suffice for, oldest first.</summary>
    public static IReadOnlyList<ReceiptablePayment> Needing(Donation d, Appeal appeal)
        => ReceiptCoverage.Open(d).Where(p => !SimplifiedProof.Suffices(appeal, p.Date, p.Amount)).ToList();

    /// <summary>Whether the offer still waits for the donor (pledged, no receipt asked for, not lapsed).</summary>
    public static bool Waits(Donation d) => d.WasPledged && !d.ReceiptWanted && d.ReceiptOfferLapsedAt is null;

    /// <summary>
    /// From the reminder day to the deadline day, once: the reminder; after the deadline day: the default (a reminder whose
    /// window passed unswept is not sent). Asked for, receipted, lapsed or early: nothing.
    /// </summary>
    public static IReadOnlyList<object> Decide(DecideReceiptOffer c, Donation? donation, Appeal appeal)
    {
        if (donation is null || !Waits(donation)) return [];
        var needing = Needing(donation, appeal);
        if (needing.Count == 0) return [];
        var offeredOn = needing[0].Date;
        var amount = needing.Aggregate(Money.Zero, (s, p) => checked(s + p.Amount));
        var answerBy = offeredOn.AddDays(c.Terms.AnswerDays);
        var today = GermanDate.DayOf(c.Now);
        if (today > answerBy) return [new ReceiptOfferLapsed(donation.Id, donation.AppealId, amount, offeredOn, answerBy, c.Now)];
        if (donation.ReceiptOfferRemindedAt is null && today >= offeredOn.AddDays(c.Terms.ReminderDays))
            return [new ReceiptOfferReminded(donation.Id, donation.AppealId, amount, offeredOn, answerBy, c.Mailed, c.Now)];
        return [];
    }
}
