using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Allocations;

/// <summary>The steps before and after a proof-of-use deadline; each is taken at most once per allocation.</summary>
public enum ProofReminderStage
{
    /// <summary>The first reminder to the municipality's clerks (4 weeks before by default).</summary>
    First,
    /// <summary>The second reminder to the clerks (1 week before by default).</summary>
    Second,
    /// <summary>The overdue notice to the treasury (the day after by default).</summary>
    Overdue,
}

/// <summary>
/// Offsets in German calendar days around the deadline (<c>Deadlines:ProofOfUseFirstReminderDaysBefore</c>, <c>…SecondReminderDaysBefore</c>,
/// <c>…OverdueNoticeDaysAfter</c>).
/// </summary>
public sealed record ProofOfUseTerms(int FirstReminderDaysBefore, int SecondReminderDaysBefore, int OverdueNoticeDaysAfter)
{
    public static readonly ProofOfUseTerms Default = new(28, 7, 1);

    public string? Problem()
        => FirstReminderDaysBefore > 366 || FirstReminderDaysBefore <= SecondReminderDaysBefore || SecondReminderDaysBefore < 0
           || OverdueNoticeDaysAfter < 1 || OverdueNoticeDaysAfter > 366
            ? "Deadlines: ProofOfUseFirstReminderDaysBefore must exceed ProofOfUseSecondReminderDaysBefore (≥ 0), both at most 366; ProofOfUseOverdueNoticeDaysAfter lies between 1 and 366."
            : null;

    /// <summary>
    /// The step due on <paramref name="today"/>: the first reminder from its day until the day before the second's, the second
    /// from its day to the deadline itself, the overdue notice from its day on. A step whose window has passed is skipped
    /// (a reminder four weeks ahead is never sent a week before the deadline).
    /// </summary>
    public ProofReminderStage? StageOn(DateOnly deadline, DateOnly today)
    {
        if (today >= deadline.AddDays(OverdueNoticeDaysAfter)) return ProofReminderStage.Overdue;
        if (today > deadline) return null;
        if (today >= deadline.AddDays(-SecondReminderDaysBefore)) return ProofReminderStage.Second;
        if (today >= deadline.AddDays(-FirstReminderDaysBefore)) return ProofReminderStage.First;
        return null;
    }

    public DateOnly DayOf(ProofReminderStage stage, DateOnly deadline) => stage switch
    {
        ProofReminderStage.First => deadline.AddDays(-FirstReminderDaysBefore),
        ProofReminderStage.Second => deadline.AddDays(-SecondReminderDaysBefore),
        _ => deadline.AddDays(OverdueNoticeDaysAfter),
    };
}

/// <summary>
/// Take the step of the proof-of-use deadline that is due now. <see cref="ClerksMailed"/>, <see cref="TreasuryMailed"/>: the
/// municipality's clerks (reminders) or the treasury (overdue notice) have an address and mail is on.
/// </summary>
public sealed record RemindProofOfUse(Guid AllocationId, DateOnly Deadline, ProofOfUseTerms Terms, bool ClerksMailed, bool TreasuryMailed, DateTimeOffset Now);

/// <summary>
/// A step of the proof-of-use deadline was taken: a reminder to the municipality's clerks (<see cref="ProofReminderStage.First"/>,
/// <see cref="ProofReminderStage.Second"/>) or the overdue notice to the treasury; its mail went to the outbox in the same
/// commit (<see cref="Mailed"/> false: no address known or mail off). Once per allocation and stage.
/// </summary>
public sealed record ProofOfUseReminderSent(Guid AllocationId, string AppealId, string MunicipalityId, ProofReminderStage Stage, DateOnly Deadline, DateOnly DueOn,
    bool Mailed, DateTimeOffset SentAt) : IEventOf<Allocation>, IAllocationEvent;

public static partial class AllocationDecider
{
    /// <summary>Whether the allocation still owes its proof of use: money stayed allocated and no proof is submitted or accepted.</summary>
    public static bool OwesProof(Allocation a) => a.Net.IsPositive && a.ProofStatus is ProofStatus.Open or ProofStatus.Rejected;

    /// <summary>The due step, once; nothing early, nothing twice, nothing once the proof is submitted or accepted.</summary>
    public static IReadOnlyList<object> Decide(RemindProofOfUse c, Allocation? allocation)
    {
        if (allocation is not { } a || !OwesProof(a)) return [];
        if (c.Terms.StageOn(c.Deadline, GermanDate.DayOf(c.Now)) is not { } stage || a.RemindersSent.Contains(stage)) return [];
        return [new ProofOfUseReminderSent(a.Id, a.AppealId, a.MunicipalityId, stage, c.Deadline, c.Terms.DayOf(stage, c.Deadline),
            stage == ProofReminderStage.Overdue ? c.TreasuryMailed : c.ClerksMailed, c.Now)];
    }
}
