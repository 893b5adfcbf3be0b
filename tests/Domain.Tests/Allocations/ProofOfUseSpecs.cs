using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Funds.Allocating;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Domain.Tests.Support;

namespace FlutHilfe.Domain.Tests.Allocations;

/// <summary>The proof of use: the signed declaration, lateness, the eligible window and the flags of the Belegliste.</summary>
public class ProofOfUseSpecs
{
    public static readonly ProofDeclaration Declaration = new(true, true, true, "Stolberg (Rhld.)", new DateOnly(2021, 11, 14), "Petra Schulz", "Kämmerin");

    private static readonly Guid Id = Guid.CreateVersion7();
    private static readonly DateOnly DecidedOn = new(2021, 12, 10);
    private static readonly EligibleWindow Window = new(new DateOnly(2021, 7, 14), new DateOnly(2022, 12, 31));

    private static FundsAllocated Allocated() => new(Id, "freude-schenken-2021", "stolberg", null, new Money(10_000),
        [new FundDraw("general", null, null, new Money(10_000))], "SI/2021/088", DecidedOn, Samples.Now);

    private static FundsDisbursed Disbursed(long cents) => new(Id, "freude-schenken-2021", "stolberg", Guid.CreateVersion7(), new Money(cents), DecidedOn.AddDays(2), "U", Samples.Now);

    private static ReportSpending Item(string day, long cents = 1_000, string voucher = "V1")
        => new(Id, Guid.CreateVersion7(), DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture), "Spielwaren Becker GmbH", true, "Material",
            "kita-schulmaterial", new Money(cents), voucher, "Kita", null, "clerk", Samples.Now, Window);

    [Theory]
    [InlineData(nameof(ProofDeclaration.UsedOnlyForPurpose), "declaration.usedOnlyForPurpose")]
    [InlineData(nameof(ProofDeclaration.NecessaryEconomicalThrifty), "declaration.necessaryEconomicalThrifty")]
    [InlineData(nameof(ProofDeclaration.FiguresAgreeWithBooks), "declaration.figuresAgreeWithBooks")]
    public void each_confirmation_of_the_declaration_must_be_given(string confirmation, string field)
    {
        var declaration = confirmation switch
        {
            nameof(ProofDeclaration.UsedOnlyForPurpose) => Declaration with { UsedOnlyForPurpose = false },
            nameof(ProofDeclaration.NecessaryEconomicalThrifty) => Declaration with { NecessaryEconomicalThrifty = false },
            _ => Declaration with { FiguresAgreeWithBooks = false },
        };
        Spec.Allocation().Given(Allocated()).When(new SubmitProofOfUse(Id, "Bericht", "c", declaration, Samples.Now)).ThenRefused(RefusalKind.Invalid, field);
    }

    [Fact]
    public void a_proof_without_declaration_is_refused_and_the_declaration_is_kept_with_the_submission()
    {
        var spec = Spec.Allocation().Given(Allocated());
        spec.When(new SubmitProofOfUse(Id, "Bericht", "c", null, Samples.Now)).ThenRefused(RefusalKind.Invalid, "declaration");
        var submitted = spec.When(new SubmitProofOfUse(Id, "Bericht", "c", Declaration, Samples.Now))
            .ShouldHaveSingleItem().ShouldBeOfType<ProofOfUseSubmitted>();
        submitted.Declaration.ShouldBe(Declaration);
        spec.Given(submitted).State!.Declaration.ShouldBe(Declaration);
    }

    [Theory]
    [InlineData("Submitted", "2022-12-31", "2023-03-01", false)]
    [InlineData("Submitted", "2023-01-01", "2023-01-01", true)]
    [InlineData("Accepted", "2023-01-05", "2023-03-01", true)]
    [InlineData("Open", null, "2022-12-31", false)]
    [InlineData("Open", null, "2023-01-01", true)]
    [InlineData("Rejected", "2022-06-01", "2023-01-01", true)]
    public void a_proof_is_overdue_when_submitted_after_the_deadline_or_still_missing_after_it(string status, string? submittedOn, string today, bool overdue)
        => AllocationDecider.IsOverdue(Enum.Parse<ProofStatus>(status), submittedOn is null ? null : DateOnly.Parse(submittedOn, System.Globalization.CultureInfo.InvariantCulture),
            new DateOnly(2022, 12, 31), DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture)).ShouldBe(overdue);

    [Theory]
    [InlineData("2021-07-13")]
    [InlineData("2023-01-01")]
    public void items_outside_the_eligible_window_are_refused_naming_the_date(string day)
        => Spec.Allocation().Given(Allocated()).When(Item(day)).ThenRefused(RefusalKind.Invalid, "date");

    [Fact]
    public void the_first_and_the_last_eligible_day_are_accepted()
    {
        Spec.Allocation().Given(Allocated()).When(Item("2021-07-14")).ShouldHaveSingleItem();
        Spec.Allocation().Given(Allocated()).When(Item("2022-12-31")).ShouldHaveSingleItem();
    }

    [Fact]
    public void an_item_before_the_decision_is_accepted_and_flagged()
    {
        var spec = Spec.Allocation().Given(Allocated(), Disbursed(10_000));
        spec.Given(spec.When(Item("2021-11-30")).ToArray());
        spec.Given(spec.When(Item("2021-12-10", voucher: "V2")).ToArray());
        spec.State!.Items.Select(i => i.BeforeDecision(DecidedOn)).ShouldBe([true, false]);
    }

    [Fact]
    public void items_on_money_not_yet_disbursed_are_allowed_but_marked_as_prefinanced()
    {
        var spec = Spec.Allocation().Given(Allocated(), Disbursed(1_500));
        spec.Given(spec.When(Item("2021-12-15", 1_000)).ToArray());
        spec.Given(spec.When(Item("2021-12-16", 1_000, "V2")).ToArray());
        spec.State!.Items.Select(i => i.Prefinanced).ShouldBe([false, true]);
    }
}
