using FlutHilfe.Domain.Donations.Reminding;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Donations;

public static partial class DonationDecider
{
    /// <summary>
    /// Due from the reminder day until the day before expiry (a sweep that first looks after that expires the pledge and
    /// reminds nobody); once per pledge; never for a paid, partly paid or expired pledge. Early or repeated: nothing.
    /// </summary>
    public static IReadOnlyList<object> Decide(RemindUnpaidPledge command, Donation? donation)
    {
        if (donation is null || !UnpaidPledges.IsUnpaid(donation) || donation.RemindedAt is not null) return [];
        var today = GermanDate.DayOf(command.Now);
        var due = UnpaidPledges.ReminderDay(donation, command.Terms);
        if (today < due || today >= UnpaidPledges.ExpiryDay(donation, command.Terms)) return [];
        return [new UnpaidPledgeReminded(donation.Id, donation.AppealId, donation.Pledged, due, command.Mailed, command.Now)];
    }

    /// <summary>Due on the expiry day and after, while nothing has arrived. Early or repeated: nothing.</summary>
    public static IReadOnlyList<object> Decide(ExpirePledge command, Donation? donation)
    {
        if (donation is null || !UnpaidPledges.IsUnpaid(donation)) return [];
        var due = UnpaidPledges.ExpiryDay(donation, command.Terms);
        if (GermanDate.DayOf(command.Now) < due) return [];
        return [new PledgeExpired(donation.Id, donation.AppealId, donation.Pledged, due, command.Now)];
    }
}
