using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Funds.Allocating;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Domain.Tests.Support;

namespace FlutHilfe.Domain.Tests.Allocations;

/// <summary>The steps of a proof-of-use deadline: reminders 4 weeks and 1 week before, the overdue notice the day after, each once.</summary>
public class ProofOfUseReminderSpecs
{
    private static readonly Guid Id = Guid.CreateVersion7();
    private static readonly DateOnly Deadline = new(2022, 12, 31);
    private static readonly ProofOfUseTerms Terms = ProofOfUseTerms.Default;

    private static FundsAllocated Allocated() => new(Id, "freude-schenken-2021", "stolberg", null, new Money(10_000),
        [new FundDraw("general", null, null, new Money(10_000))], "SI/2021/088", new DateOnly(2021, 12, 10), Samples.Now);

    private static DateTimeOffset On(int year, int month, int day) => new(year, month, day, 10, 0, 0, TimeSpan.FromHours(1));

    private static RemindProofOfUse Remind(DateTimeOffset now) => new(Id, Deadline, Terms, true, false, now);

    private static ProofOfUseReminderSent Sent(ProofReminderStage stage, DateOnly dueOn, DateTimeOffset at, bool mailed = true)
        => new(Id, "freude-schenken-2021", "stolberg", stage, Deadline, dueOn, mailed, at);

    [Theory]
    [InlineData("2022-12-02", null)]
    [InlineData("2022-12-03", ProofReminderStage.First)]
    [InlineData("2022-12-23", ProofReminderStage.First)]
    [InlineData("2022-12-24", ProofReminderStage.Second)]
    [InlineData("2022-12-31", ProofReminderStage.Second)]
    [InlineData("2023-01-01", ProofReminderStage.Overdue)]
    [InlineData("2024-06-01", ProofReminderStage.Overdue)]
    public void the_step_due_on_a_day(string day, ProofReminderStage? expected)
        => Terms.StageOn(Deadline, DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture)).ShouldBe(expected);

    [Fact]
    public void each_step_once_the_overdue_notice_to_the_treasury()
    {
        var first = Sent(ProofReminderStage.First, new DateOnly(2022, 12, 3), On(2022, 12, 3));
        Spec.Allocation().Given(Allocated()).When(Remind(On(2022, 12, 3))).Then(first);
        Spec.Allocation().Given(Allocated(), first).When(Remind(On(2022, 12, 10))).ThenNothing();
        // A first reminder never sent in time is skipped, not sent a week before.
        Spec.Allocation().Given(Allocated()).When(Remind(On(2022, 12, 24)))
            .Then(Sent(ProofReminderStage.Second, new DateOnly(2022, 12, 24), On(2022, 12, 24)));
        // No treasury address known: recorded as not mailed.
        Spec.Allocation().Given(Allocated(), first).When(Remind(On(2023, 1, 1)))
            .Then(Sent(ProofReminderStage.Overdue, new DateOnly(2023, 1, 1), On(2023, 1, 1), mailed: false));
    }

    [Fact]
    public void nothing_once_the_proof_is_submitted_or_accepted_but_again_after_a_rejection()
    {
        var submitted = new ProofOfUseSubmitted(Id, "freude-schenken-2021", "stolberg", "Bericht", Money.Zero, 0, "c", Samples.Now, ProofOfUseSpecs.Declaration);
        Spec.Allocation().Given(Allocated(), submitted).When(Remind(On(2022, 12, 24))).ThenNothing();
        Spec.Allocation().Given(Allocated(), submitted, new ProofOfUseAccepted(Id, "freude-schenken-2021", "stolberg", null, "t", Samples.Now))
            .When(Remind(On(2023, 1, 1))).ThenNothing();
        Spec.Allocation().Given(Allocated(), submitted, new ProofOfUseRejected(Id, "freude-schenken-2021", "stolberg", "Belege fehlen", "t", Samples.Now))
            .When(Remind(On(2023, 1, 1))).Then(Sent(ProofReminderStage.Overdue, new DateOnly(2023, 1, 1), On(2023, 1, 1), mailed: false));
    }
}
