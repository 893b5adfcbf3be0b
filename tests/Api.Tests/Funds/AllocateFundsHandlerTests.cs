using FlutHilfe.Api.Funds.Allocating;
using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Funds;
using FlutHilfe.Domain.Funds.Allocating;
using FlutHilfe.Domain.Shared;
using JasperFx.Events;
using static FlutHilfe.Api.Tests.Support.HandlerSamples;

namespace FlutHilfe.Api.Tests.Funds;

/// <summary>
/// The allocation handler as a plain function: the appeal's stream (locked by the workflow, nothing appended to it) and
/// the fund holdings its <c>LoadAsync</c> read are inputs; the new allocation's stream is a returned value.
/// </summary>
public class AllocateFundsHandlerTests
{
    private static AllocateFunds Allocate(long cents) => new(Guid.CreateVersion7(), AppealId, "stolberg", null, new Money(cents), "SI/2021/088",
        new DateOnly(2021, 12, 10), [], Now);

    private static readonly IReadOnlyList<FundHolding> Holdings = [new(Fund.General, new Money(4_000)), new(new Fund("stolberg", null), new Money(3_000))];

    [Fact]
    public void the_allocation_starts_its_own_stream_drawing_on_the_most_specific_funds_first()
    {
        var appeal = new StubEventStream<Appeal>(Appeal());
        var command = Allocate(5_000);

        var (start, allocation) = AllocateFundsHandler.Handle(command, appeal, Holdings);

        start.StreamId.ShouldBe(command.AllocationId);
        var allocated = start.Events.ShouldHaveSingleItem().ShouldBeOfType<FundsAllocated>();
        allocated.Draws.Select(d => (d.FundKey, d.Amount.Cents)).ShouldBe([("m:stolberg", 3_000L), ("general", 2_000L)]);
        (allocation.Id, allocation.Allocated, allocation.MunicipalityId).ShouldBe((command.AllocationId, new Money(5_000), "stolberg"));
        appeal.Events.ShouldBeEmpty();
    }

    [Fact]
    public void more_than_the_funds_hold_is_refused()
        => Should.Throw<InsufficientFundsException>(() => AllocateFundsHandler.Handle(Allocate(7_001), new StubEventStream<Appeal>(Appeal()), Holdings))
            .Requested.ShouldBe(new Money(7_001));
}
