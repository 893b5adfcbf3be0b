using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Funds.Allocating;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Domain.Tests.Support;

namespace FlutHilfe.Domain.Tests.Allocations;

public class AllocationSpecs
{
    private static readonly Guid Id = Guid.CreateVersion7();
    private static readonly DateOnly Day = new(2021, 12, 15);

    private static FundsAllocated Allocated(long cents = 10_000, string? purpose = "kita-schulmaterial") => new(Id, "freude-schenken-2021", "stolberg", purpose,
        new Money(cents), [new FundDraw("m:stolberg", "stolberg", null, new Money(cents * 3 / 10)), new FundDraw("general", null, null, new Money(cents - cents * 3 / 10))],
        "SI/2021/088", new DateOnly(2021, 12, 10), Samples.Now);

    private static Spec<Allocation> Spec() => new(AllocationEvolution.Apply);

    private static ReportSpending Item(long cents, string purpose = "kita-schulmaterial", string voucher = "V1", Guid? itemId = null)
        => new(Id, itemId ?? Guid.CreateVersion7(), Day, "Spielwaren Becker GmbH", true, "Material", purpose, new Money(cents), voucher, "Kita", null, "clerk");

    private static SpendingReported Reported(long cents, string voucher = "V1") => (SpendingReported)AllocationDecisions.Decide(Item(cents, voucher: voucher), Allocation.Create(Allocated()), Samples.Now).Single();

    [Fact]
    public void spending_within_the_allocation_is_reported()
        => Spec().Given(Allocated()).When(a => AllocationDecisions.Decide(Item(1999), a!, Samples.Now))
            .ShouldHaveSingleItem().ShouldBeOfType<SpendingReported>().Amount.ShouldBe(new Money(1999));

    [Fact]
    public void the_same_item_again_decides_nothing()
    {
        var item = Item(1999);
        var spec = Spec().Given(Allocated());
        spec.Given(spec.When(a => AllocationDecisions.Decide(item, a!, Samples.Now)).ToArray());
        spec.Then(a => AllocationDecisions.Decide(item, a!, Samples.Now));
    }

    [Fact]
    public void the_sum_of_items_never_exceeds_the_allocation()
    {
        var spec = Spec().Given(Allocated(), Reported(9_000));
        spec.ThenRefused(a => AllocationDecisions.Decide(Item(1_001, voucher: "V2"), a!, Samples.Now), RefusalKind.Conflict, "amountCents");
        spec.When(a => AllocationDecisions.Decide(Item(1_000, voucher: "V2"), a!, Samples.Now)).ShouldHaveSingleItem();
    }

    [Fact]
    public void an_item_for_a_purpose_the_allocation_does_not_permit_is_refused()
        => Spec().Given(Allocated()).ThenRefused(a => AllocationDecisions.Decide(Item(100, "weihnachtsfeiern"), a!, Samples.Now), RefusalKind.Invalid, "purposeId");

    [Fact]
    public void an_allocation_without_purpose_permits_every_purpose()
        => Spec().Given(Allocated(purpose: null)).When(a => AllocationDecisions.Decide(Item(100, "weihnachtsfeiern"), a!, Samples.Now)).ShouldHaveSingleItem();

    [Fact]
    public void a_voucher_number_counts_once()
        => Spec().Given(Allocated(), Reported(100, "V7")).ThenRefused(a => AllocationDecisions.Decide(Item(100, voucher: "V7"), a!, Samples.Now), RefusalKind.Conflict, "voucherNumber");

    [Fact]
    public void a_withdrawn_item_frees_its_money_and_its_voucher_number()
    {
        var reported = Reported(9_000, "V1");
        var spec = Spec().Given(Allocated(), reported);
        spec.Given(spec.When(a => AllocationDecisions.Decide(new WithdrawSpending(Id, reported.ItemId, "Tippfehler"), a!, Samples.Now)).ToArray());
        spec.State!.Spent.ShouldBe(Money.Zero);
        spec.When(a => AllocationDecisions.Decide(Item(9_500, voucher: "V1"), a!, Samples.Now)).ShouldHaveSingleItem();
    }

