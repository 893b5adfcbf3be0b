using FlutHilfe.Domain.EarmarkDecisions;
using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Donations.Pledging;
using FlutHilfe.Domain.Donations.Receiving;
using FlutHilfe.Domain.Donations.Reminding;
using FlutHilfe.Domain.Funds.Allocating;
using FlutHilfe.Domain.Shared;
using JasperFx.Events;

namespace FlutHilfe.Projections.Replaying;

/// <summary>
/// The second clock: the business date each fact counts on ("as effective on"), as opposed to the instant it was recorded
/// ("as known on", the event's timestamp).
/// <list type="bullet">
/// <item>Money that moved on a bank account counts on the date the bank or the decision gives it: payments and bank returns on
/// their booking date, allocations on the committee's <c>decidedOn</c>, disbursements on <c>paidOn</c>, money paid back on
/// <c>returnedOn</c>, spending items on their voucher date.</item>
/// <item>A correction undoes a fact as if it had never counted, so it takes the date of what it corrects: an undone match
/// (<see cref="DonationPaymentWithdrawn"/>) the booking date of that payment on that donation, a withdrawn spending item
/// (<see cref="SpendingWithdrawn"/>) the item's date. Otherwise a wrong match undone in January and matched anew would count
/// twice in December.</item>
/// <item>A payment booked as a donation without pledge counts (as a donation) on its payment's booking date.</item>
/// <item>Facts whose only time is the business instant of their command (pledges, withdrawn allocations, proofs of use and
/// their review) count on that instant's German calendar day (Europe/Berlin); any other event on the German day it was recorded.</item>
/// </list>
/// </summary>
public static class BusinessDates
{
    /// <summary>The events (in their order) whose business date lies on or before <paramref name="effectiveOn"/>.</summary>
    public static IReadOnlyList<IEvent> EffectiveOn(IReadOnlyList<IEvent> events, DateOnly effectiveOn)
    {
        var dates = Of(events);
        return events.Where((_, i) => dates[i] <= effectiveOn).ToList();
    }

    /// <summary>The business date of each event, by position. Corrections look back (and a booked donation ahead) in the same list.</summary>
    public static IReadOnlyList<DateOnly> Of(IReadOnlyList<IEvent> events)
    {
        var paymentDates = new Dictionary<(Guid Donation, Guid Payment), DateOnly>();
        var itemDates = new Dictionary<Guid, DateOnly>();
        foreach (var e in events)
        {
            if (e.Data is DonationPaymentReceived r) paymentDates.TryAdd((r.DonationId, r.PaymentId), r.BookingDate);
            if (e.Data is SpendingReported s) itemDates.TryAdd(s.ItemId, s.Date);
        }

        return events.Select(e => e.Data switch
        {
            DonationPledged x => GermanDate.DayOf(x.PledgedAt),
            DonationBookedFromPayment x => paymentDates.GetValueOrDefault((x.DonationId, x.PaymentId), GermanDate.DayOf(x.BookedAt)),
            DonationPaymentReceived x => x.BookingDate,
            DonationPaymentWithdrawn x => paymentDates.GetValueOrDefault((x.DonationId, x.PaymentId), GermanDate.DayOf(x.RecordedAt)),
            DonationPaymentReturned x => x.BookingDate,
            // An expired pledge counts from its expiry day; money that still came counts from its booking date.
            PledgeExpired x => x.DueOn,
            ExpiredPledgePaid x => paymentDates.GetValueOrDefault((x.DonationId, x.PaymentId), GermanDate.DayOf(x.RecordedAt)),
            FundsAllocated x => x.DecidedOn,
            AllocationWithdrawn x => GermanDate.DayOf(x.WithdrawnAt),
            FundsDisbursed x => x.PaidOn,
            DisbursementReturned x => x.ReturnedOn,
            RefundPaid x => x.BookedOn,
            RefundReturned x => x.ReturnedOn,
            UnusedFundsReturned x => x.ReturnedOn,
            SpendingReported x => x.Date,
            SpendingWithdrawn x => itemDates.GetValueOrDefault(x.ItemId, GermanDate.DayOf(x.WithdrawnAt)),
            ProofOfUseSubmitted x => GermanDate.DayOf(x.SubmittedAt),
            ProofOfUseAccepted x => GermanDate.DayOf(x.ReviewedAt),
            ProofOfUseRejected x => GermanDate.DayOf(x.ReviewedAt),
            _ => GermanDate.DayOf(e.Timestamp),
        }).ToList();
    }
}

/// <summary>
/// The two clocks of a replay: <see cref="AsOf"/> keeps what was recorded by that instant, <see cref="EffectiveOn"/> what
/// counts on or before that business date (<see cref="BusinessDates"/>). Both: what was known at <see cref="AsOf"/> about the
/// days up to <see cref="EffectiveOn"/>. Neither: the stored read models.
/// </summary>
public sealed record ReplayWindow(DateTimeOffset? AsOf, DateOnly? EffectiveOn)
{
    public static readonly ReplayWindow Current = new(null, null);

    public bool IsCurrent => AsOf is null && EffectiveOn is null;

    /// <summary>The events of <paramref name="events"/> (recorded by <see cref="AsOf"/> already) that count on <see cref="EffectiveOn"/>.</summary>
    public IReadOnlyList<IEvent> Filter(IReadOnlyList<IEvent> events)
    {
        IReadOnlyList<IEvent> known = AsOf is { } at ? events.Where(e => e.Timestamp <= at).ToList() : events;
        return EffectiveOn is { } day ? BusinessDates.EffectiveOn(known, day) : known;
    }
}
