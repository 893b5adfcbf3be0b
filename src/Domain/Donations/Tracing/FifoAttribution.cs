using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Donations.Receiving;
using FlutHilfe.Domain.EarmarkDecisions;
using FlutHilfe.Domain.Funds.Allocating;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Donations.Tracing;

/// <summary>A recorded fact with its place in the log (the global sequence orders everything).</summary>
public sealed record SequencedEvent(long Sequence, object Data);

/// <summary>The part of one spending item the donation paid for.</summary>
public sealed record TracedSpending(Guid ItemId, DateOnly Date, string PurposeId, string Reason, string? Payee, string? Facility, Money Amount);

/// <summary>The part of one allocation the donation funded, and what of it was spent on which item.</summary>
public sealed record TracedAllocation(Guid AllocationId, string MunicipalityId, string? PurposeId, string DecisionReference, DateOnly DecidedOn,
    IReadOnlyList<string> FundKeys, Money Amount, IReadOnlyList<TracedSpending> Spending)
{
    public Money Spent => Spending.Aggregate(Money.Zero, (s, i) => s + i.Amount);
    public Money Unspent => Amount - Spent;
}

/// <summary>Money of the donation still waiting in a fund.</summary>
public sealed record TracedRemainder(string FundKey, Money Amount);

/// <summary>
/// Money of the donation moved to another fund by the answer to an earmark question (the donor's, or the default after the
/// deadline); from <see cref="On"/> it is traced on in <see cref="ToFundKey"/> (allocated there or still waiting).
/// </summary>
public sealed record TracedRedirection(Guid DecisionId, string FromFundKey, string ToFundKey, Money Amount, DateOnly On, bool ByDefault, string? Reason);

/// <summary>Money of the donation given back: the donor chose a refund on <see cref="On"/>; <see cref="PaidOn"/> once a statement showed it paid.</summary>
public sealed record TracedRefund(Guid DecisionId, string FromFundKey, Money Amount, DateOnly On, DateOnly? PaidOn, string? Reason);

/// <summary>
/// Where a donation's money went under <see cref="Rule"/> (version <see cref="RuleVersion"/>): allocations plus unallocated plus
/// refunded = paid. Redirections say how money changed its fund; it is counted where it is now.
/// </summary>
public sealed record DonationTrace(Guid DonationId, string Rule, int RuleVersion, Money Paid, IReadOnlyList<TracedAllocation> Allocations,
    IReadOnlyList<TracedRemainder> Unallocated, IReadOnlyList<TracedRedirection> Redirections, IReadOnlyList<TracedRefund> Refunds)
{
    public Money Allocated => Allocations.Aggregate(Money.Zero, (s, a) => s + a.Amount);
    public Money UnallocatedTotal => Unallocated.Aggregate(Money.Zero, (s, r) => s + r.Amount);
    public Money Refunded => Refunds.Aggregate(Money.Zero, (s, r) => s + r.Amount);
}

/// <summary>
/// The attribution rule "FIFO per fund" (version 1), a declared convention — money in a fund is fungible, so which donor's
/// euro paid for what is a rule, not a fact:
/// <list type="number">
/// <item>Money enters a fund in booking order (booking date, then log sequence), per earmark share of each payment.</item>
/// <item>An allocation draws on each fund from the oldest money first.</item>
/// <item>Spending items of an allocation (in the order reported, withdrawn items left out) consume its money in the order it was drawn;
/// what is left is the allocation's unspent money.</item>
/// <item>Money going back from an allocation (withdrawn or paid back unused) is the newest money it drew; it returns to the
/// fund at its original place in the queue.</item>
/// <item>A match undone or a bank return removes the donation's own money: first what still waits in the fund (newest first),
/// then, if the fund was overdrawn, its share of the newest allocations (those are then funded by the overdraft); money an
/// earmark answer redirected leaves from its new fund.</item>
/// <item>(Version 2.) An answer to an earmark question (<see cref="EarmarkQuestionAnswered"/>) takes the donation's own money
/// out of the fund in question: first what still waits there (newest first); when the rest of it was drawn by allocations,
/// the newest of those swap it for money still waiting in the fund (oldest first), so what the fund gave stays funded. A
/// redirection (another fund or the general fund) puts the money into its new fund as booked on the day of the answer; a
/// refund takes it out of every fund. Allocated + not allocated + refunded = paid.</item>
/// </list>
/// Pure: the same log gives the same answer, whatever the projections hold.
/// </summary>
public static class FifoAttribution
{
    public const string Rule = "fifo-per-fund";
    public const int RuleVersion = 2;