    [Fact]
    public void disbursing_more_than_allocated_is_refused()
    {
        var spec = Spec().Given(Allocated(10_000));
        spec.ThenRefused(a => AllocationDecisions.Decide(new DisburseFunds(Id, Guid.NewGuid(), new Money(10_001), Day, "U"), a!, Samples.Now), RefusalKind.Conflict);
        spec.When(a => AllocationDecisions.Decide(new DisburseFunds(Id, Guid.NewGuid(), new Money(10_000), Day, "U"), a!, Samples.Now)).ShouldHaveSingleItem();
    }

    [Fact]
    public void withdrawal_is_limited_to_the_unspent_undisbursed_part_and_goes_back_pro_rata()
    {
        var spec = Spec().Given(Allocated(10_000), new FundsDisbursed(Id, "freude-schenken-2021", "stolberg", Guid.NewGuid(), new Money(4_000), Day, "U", Samples.Now), Reported(1_000));
        spec.ThenRefused(a => AllocationDecisions.Decide(new WithdrawAllocation(Id, new Money(6_001), "x"), a!, Samples.Now), RefusalKind.Conflict);
        var withdrawn = spec.When(a => AllocationDecisions.Decide(new WithdrawAllocation(Id, null, "Rest"), a!, Samples.Now)).Single().ShouldBeOfType<AllocationWithdrawn>();
        withdrawn.Amount.ShouldBe(new Money(6_000));
        withdrawn.Draws.Select(d => (d.FundKey, d.Amount.Cents)).ShouldBe([("m:stolberg", 1_800L), ("general", 4_200L)]);
    }

    [Fact]
    public void only_disbursed_unspent_money_can_come_back()
    {
        var spec = Spec().Given(Allocated(10_000), new FundsDisbursed(Id, "freude-schenken-2021", "stolberg", Guid.NewGuid(), new Money(4_000), Day, "U", Samples.Now), Reported(1_000));
        spec.ThenRefused(a => AllocationDecisions.Decide(new ReturnUnusedFunds(Id, Guid.NewGuid(), new Money(3_001), Day, "R"), a!, Samples.Now), RefusalKind.Conflict);
        var back = spec.When(a => AllocationDecisions.Decide(new ReturnUnusedFunds(Id, Guid.NewGuid(), new Money(3_000), Day, "R"), a!, Samples.Now)).Single().ShouldBeOfType<UnusedFundsReturned>();
        back.Draws.Sum(d => d.Amount.Cents).ShouldBe(3_000);
    }

    [Fact]
    public void the_proof_of_use_is_submitted_reviewed_and_after_rejection_resubmitted()
    {
        var spec = Spec().Given(Allocated(), Reported(500));
        spec.ThenRefused(a => AllocationDecisions.Decide(new ReviewProofOfUse(Id, true, null, "t"), a!, Samples.Now), RefusalKind.Conflict);
        spec.Given(spec.When(a => AllocationDecisions.Decide(new SubmitProofOfUse(Id, "Bericht", "c", ProofOfUseSpecs.Declaration), a!, Samples.Now)).ToArray());
        spec.ThenRefused(a => AllocationDecisions.Decide(Item(100, voucher: "V9"), a!, Samples.Now), RefusalKind.Conflict);
        spec.ThenRefused(a => AllocationDecisions.Decide(new ReviewProofOfUse(Id, false, "", "t"), a!, Samples.Now), RefusalKind.Invalid, "remarks");
        spec.Given(spec.When(a => AllocationDecisions.Decide(new ReviewProofOfUse(Id, false, "Beleg fehlt", "t"), a!, Samples.Now)).ToArray());
        spec.State!.ProofStatus.ShouldBe(ProofStatus.Rejected);
        spec.Given(spec.When(a => AllocationDecisions.Decide(Item(100, voucher: "V9"), a!, Samples.Now)).ToArray());
        spec.Given(spec.When(a => AllocationDecisions.Decide(new SubmitProofOfUse(Id, "Bericht 2", "c", ProofOfUseSpecs.Declaration), a!, Samples.Now)).ToArray());
        spec.Given(spec.When(a => AllocationDecisions.Decide(new ReviewProofOfUse(Id, true, null, "t"), a!, Samples.Now)).ToArray());
        spec.State!.ProofStatus.ShouldBe(ProofStatus.Accepted);
        spec.Then(a => AllocationDecisions.Decide(new ReviewProofOfUse(Id, true, null, "t"), a!, Samples.Now));
    }
}
