using FlutHilfe.Api.Spending;
using FlutHilfe.Api.Spending.Reporting;
using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Funds;
using FlutHilfe.Domain.Funds.Allocating;
using FlutHilfe.Domain.Shared;
using Wolverine.Marten;
using static FlutHilfe.Api.Tests.Support.HandlerSamples;

namespace FlutHilfe.Api.Tests.Spending;

/// <summary>
/// The spending handler as a plain function (Wolverine's <c>[WriteAggregate]</c> hands it the allocation): the events to
/// append and the index document to store are returned values, so a test reads them without a database.
/// </summary>
public class ReportSpendingHandlerTests
{
    private static readonly Allocation Allocated = AllocationDecider.Decide(
            new AllocateFunds(Guid.CreateVersion7(), AppealId, "stolberg", null, new Money(6_000), "SI/2021/088", new DateOnly(2021, 12, 10), [], Now),
            Appeal(), [new FundHolding(Fund.General, new Money(10_000))])
        .Aggregate((Allocation?)null, AllocationDecider.Evolve)!;

    private static ReportSpending Report(Guid itemId, long cents = 1_999) => new(Allocated.Id, itemId, new DateOnly(2021, 12, 15), "Spielwaren Becker GmbH", true,
        "Bastelmaterial", "kita-schulmaterial", new Money(cents), "STO-2021-0042", null, null, "clerk", Now);

    [Fact]
    public void a_new_item_is_appended_and_indexed_in_the_same_commit()
    {
        var itemId = Guid.CreateVersion7();
        var (events, index, after) = ReportSpendingHandler.Handle(Report(itemId), Allocated);

        events.ShouldHaveSingleItem().ShouldBeOfType<SpendingReported>().ItemId.ShouldBe(itemId);
        index.ShouldBeOfType<StoreDoc<SpendingItemIndex>>().Document.ShouldBe(new SpendingItemIndex(itemId, Allocated.Id));
        (after.Spent, after.Open).ShouldBe((new Money(1_999), new Money(4_001)));
    }

    [Fact]
    public void the_same_item_again_appends_and_stores_nothing()
    {
        var itemId = Guid.CreateVersion7();
        var reported = ReportSpendingHandler.Handle(Report(itemId), Allocated).Item3;
        var (events, index, after) = ReportSpendingHandler.Handle(Report(itemId), reported);
        events.ShouldBeEmpty();
        index.ShouldBeOfType<NoOp>();
        after.ShouldBe(reported);
    }

    [Fact]
    public void overspending_is_refused_naming_the_amount()
        => Should.Throw<DomainException>(() => ReportSpendingHandler.Handle(Report(Guid.CreateVersion7(), 6_001), Allocated)).Field.ShouldBe("amountCents");
}