    private sealed record Lot(Guid Donation, DateOnly BookingDate, long Sequence, string FundKey, long Cents);

    private sealed class AllocationState(FundsAllocated decision)
    {
        public FundsAllocated Decision { get; } = decision;
        public List<Lot> Slices { get; } = [];
        public List<SpendingReported> Items { get; } = [];
    }

    /// <summary>The trace of <paramref name="donationId"/> from every money fact of its appeal, in log order.</summary>
    public static DonationTrace Trace(Guid donationId, IEnumerable<SequencedEvent> log)
    {
        var funds = new Dictionary<string, List<Lot>>();
        var allocations = new Dictionary<Guid, AllocationState>();
        var order = new List<AllocationState>();
        var paid = Money.Zero;
        var reasons = new Dictionary<Guid, string>();
        var redirections = new List<TracedRedirection>();
        var refunds = new List<TracedRefund>();

        foreach (var (sequence, data) in log.OrderBy(e => e.Sequence).Select(e => (e.Sequence, e.Data)))
        {
            switch (data)
            {
                case DonationPaymentReceived r:
                    foreach (var part in r.Allocation) Enqueue(funds, new Lot(r.DonationId, r.BookingDate, sequence, part.Fund.Key, part.Amount.Cents));
                    if (r.DonationId == donationId) paid += r.Amount;
                    break;
                case DonationPaymentWithdrawn w:
                    foreach (var part in w.Allocation) Refunded(refunds, w.DonationId == donationId, TakeBack(funds, order, w.DonationId, part.Fund.Key, part.Amount.Cents));
                    if (w.DonationId == donationId) paid -= w.Amount;
                    break;
                case DonationPaymentReturned r:
                    foreach (var part in r.Allocation) Refunded(refunds, r.DonationId == donationId, TakeBack(funds, order, r.DonationId, part.Fund.Key, part.Amount.Cents));
                    if (r.DonationId == donationId) paid -= r.Amount;
                    break;
                case FundsAllocated a:
                    var state = new AllocationState(a);
                    allocations[a.AllocationId] = state;
                    order.Add(state);
                    foreach (var draw in a.Draws) state.Slices.AddRange(TakeOldest(funds, draw.FundKey, draw.Amount.Cents));
                    break;
                case AllocationWithdrawn w when allocations.TryGetValue(w.AllocationId, out var s):
                    GiveBack(funds, s, w.Draws);
                    break;
                case UnusedFundsReturned u when allocations.TryGetValue(u.AllocationId, out var s):
                    GiveBack(funds, s, u.Draws);
                    break;
                case SpendingReported item when allocations.TryGetValue(item.AllocationId, out var s):
                    s.Items.Add(item);
                    break;
                case SpendingWithdrawn item when allocations.TryGetValue(item.AllocationId, out var s):
                    s.Items.RemoveAll(i => i.ItemId == item.ItemId);
                    break;
                case EarmarkDecisionStarted started:
                    reasons[started.DecisionId] = started.Reason;
                    break;
                case EarmarkQuestionAnswered answer:
                    var day = GermanDate.DayOf(answer.AnsweredAt);
                    var moved = TakeOut(funds, order, answer.DonationId, answer.FromFundKey, answer.Amount.Cents);
                    if (answer.ToFundKey is { } to) Enqueue(funds, new Lot(answer.DonationId, day, sequence, to, moved));
                    if (answer.DonationId != donationId || moved == 0) break;
                    var reason = reasons.GetValueOrDefault(answer.DecisionId);
                    if (answer.ToFundKey is { } target)
                        redirections.Add(new TracedRedirection(answer.DecisionId, answer.FromFundKey, target, Money.FromCents(moved), day, answer.ByDefault, reason));
                    else refunds.Add(new TracedRefund(answer.DecisionId, answer.FromFundKey, Money.FromCents(moved), day, null, reason));
                    break;
                case RefundPaid refundPaid when refundPaid.DonationId == donationId:
                    SetPaidOn(refunds, refundPaid.RefundId, donationId, refundPaid.BookedOn);
                    break;
                case RefundReturned refundReturned when refundReturned.DonationId == donationId:
                    SetPaidOn(refunds, refundReturned.RefundId, donationId, null);
                    break;
            }
        }

        var traced = order.Select(a => Traced(a, donationId)).Where(a => a is not null).Select(a => a!).ToList();
        var remainder = funds.SelectMany(f => f.Value).Where(l => l.Donation == donationId).GroupBy(l => l.FundKey)
            .Select(g => new TracedRemainder(g.Key, Money.FromCents(g.Sum(l => l.Cents)))).Where(r => r.Amount.IsPositive)
            .OrderBy(r => r.FundKey, StringComparer.Ordinal).ToList();
        var trace = new DonationTrace(donationId, Rule, RuleVersion, paid, traced, remainder, redirections, refunds);
        Invariant.That(trace.Allocated + trace.UnallocatedTotal + trace.Refunded == paid, "The traced parts of a donation add up to what it paid.");
        return trace;
    }

