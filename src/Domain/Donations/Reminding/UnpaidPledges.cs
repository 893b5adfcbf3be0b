using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Donations.Reminding;

/// <summary>
/// When an unpaid pledge is reminded and when it expires, in German calendar days after the day of the pledge
/// (<c>Deadlines:PledgeReminderDays</c>, <c>Deadlines:PledgeExpiryDays</c>).
/// </summary>
public sealed record PledgeTerms(int ReminderDays, int ExpiryDays)
{
    public static readonly PledgeTerms Default = new(10, 60);
    public const int DaysMax = 3660;

    /// <summary>Why these terms cannot work, or null.</summary>
    public string? Problem()
        => ReminderDays < 1 || ExpiryDays > DaysMax || ReminderDays >= ExpiryDays
            ? $"Deadlines:PledgeReminderDays ({ReminderDays}) must be at least 1 and less than Deadlines:PledgeExpiryDays ({ExpiryDays}), which is at most {DaysMax}."
            : null;
}

/// <summary>Send the donor of an unpaid pledge a reminder with the transfer data. <see cref="Mailed"/>: an address is known and mail is on.</summary>
public sealed record RemindUnpaidPledge(Guid DonationId, PledgeTerms Terms, bool Mailed, DateTimeOffset Now);

/// <summary>Let an unpaid pledge expire: it leaves the figures of "pledged".</summary>
public sealed record ExpirePledge(Guid DonationId, PledgeTerms Terms, DateTimeOffset Now);

/// <summary>
/// The donor of an unpaid pledge was reminded (<see cref="Mailed"/>: a mail with the transfer data went to the outbox in the
/// same commit; false: no e-mail address was given or mail is off, so nobody could be reminded). Once per pledge.
/// </summary>
public sealed record UnpaidPledgeReminded(Guid DonationId, string AppealId, Money Amount, DateOnly DueOn, bool Mailed, DateTimeOffset RemindedAt)
    : IEventOf<Donation>;

/// <summary>No money arrived for a pledge by its expiry day: it no longer counts as pledged. Money that still arrives books as usual.</summary>
public sealed record PledgeExpired(Guid DonationId, string AppealId, Money Amount, DateOnly DueOn, DateTimeOffset ExpiredAt) : IEventOf<Donation>, IAppealEvent;

/// <summary>Money arrived for an expired pledge (<see cref="PaymentId"/>): the pledge counts as pledged again, and as paid as the money says.</summary>
public sealed record ExpiredPledgePaid(Guid DonationId, string AppealId, Money Amount, Guid PaymentId, DateTimeOffset RecordedAt) : IEventOf<Donation>, IAppealEvent;

public static class UnpaidPledges
{
    /// <summary>A pledge nothing has arrived for (money booked and then returned by the bank counts as arrived).</summary>
    public static bool IsUnpaid(Donation d) => d.WasPledged && !d.Received.IsPositive && !d.Expired;

    public static DateOnly PledgeDay(Donation d) => GermanDate.DayOf(d.PledgedAt);

    public static DateOnly ReminderDay(Donation d, PledgeTerms terms) => PledgeDay(d).AddDays(terms.ReminderDays);

    public static DateOnly ExpiryDay(Donation d, PledgeTerms terms) => PledgeDay(d).AddDays(terms.ExpiryDays);
}
