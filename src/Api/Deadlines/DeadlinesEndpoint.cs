using FlutHilfe.Api.Appeals;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Shared;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace FlutHilfe.Api.Deadlines;

/// <summary>One allocation that still owes its proof of use: how long it has left (negative: overdue) and what was sent.</summary>
public sealed record ProofOfUseDeadlineItem(
    Guid AllocationId,
    string MunicipalityId,
    string MunicipalityName,
    string DecisionReference,
    long NetCents,
    long SpentCents,
    string ProofStatus,
    DateOnly Deadline,
    int DaysLeft,
    bool Overdue,
    string? NextStep,
    DateOnly? NextStepOn,
    IReadOnlyList<string> RemindersSent);

/// <summary>Unpaid pledges of the appeal by where they stand (counts only, no personal data).</summary>
public sealed record UnpaidPledgeCounts(int Unpaid, int Reminded, int Expired);

public sealed record DeadlinesView(string AppealId, DateOnly Today, DateOnly ProofOfUseDeadline, IReadOnlyList<ProofOfUseDeadlineItem> ProofsOfUse, UnpaidPledgeCounts Pledges);

public static class DeadlinesEndpoint
{
    /// <summary>
    /// The treasury's view of the appeal's deadlines: every allocation still owing its proof of use (open or rejected), the
    /// overdue ones first, with the days left and the reminders taken; and how many unpaid pledges wait, were reminded, expired.
    /// </summary>
    [WolverineGet("/api/appeals/{appealId}/deadlines", OperationId = "listDeadlines")]
    [Authorize(Roles = Roles.TreasurerOrAuditor)]
    [EndpointSummary("Upcoming and overdue proof-of-use deadlines and unpaid pledges of an appeal (treasurer, auditor)")]
    [ProducesResponseType<DeadlinesView>(200)]
    [ProducesResponseType<ProblemDetails>(404)]
    public static async Task<DeadlinesView> Get(string appealId, IQuerySession session, DeadlineSettings settings, DeadlineClock clock, CancellationToken ct)
    {
        var appeal = await AppealLookup.LoadAsync(session, appealId, ct);
        return await BuildAsync(session, appeal, settings, GermanDate.DayOf(clock.GetUtcNow()), ct);
    }

    public static async Task<DeadlinesView> BuildAsync(IQuerySession session, Appeal appeal, DeadlineSettings settings, DateOnly today, CancellationToken ct)
    {
        var deadline = appeal.ProofOfUseDeadline;
        var terms = settings.ProofOfUse;
        var owing = (await session.Query<Allocation>()
                .Where(a => a.AppealId == appeal.AppealId && (a.ProofStatus == ProofStatus.Open || a.ProofStatus == ProofStatus.Rejected))
                .Take(10_000).ToListAsync(ct))
            .Where(AllocationDecider.OwesProof).ToList();
        var items = owing.Select(a =>
            {
                // The step due now and not yet taken (the sweep takes it shortly), else the next one ahead.
                var next = terms.StageOn(deadline, today) is { } due && !a.RemindersSent.Contains(due)
                    ? (due, today)
                    : Enum.GetValues<ProofReminderStage>().Where(s => !a.RemindersSent.Contains(s) && terms.DayOf(s, deadline) > today)
                        .Select(s => (Stage: s, On: terms.DayOf(s, deadline))).OrderBy(s => s.On).Cast<(ProofReminderStage Stage, DateOnly On)?>().FirstOrDefault();
                return new ProofOfUseDeadlineItem(a.Id, a.MunicipalityId, appeal.FindMunicipality(a.MunicipalityId)?.Name ?? a.MunicipalityId, a.DecisionReference,
                    a.Net.Cents, a.Spent.Cents, a.ProofStatus.ToString().ToLowerInvariant(), deadline, deadline.DayNumber - today.DayNumber, today > deadline,
                    next?.Stage.ToString().ToLowerInvariant(), next?.On, a.RemindersSent.Select(s => s.ToString().ToLowerInvariant()).ToList());
            })
            .OrderBy(i => i.DaysLeft).ThenBy(i => i.MunicipalityName, StringComparer.Ordinal).ThenBy(i => i.DecisionReference, StringComparer.Ordinal).ToList();

        var unpaid = session.Query<Donation>().Where(d => d.AppealId == appeal.AppealId && d.WasPledged && d.ReceivedCents == 0);
        var pledges = new UnpaidPledgeCounts(
            await unpaid.CountAsync(d => !d.Expired, ct),
            await unpaid.CountAsync(d => !d.Expired && d.RemindedAt != null, ct),
            await unpaid.CountAsync(d => d.Expired, ct));
        return new DeadlinesView(appeal.AppealId, today, deadline, items, pledges);
    }
}