    private static void Enqueue(Dictionary<string, List<Lot>> funds, Lot lot)
    {
        if (lot.Cents <= 0) return;
        var queue = funds.TryGetValue(lot.FundKey, out var q) ? q : funds[lot.FundKey] = [];
        var at = queue.FindIndex(l => (l.BookingDate, l.Sequence).CompareTo((lot.BookingDate, lot.Sequence)) > 0);
        var same = queue.FindIndex(l => l.Donation == lot.Donation && l.Sequence == lot.Sequence && l.BookingDate == lot.BookingDate);
        if (same >= 0) queue[same] = queue[same] with { Cents = checked(queue[same].Cents + lot.Cents) };
        else if (at < 0) queue.Add(lot);
        else queue.Insert(at, lot);
    }

    /// <summary>Takes <paramref name="cents"/> from the front of a fund's queue (oldest money first).</summary>
    private static List<Lot> TakeOldest(Dictionary<string, List<Lot>> funds, string fundKey, long cents)
    {
        var taken = new List<Lot>();
        if (!funds.TryGetValue(fundKey, out var queue)) return taken;
        while (cents > 0 && queue.Count > 0)
        {
            var lot = queue[0];
            var part = Math.Min(cents, lot.Cents);
            taken.Add(lot with { Cents = part });
            cents -= part;
            if (part == lot.Cents) queue.RemoveAt(0);
            else queue[0] = lot with { Cents = lot.Cents - part };
        }
        return taken;
    }

    /// <summary>Money going back from an allocation: its newest slices of each fund, back to their place in the fund.</summary>
    private static void GiveBack(Dictionary<string, List<Lot>> funds, AllocationState allocation, IReadOnlyList<FundDraw> draws)
    {
        foreach (var draw in draws)
        {
            foreach (var lot in TakeNewest(allocation.Slices, l => l.FundKey == draw.FundKey, draw.Amount.Cents)) Enqueue(funds, lot);
        }
    }

    /// <summary>A donation's own money leaves: what still waits in the fund first, then its share of the newest allocations.</summary>
    private static long TakeBack(Dictionary<string, List<Lot>> funds, List<AllocationState> order, Guid donation, string fundKey, long cents)
    {
        if (funds.TryGetValue(fundKey, out var queue)) cents -= TakeNewest(queue, l => l.Donation == donation, cents).Sum(l => l.Cents);
        for (var i = order.Count - 1; i >= 0 && cents > 0; i--)
            cents -= TakeNewest(order[i].Slices, l => l.Donation == donation && l.FundKey == fundKey, cents).Sum(l => l.Cents);
        // Money an earmark answer redirected is in its new fund now: it leaves from there.
        foreach (var other in funds.Values)
            if (cents > 0) cents -= TakeNewest(other, l => l.Donation == donation, cents).Sum(l => l.Cents);
        for (var i = order.Count - 1; i >= 0 && cents > 0; i--)
            cents -= TakeNewest(order[i].Slices, l => l.Donation == donation, cents).Sum(l => l.Cents);
        return cents;
    }

