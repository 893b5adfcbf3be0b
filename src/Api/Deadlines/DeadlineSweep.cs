using FlutHilfe.Documents.Calendar;
using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Shared;
using Marten;
using Wolverine;

namespace FlutHilfe.Api.Deadlines;

/// <summary>Look for due deadline work now (by the injected clock) and queue one durable message per item.</summary>
public sealed record SweepDeadlines;

/// <summary>What one sweep queued.</summary>
public sealed record SweepResult(int PledgeReminders, int PledgeExpiries, int ProofOfUseSteps, int EarmarkSteps = 0, int ReceiptOfferSteps = 0);

/// <summary>
/// The sweep decides nothing itself: it finds candidates with indexed queries and queues a message per item into the durable
/// local queue "deadlines" (stored in PostgreSQL, so it survives a restart). Each item's handler decides again on the item's
/// own stream, against the clock at that moment, and appends its fact with optimistic concurrency: a sweep that runs on two
/// nodes at once, or twice, or a message delivered twice, still takes each step once.
/// </summary>
public static class SweepDeadlinesHandler
{
    public static async Task<(SweepResult, OutgoingMessages)> Handle(SweepDeadlines _, IQuerySession session, DeadlineSettings settings, DeadlineClock clock,
        CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var today = GermanDate.DayOf(now);
        var messages = new OutgoingMessages();

        // A pledge made on day P is reminded from P + ReminderDays and expires on P + ExpiryDays: made before the start of the
        // German day after today - days.
        var remindBefore = GermanCalendar.StartOf(today.AddDays(1 - settings.PledgeReminderDays));
        var expireBefore = GermanCalendar.StartOf(today.AddDays(1 - settings.PledgeExpiryDays));
        var expiring = await session.Query<Donation>()
            .Where(d => d.WasPledged && d.ReceivedCents == 0 && !d.Expired && d.PledgedAt < expireBefore)
            .OrderBy(d => d.PledgedAt).Select(d => d.Id).Take(settings.SweepBatchSize).ToListAsync(ct);
        var reminding = await session.Query<Donation>()
            .Where(d => d.WasPledged && d.ReceivedCents == 0 && !d.Expired && d.RemindedAt == null && d.PledgedAt < remindBefore && d.PledgedAt >= expireBefore)
            .OrderBy(d => d.PledgedAt).Select(d => d.Id).Take(settings.SweepBatchSize).ToListAsync(ct);
        foreach (var id in expiring) messages.Add(new ExpireUnpaidPledge(id));
        foreach (var id in reminding) messages.Add(new SendPledgeReminder(id));

        // Allocations are few (committee decisions): the ones still owing a proof, judged against their appeal's deadline.
        var owing = await session.Query<Allocation>()
            .Where(a => a.ProofStatus == ProofStatus.Open || a.ProofStatus == ProofStatus.Rejected)
            .OrderBy(a => a.AllocatedAt).Take(settings.SweepBatchSize * 10).ToListAsync(ct);
        var appeals = await AppealsOf(session, owing.Select(a => a.AppealId), ct);
        var steps = 0;
        foreach (var a in owing)
        {
            if (!AllocationDecider.OwesProof(a) || appeals.GetValueOrDefault(a.AppealId) is not { } appeal) continue;
            if (settings.ProofOfUse.StageOn(appeal.ProofOfUseDeadline, today) is not { } stage || a.RemindersSent.Contains(stage)) continue;
            messages.Add(new SendProofOfUseReminder(a.Id));
            if (++steps == settings.SweepBatchSize) break;
        }
        // Questions to donors about earmarks that cannot be met: defaults after the deadline, reminders before it.
        var earmarkSteps = await EarmarkDecisions.EarmarkSweep.QueueAsync(session, today, settings.SweepBatchSize, messages, ct);
        // Receipt offers waiting for the donor's answer: the reminder, and the default after the deadline.
        var offerSteps = await Receipts.Offering.ReceiptOfferSweep.QueueAsync(session, today, settings, messages, ct);
        return (new SweepResult(reminding.Count, expiring.Count, steps, earmarkSteps, offerSteps), messages);
    }

    internal static async Task<Dictionary<string, Appeal>> AppealsOf(IQuerySession session, IEnumerable<string> appealIds, CancellationToken ct)
    {
        var ids = appealIds.Distinct().Select(AppealStream.IdFor).ToArray();
        if (ids.Length == 0) return [];
        return (await session.LoadManyAsync<Appeal>(ct, ids)).ToDictionary(a => a.AppealId);
    }
}

/// <summary>
/// Sweeps every <see cref="DeadlineSettings.SweepInterval"/> on every node (first after one interval). Nodes may sweep at
/// the same time: each step is decided on its own stream and committed once (see <see cref="SweepDeadlinesHandler"/>).
/// </summary>
public sealed class DeadlineSweeping(IServiceProvider services, DeadlineSettings settings, DeadlineClock clock, ILogger<DeadlineSweeping> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (settings.SweepInterval <= TimeSpan.Zero) return;
        if (clock.Offset != TimeSpan.Zero) logger.LogWarning("Drill: the deadline clock runs {Offset} ahead of the service's clock", clock.Offset);
        using var timer = new PeriodicTimer(settings.SweepInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                using var scope = services.CreateScope();
                var result = await scope.ServiceProvider.GetRequiredService<IMessageBus>().InvokeAsync<SweepResult>(new SweepDeadlines(), stoppingToken);
                if (result.PledgeReminders + result.PledgeExpiries + result.ProofOfUseSteps + result.EarmarkSteps + result.ReceiptOfferSteps > 0)
                    logger.LogInformation("Deadline sweep queued {Reminders} pledge reminders, {Expiries} expiries, {Steps} proof-of-use steps",
                        result.PledgeReminders, result.PledgeExpiries, result.ProofOfUseSteps);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "The deadline sweep failed; next try in {Interval}", settings.SweepInterval);
            }
        }
    }
}
