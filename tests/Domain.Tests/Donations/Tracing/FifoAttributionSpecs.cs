using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Receiving;
using FlutHilfe.Domain.Donations.Tracing;
using FlutHilfe.Domain.EarmarkDecisions;
using FlutHilfe.Domain.Funds;
using FlutHilfe.Domain.Funds.Allocating;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Tests.Donations.Tracing;

/// <summary>Given a log of money facts, when a donation is traced, then its euros land where the FIFO-per-fund rule says.</summary>
public class FifoAttributionSpecs
{
    private const string Appeal = "freude-schenken-2021";
    private static readonly DateTimeOffset At = new(2021, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly Guid Anna = Id(1), Ben = Id(2), Cleo = Id(3);
    private static readonly Guid Kita = Id(100), Party = Id(101);
    private static readonly Guid Books = Id(200), Toys = Id(201), Cake = Id(202);

    private static Guid Id(int n) => new(n, 0, 0, new byte[8]);

    private sealed class Log
    {
        private readonly List<SequencedEvent> _events = [];

        public Log Given(params object[] events)
        {
            foreach (var e in events) _events.Add(new SequencedEvent(_events.Count + 1, e));
            return this;
        }

        public DonationTrace WhenTraced(Guid donation) => FifoAttribution.Trace(donation, _events);
    }

    private static DonationPaymentReceived Paid(Guid donation, long cents, int bookingDay, Fund? fund = null)
        => new(donation, Appeal, Guid.NewGuid(), new Money(cents), new DateOnly(2021, 11, bookingDay), null,
            [new Earmark((fund ?? Fund.General).MunicipalityId, (fund ?? Fund.General).PurposeId, new Money(cents))], At);

    private static FundsAllocated Allocated(Guid allocation, long cents, string municipality = "stolberg", string fundKey = "general")
        => new(allocation, Appeal, municipality, null, new Money(cents), [new FundDraw(fundKey, fundKey == "general" ? null : municipality, null, new Money(cents))],
            "SI/2021/088", new DateOnly(2021, 12, 10), At);

    private static SpendingReported Spent(Guid allocation, Guid item, long cents, string payee = "Buchhandlung Schmitz", bool organisation = true)
        => new(allocation, Appeal, "stolberg", item, new DateOnly(2021, 12, 15), payee, organisation, "Bilderbücher", "kita-schulmaterial", new Money(cents), "V-1",
            "Kita Sonnenschein", null, null, At);

    private static (Guid, long) Line(TracedAllocation a) => (a.AllocationId, a.Amount.Cents);

    private static EarmarkQuestionAnswered Answered(Guid donation, long cents, string fromFundKey, string? toFundKey)
        => new(donation, Appeal, Id(900), fromFundKey, new Money(cents), toFundKey is null ? EarmarkChoice.Refund : EarmarkChoice.Redirect, toFundKey, false,
            new DateTimeOffset(2022, 1, 5, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public void an_earmark_answer_takes_the_donations_own_money_and_an_allocation_that_held_it_gets_waiting_money_instead()
    {
        var stolberg = new Fund("stolberg", null);
        // Kita drew Anna's 30 € and 30 € of Ben's; Ben's 20 € and Cleo's 20 € wait. Ben takes 40 € back.
        var log = new Log().Given(Paid(Anna, 3_000, 2, stolberg), Paid(Ben, 5_000, 3, stolberg), Paid(Cleo, 2_000, 4, stolberg),
            Allocated(Kita, 6_000, fundKey: "m:stolberg"), Answered(Ben, 4_000, "m:stolberg", null));

        var ben = log.WhenTraced(Ben);
        ben.Refunds.Select(r => (r.Amount.Cents, r.On)).ShouldBe([(4_000L, new DateOnly(2022, 1, 5))]);
        ben.Allocations.Select(Line).ShouldBe([(Kita, 1_000L)]);
        ben.Unallocated.ShouldBeEmpty();
        var cleo = log.WhenTraced(Cleo);
        cleo.Allocations.Select(Line).ShouldBe([(Kita, 2_000L)], "Kita stays funded: Cleo's waiting money took the place of Ben's");
        (log.WhenTraced(Anna).Allocated + ben.Allocated + cleo.Allocated).ShouldBe(new Money(6_000));
    }

    [Fact]
    public void a_bank_return_after_a_refund_answer_still_adds_up()
    {
        var stolberg = new Fund("stolberg", null);
        var returned = new DonationPaymentReturned(Ben, Appeal, Guid.NewGuid(), new Money(5_000), new DateOnly(2022, 1, 20), null,
            [new Earmark("stolberg", null, new Money(5_000))], At);
        var ben = new Log().Given(Paid(Ben, 5_000, 3, stolberg), Answered(Ben, 4_000, "m:stolberg", null), returned).WhenTraced(Ben);

        ben.Paid.ShouldBe(Money.Zero);
        (ben.Allocated + ben.UnallocatedTotal + ben.Refunded).ShouldBe(Money.Zero);
    }

    [Fact]
    public void redirected_money_enters_its_new_fund_as_its_newest_money_on_the_day_of_the_answer()
    {
        var stolberg = new Fund("stolberg", null);
        var log = new Log().Given(Paid(Anna, 3_000, 2), Paid(Ben, 5_000, 3, stolberg), Answered(Ben, 5_000, "m:stolberg", "general"), Allocated(Kita, 6_000));

        var ben = log.WhenTraced(Ben);
        ben.Redirections.Select(r => (r.FromFundKey, r.ToFundKey, r.Amount.Cents)).ShouldBe([("m:stolberg", "general", 5_000L)]);
        ben.Allocations.Select(Line).ShouldBe([(Kita, 3_000L)], "the newest money of the general fund now");
        ben.Unallocated.ShouldBe([new TracedRemainder("general", new Money(2_000))]);
        (ben.Allocated + ben.UnallocatedTotal).ShouldBe(ben.Paid);
    }

    [Fact]
    public void the_oldest_money_of_a_fund_is_allocated_first()
    {
        var trace = new Log().Given(Paid(Anna, 3_000, 2), Paid(Ben, 5_000, 3), Allocated(Kita, 4_000)).WhenTraced(Ben);

        trace.Rule.ShouldBe("fifo-per-fund");
        trace.RuleVersion.ShouldBe(2);
        trace.Paid.ShouldBe(new Money(5_000));
        trace.Allocations.Select(Line).ShouldBe([(Kita, 1_000L)]);
        trace.Unallocated.ShouldBe([new TracedRemainder("general", new Money(4_000))]);
    }

    [Fact]
    public void booking_order_not_recording_order_decides_which_money_is_oldest()
    {
        // Ben's transfer was booked on the 2nd but its statement arrived later: his money is older than Anna's.
        var log = new Log().Given(Paid(Anna, 3_000, 5), Paid(Ben, 2_000, 2), Allocated(Kita, 2_500));

        log.WhenTraced(Ben).Allocations.Select(Line).ShouldBe([(Kita, 2_000L)]);
        log.WhenTraced(Anna).Allocations.Select(Line).ShouldBe([(Kita, 500L)]);
    }

    [Fact]
    public void spending_items_consume_an_allocation_in_the_order_its_money_was_drawn()
    {
        var log = new Log().Given(Paid(Anna, 3_000, 2), Paid(Ben, 5_000, 3), Allocated(Kita, 8_000),
            Spent(Kita, Books, 2_000), Spent(Kita, Toys, 2_500, "Frau Privat", organisation: false));

        var anna = log.WhenTraced(Anna).Allocations.Single();
        anna.Spending.Select(s => (s.ItemId, s.Amount.Cents)).ShouldBe([(Books, 2_000L), (Toys, 1_000L)]);
        anna.Unspent.ShouldBe(Money.Zero);
        var ben = log.WhenTraced(Ben).Allocations.Single();
        ben.Spending.Select(s => (s.ItemId, s.Amount.Cents)).ShouldBe([(Toys, 1_500L)]);
        ben.Unspent.ShouldBe(new Money(3_500));
        // A private payee is never named.
        ben.Spending.Single().Payee.ShouldBeNull();
        anna.Spending[0].Payee.ShouldBe("Buchhandlung Schmitz");
    }

    [Fact]
    public void a_withdrawn_item_consumes_nothing()
    {
        var trace = new Log().Given(Paid(Anna, 3_000, 2), Allocated(Kita, 3_000), Spent(Kita, Books, 1_000),
            new SpendingWithdrawn(Kita, Appeal, "stolberg", Books, new Money(1_000), "kita-schulmaterial", "doppelt", At), Spent(Kita, Toys, 500)).WhenTraced(Anna);

        trace.Allocations.Single().Spending.Select(s => (s.ItemId, s.Amount.Cents)).ShouldBe([(Toys, 500L)]);
    }

    [Fact]
    public void money_paid_back_is_the_newest_of_the_allocation_and_returns_to_its_place_in_the_fund()
    {
        var log = new Log().Given(Paid(Anna, 3_000, 2), Paid(Ben, 3_000, 3), Allocated(Kita, 6_000),
            new UnusedFundsReturned(Kita, Appeal, "stolberg", Guid.NewGuid(), new Money(2_000), new DateOnly(2022, 1, 5), "RUECK", [new FundDraw("general", null, null, new Money(2_000))], At),
            Paid(Cleo, 1_000, 1), Allocated(Party, 2_500));

        // Ben's newest 20 € went back; Cleo's money (booked on the 1st) is older than Ben's, so the next allocation takes hers first.
        log.WhenTraced(Ben).Allocations.Select(Line).ShouldBe([(Kita, 1_000L), (Party, 1_500L)]);
        log.WhenTraced(Ben).Unallocated.ShouldBe([new TracedRemainder("general", new Money(500))]);
        log.WhenTraced(Cleo).Allocations.Select(Line).ShouldBe([(Party, 1_000L)]);
        log.WhenTraced(Anna).Allocations.Select(Line).ShouldBe([(Kita, 3_000L)]);
    }

    [Fact]
    public void a_withdrawn_allocation_gives_its_money_back_to_the_fund()
    {
        var trace = new Log().Given(Paid(Anna, 3_000, 2), Allocated(Kita, 3_000),
            new AllocationWithdrawn(Kita, Appeal, "stolberg", new Money(3_000), [new FundDraw("general", null, null, new Money(3_000))], "Beschluss aufgehoben", At)).WhenTraced(Anna);

        trace.Allocations.ShouldBeEmpty();
        trace.Unallocated.ShouldBe([new TracedRemainder("general", new Money(3_000))]);
    }

    [Fact]
    public void a_bank_return_takes_the_donations_waiting_money_first_then_its_newest_allocated_share()
    {
        var paid = Paid(Anna, 3_000, 2);
        var trace = new Log().Given(paid, Allocated(Kita, 2_000),
            new DonationPaymentReturned(Anna, Appeal, Guid.NewGuid(), new Money(3_000), new DateOnly(2021, 12, 20), "MD06", paid.Allocation, At)).WhenTraced(Anna);

        trace.Paid.ShouldBe(Money.Zero);
        trace.Allocations.ShouldBeEmpty();
        trace.Unallocated.ShouldBeEmpty();
    }

    [Fact]
    public void money_stays_in_its_earmarked_fund()
    {
        var stolberg = new Fund("stolberg", null);
        var trace = new Log().Given(Paid(Anna, 3_000, 2, stolberg), Paid(Ben, 3_000, 1), Allocated(Kita, 1_000, fundKey: "m:stolberg")).WhenTraced(Anna);

        trace.Allocations.Select(a => (a.AllocationId, a.Amount.Cents, a.FundKeys.Single())).ShouldBe([(Kita, 1_000L, "m:stolberg")]);
        trace.Unallocated.ShouldBe([new TracedRemainder("m:stolberg", new Money(2_000))]);
    }

    [Fact]
    public void the_parts_always_add_up_to_what_was_paid()
    {
        var random = new Random(2021);
        for (var run = 0; run < 200; run++)
        {
            var log = new Log();
            var donors = Enumerable.Range(1, 4).Select(Id).ToList();
            long inFund = 0;
            for (var step = 0; step < 12; step++)
            {
                if (random.Next(3) > 0 || inFund == 0)
                {
                    var cents = random.Next(1, 5_000);
                    log.Given(Paid(donors[random.Next(donors.Count)], cents, random.Next(1, 28)));
                    inFund += cents;
                }
                else
                {
                    var allocation = Id(1_000 + step);
                    var cents = random.Next(1, (int)inFund + 1);
                    log.Given(Allocated(allocation, cents), Spent(allocation, Id(2_000 + step), random.Next(1, cents + 1)));
                    inFund -= cents;
                }
            }
            foreach (var donor in donors)
            {
                var trace = log.WhenTraced(donor);
                (trace.Allocated + trace.UnallocatedTotal).ShouldBe(trace.Paid);
                trace.Allocations.ShouldAllBe(a => a.Spent + a.Unspent == a.Amount && !a.Unspent.IsNegative);
            }
        }
    }
}