    /// <summary>
    /// A return the donation's money in the funds cannot cover took back money already refunded at an earmark answer: the
    /// bank gave it back, so the refund is smaller by that (newest refund first). The payment file may still owe it: the
    /// treasury sees that on the refund, not here.
    /// </summary>
    private static void Refunded(List<TracedRefund> refunds, bool traced, long uncovered)
    {
        for (var i = refunds.Count - 1; traced && i >= 0 && uncovered > 0; i--)
        {
            var part = Math.Min(uncovered, refunds[i].Amount.Cents);
            refunds[i] = refunds[i] with { Amount = Money.FromCents(refunds[i].Amount.Cents - part) };
            uncovered -= part;
        }
    }

    /// <summary>
    /// The donation's money leaves a fund by an earmark answer: what waits there first (newest first); the rest from the newest
    /// allocations, each given money still waiting in the fund (oldest first) in its place. Answers the cents taken.
    /// </summary>
    private static long TakeOut(Dictionary<string, List<Lot>> funds, List<AllocationState> order, Guid donation, string fundKey, long cents)
    {
        var taken = funds.TryGetValue(fundKey, out var queue) ? TakeNewest(queue, l => l.Donation == donation, cents).Sum(l => l.Cents) : 0;
        for (var i = order.Count - 1; i >= 0 && taken < cents; i--)
        {
            var mine = TakeNewest(order[i].Slices, l => l.Donation == donation && l.FundKey == fundKey, cents - taken).Sum(l => l.Cents);
            order[i].Slices.AddRange(TakeOldest(funds, fundKey, mine));
            taken += mine;
        }
        return taken;
    }

    private static void SetPaidOn(List<TracedRefund> refunds, Guid refundId, Guid donationId, DateOnly? paidOn)
    {
        var at = refunds.FindIndex(r => RefundDecider.IdFor(donationId, r.DecisionId) == refundId);
        if (at >= 0) refunds[at] = refunds[at] with { PaidOn = paidOn };
    }

    private static List<Lot> TakeNewest(List<Lot> lots, Func<Lot, bool> which, long cents)
    {
        var taken = new List<Lot>();
        for (var i = lots.Count - 1; i >= 0 && cents > 0; i--)
        {
            var lot = lots[i];
            if (!which(lot)) continue;
            var part = Math.Min(cents, lot.Cents);
            taken.Add(lot with { Cents = part });
            cents -= part;
            if (part == lot.Cents) lots.RemoveAt(i);
            else lots[i] = lot with { Cents = lot.Cents - part };
        }
        return taken;
    }

    /// <summary>The donation's share of one allocation; spending consumes the allocation's slices in draw order.</summary>
    private static TracedAllocation? Traced(AllocationState allocation, Guid donation)
    {
        var mine = allocation.Slices.Where(l => l.Donation == donation).ToList();
        if (mine.Count == 0) return null;
        var spending = new Dictionary<Guid, long>();
        var slice = 0;
        var leftInSlice = allocation.Slices.Count > 0 ? allocation.Slices[0].Cents : 0;
        foreach (var item in allocation.Items)
        {
            var need = item.Amount.Cents;
            while (need > 0 && slice < allocation.Slices.Count)
            {
                var part = Math.Min(need, leftInSlice);
                if (allocation.Slices[slice].Donation == donation && part > 0) spending[item.ItemId] = spending.GetValueOrDefault(item.ItemId) + part;
                need -= part;
                leftInSlice -= part;
                if (leftInSlice == 0 && ++slice < allocation.Slices.Count) leftInSlice = allocation.Slices[slice].Cents;
            }
        }
        var d = allocation.Decision;
        return new TracedAllocation(d.AllocationId, d.MunicipalityId, d.PurposeId, d.DecisionReference, d.DecidedOn,
            mine.Select(l => l.FundKey).Distinct().Order(StringComparer.Ordinal).ToList(), Money.FromCents(mine.Sum(l => l.Cents)),
            allocation.Items.Where(i => spending.ContainsKey(i.ItemId)).Select(i => new TracedSpending(i.ItemId, i.Date, i.PurposeId, i.Reason,
                i.PayeeIsOrganisation ? i.Payee : null, i.Facility, Money.FromCents(spending[i.ItemId]))).ToList());
    }
}
