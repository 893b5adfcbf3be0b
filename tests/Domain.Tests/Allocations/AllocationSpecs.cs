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

    private static ReportSpending Item(long cents, string purpose = "kita-schulmaterial", string voucher = "V1", Guid? itemId = null)
        => new(Id, itemId ?? Guid.CreateVersion7(), Day, "Spielwaren Becker GmbH", true, "Material", purpose, new Money(cents), voucher, "Kita", null, "clerk", Samples.Now);

    private static SpendingReported Reported(long cents, string voucher = "V1") => (SpendingReported)Spec.Allocation().Given(Allocated()).When(Item(cents, voucher: voucher)).Single();

    [Fact]
    public void spending_within_the_allocation_is_reported()
        => Spec.Allocation().Given(Allocated()).When(Item(1999))
            .ShouldHaveSingleItem().ShouldBeOfType<SpendingReported>().Amount.ShouldBe(new Money(1999));

    [Fact]
    public void the_same_item_again_decides_nothing()
    {
        var item = Item(1999);
        var spec = Spec.Allocation().Given(Allocated());
        spec.Given(spec.When(item).ToArray());
        spec.When(item).ThenNothing();
    }

    [Fact]
    public void the_sum_of_items_never_exceeds_the_allocation()
    {
        var spec = Spec.Allocation().Given(Allocated(), Reported(9_000));
        spec.When(Item(1_001, voucher: "V2")).ThenRefused(RefusalKind.Conflict, "amountCents");
        spec.When(Item(1_000, voucher: "V2")).ShouldHaveSingleItem();
    }

    [Fact]
    public void an_item_for_a_purpose_the_allocation_does_not_permit_is_refused()
        => Spec.Allocation().Given(Allocated()).When(Item(100, "weihnachtsfeiern")).ThenRefused(RefusalKind.Invalid, "purposeId");

    [Fact]
    public void an_allocation_without_purpose_permits_every_purpose()
        => Spec.Allocation().Given(Allocated(purpose: null)).When(Item(100, "weihnachtsfeiern")).ShouldHaveSingleItem();

    [Fact]
    public void a_voucher_number_counts_once()
        => Spec.Allocation().Given(Allocated(), Reported(100, "V7")).When(Item(100, voucher: "V7")).ThenRefused(RefusalKind.Conflict, "voucherNumber");

    [Fact]
    public void a_withdrawn_item_frees_its_money_and_its_voucher_number()
    {
        var reported = Reported(9_000, "V1");
        var spec = Spec.Allocation().Given(Allocated(), reported);
        spec.Given(spec.When(new WithdrawSpending(Id, reported.ItemId, "Tippfehler", Samples.Now)).ToArray());
        spec.State!.Spent.ShouldBe(Money.Zero);
        spec.When(Item(9_500, voucher: "V1")).ShouldHaveSingleItem();
    }

    [Fact]
    public void disbursing_more_than_allocated_is_refused()
    {
        var spec = Spec.Allocation().Given(Allocated(10_000));
        spec.When(new DisburseFunds(Id, Guid.NewGuid(), new Money(10_001), Day, "U", Samples.Now)).ThenRefused(RefusalKind.Conflict);
        spec.When(new DisburseFunds(Id, Guid.NewGuid(), new Money(10_000), Day, "U", Samples.Now)).ShouldHaveSingleItem();
    }

    [Fact]
    public void withdrawal_is_limited_to_the_unspent_undisbursed_part_and_goes_back_pro_rata()
    {
        var spec = Spec.Allocation().Given(Allocated(10_000), new FundsDisbursed(Id, "freude-schenken-2021", "stolberg", Guid.NewGuid(), new Money(4_000), Day, "U", Samples.Now), Reported(1_000));
        spec.When(new WithdrawAllocation(Id, Guid.NewGuid(), new Money(6_001), "x", Samples.Now)).ThenRefused(RefusalKind.Conflict);
        var withdrawn = spec.When(new WithdrawAllocation(Id, Guid.NewGuid(), null, "Rest", Samples.Now)).Single().ShouldBeOfType<AllocationWithdrawn>();
        withdrawn.Amount.ShouldBe(new Money(6_000));
        withdrawn.Draws.Select(d => (d.FundKey, d.Amount.Cents)).ShouldBe([("m:stolberg", 1_800L), ("general", 4_200L)]);
    }

    [Fact]
    public void only_disbursed_unspent_money_can_come_back()
    {
        var spec = Spec.Allocation().Given(Allocated(10_000), new FundsDisbursed(Id, "freude-schenken-2021", "stolberg", Guid.NewGuid(), new Money(4_000), Day, "U", Samples.Now), Reported(1_000));
        spec.When(new ReturnUnusedFunds(Id, Guid.NewGuid(), new Money(3_001), Day, "R", Samples.Now)).ThenRefused(RefusalKind.Conflict);
        var back = spec.When(new ReturnUnusedFunds(Id, Guid.NewGuid(), new Money(3_000), Day, "R", Samples.Now)).Single().ShouldBeOfType<UnusedFundsReturned>();
        back.Draws.Sum(d => d.Amount.Cents).ShouldBe(3_000);
    }

    [Fact]
    public void the_proof_of_use_is_submitted_reviewed_and_after_rejection_resubmitted()
    {
        var spec = Spec.Allocation().Given(Allocated(), Reported(500));
        spec.When(new ReviewProofOfUse(Id, true, null, "t", Samples.Now)).ThenRefused(RefusalKind.Conflict);
        spec.Given(spec.When(new SubmitProofOfUse(Id, "Bericht", "c", ProofOfUseSpecs.Declaration, Samples.Now)).ToArray());
        spec.When(Item(100, voucher: "V9")).ThenRefused(RefusalKind.Conflict);
        spec.When(new ReviewProofOfUse(Id, false, "", "t", Samples.Now)).ThenRefused(RefusalKind.Invalid, "remarks");
        spec.Given(spec.When(new ReviewProofOfUse(Id, false, "Beleg fehlt", "t", Samples.Now)).ToArray());
        spec.State!.ProofStatus.ShouldBe(ProofStatus.Rejected);
        spec.Given(spec.When(Item(100, voucher: "V9")).ToArray());
        spec.Given(spec.When(new SubmitProofOfUse(Id, "Bericht 2", "c", ProofOfUseSpecs.Declaration, Samples.Now)).ToArray());
        spec.Given(spec.When(new ReviewProofOfUse(Id, true, null, "t", Samples.Now)).ToArray());
        spec.State!.ProofStatus.ShouldBe(ProofStatus.Accepted);
        spec.When(new ReviewProofOfUse(Id, true, null, "t", Samples.Now)).ThenNothing();
    }

    [Fact]
    public void an_allocation_that_does_not_exist_refuses_every_command()
    {
        var none = Spec.Allocation();
        none.When(Item(100)).ThenRefused(RefusalKind.NotFound);
        none.When(new DisburseFunds(Id, Guid.NewGuid(), new Money(100), Day, "U", Samples.Now)).ThenRefused(RefusalKind.NotFound);
        none.When(new WithdrawAllocation(Id, Guid.NewGuid(), null, "x", Samples.Now)).ThenRefused(RefusalKind.NotFound);
        none.When(new ReviewProofOfUse(Id, true, null, "t", Samples.Now)).ThenRefused(RefusalKind.NotFound);
    }

    [Fact]
    public void a_disbursement_and_a_return_count_once_by_their_ids()
    {
        var disburse = new DisburseFunds(Id, Guid.NewGuid(), new Money(4_000), Day, "U", Samples.Now);
        var spec = Spec.Allocation().Given(Allocated(10_000));
        spec.Given(spec.When(disburse)).When(disburse).ThenNothing();
        var back = new ReturnUnusedFunds(Id, Guid.NewGuid(), new Money(1_000), Day, "R", Samples.Now);
        spec.Given(spec.When(back)).When(back).ThenNothing();
        (spec.State!.Disbursed, spec.State.ReturnedUnused).ShouldBe((new Money(4_000), new Money(1_000)));
    }

    [Fact]
    public void the_same_withdrawal_again_decides_nothing_even_when_nothing_is_left_to_withdraw()
    {
        var takeBack = new WithdrawAllocation(Id, Guid.NewGuid(), new Money(6_000), "Beschluss geändert", Samples.Now);
        var spec = Spec.Allocation().Given(Allocated(10_000));
        spec.Given(spec.When(takeBack).ToArray());
        spec.When(takeBack).ThenNothing();
        spec.When(takeBack with { Amount = null }).ThenNothing();
        spec.State!.Net.ShouldBe(new Money(4_000));
        // Another withdrawal (its own id) of the same amount is a decision of its own: only 4,000 are left.
        spec.When(takeBack with { WithdrawalId = Guid.NewGuid() }).ThenRefused(RefusalKind.Conflict, "amountCents");
        spec.When(takeBack with { WithdrawalId = Guid.NewGuid(), Amount = new Money(4_000) }).ShouldHaveSingleItem()
            .ShouldBeOfType<AllocationWithdrawn>().WithdrawalId.ShouldNotBe(takeBack.WithdrawalId);
    }

    [Fact]
    public void a_withdrawal_without_its_own_id_is_refused()
        => Spec.Allocation().Given(Allocated()).When(new WithdrawAllocation(Id, Guid.Empty, null, "x", Samples.Now)).ThenRefused(RefusalKind.Invalid, "withdrawalId");

    [Fact]
    public void a_withdrawal_recorded_before_withdrawals_had_ids_still_counts()
    {
        var old = new AllocationWithdrawn(Id, "freude-schenken-2021", "stolberg", new Money(1_000), [new FundDraw("general", null, null, new Money(1_000))], "alt",
            Samples.Now);
        var spec = Spec.Allocation().Given(Allocated(10_000), old);
        spec.State!.Net.ShouldBe(new Money(9_000));
        spec.State.WithdrawalIds.ShouldBeEmpty();
    }

    [Fact]
    public void withdrawing_the_same_spending_item_again_decides_nothing_and_after_submission_it_is_refused()
    {
        var reported = Reported(900, "V1");
        var withdraw = new WithdrawSpending(Id, reported.ItemId, "doppelt erfasst", Samples.Now);
        var spec = Spec.Allocation().Given(Allocated(), reported);
        spec.Given(spec.When(withdraw).ToArray());
        spec.When(withdraw).ThenNothing();
        spec.When(withdraw with { Reason = "anderer Grund" }).ThenNothing();
        spec.State!.Spent.ShouldBe(Money.Zero);

        var second = Reported(500, "V2");
        var submitted = Spec.Allocation().Given(Allocated(), second);
        submitted.Given(submitted.When(new SubmitProofOfUse(Id, "Bericht", "c", ProofOfUseSpecs.Declaration, Samples.Now)).ToArray());
        submitted.When(new WithdrawSpending(Id, second.ItemId, "zu spät", Samples.Now)).ThenRefused(RefusalKind.Conflict);
    }
}
