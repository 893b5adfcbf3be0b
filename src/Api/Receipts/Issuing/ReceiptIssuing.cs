using FlutHilfe.Documents.Calendar;
using FlutHilfe.Api.Donations;
using FlutHilfe.Api.Infrastructure.PersonalData;
using FlutHilfe.Api.Receipts.Delivering;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donors;
using FlutHilfe.Domain.Receipts;
using FlutHilfe.Domain.Receipts.Covering;
using FlutHilfe.Domain.Receipts.Issuing;
using Marten;
using Wolverine;
using Wolverine.Attributes;
using Wolverine.Marten;

namespace FlutHilfe.Api.Receipts.Issuing;

/// <summary>
/// Look at a donation's receipts: issue what is due (<see cref="ReceiptPolicy"/>), or schedule this message again for
/// the day the grace period for further payments ends. Handled through the Marten outbox; sending it twice is harmless.
/// Stored (scheduled) under its first name, so messages written before the rename are still handled.
/// </summary>
/// <remarks>ReplacesNumber: Kept for messages stored before receipts covered payments; the replaced number now follows from the donation.</remarks>
[MessageIdentity("FlutHilfe.Api.Receipts.IssueReceipt")]
public sealed record IssueDueReceipts(Guid DonationId, string? ReplacesNumber = null);

/// <summary>
/// The one way receipts are issued (what is due, a collective receipt, a replacement): numbers from the yearly counter and
/// the donor as printed, encrypted with the donor's key, both written in this transaction; then the decision; then the
/// receipt streams started and the donations' streams (fetched for writing, so a concurrent issuer for the same donation
/// fails its commit and, on retry, finds the payments covered: exactly once) appended to.
/// </summary>
public static class ReceiptIssuing
{
    /// <summary>Issues one receipt per batch over payments of <paramref name="donations"/> (as they stand now); returns the numbers.</summary>
    public static async Task<IReadOnlyList<string>> IssueAsync(IDocumentSession session, DonationStreams streams, IReadOnlyDictionary<Guid, Donation> donations,
        IReadOnlyList<ReceiptBatch> batches, bool collective, DateOnly? periodFrom, DateOnly? periodTo, DonorProfile profile, Appeal appeal,
        ReceiptSettings settings, DateTimeOffset now, CancellationToken ct)
    {
        if (batches.Count == 0) return [];
        var numbers = await ReceiptNumbers.ReserveAsync(session, now, batches.Count, ct);
        var printed = new PrintedDonor(profile.Name!, profile.Street!, profile.PostalCode!, profile.City!, profile.Country);
        var holder = new ReceiptHolder(profile.Id, await DonorKeys.ProtectAsync(session, profile.Id, printed, ct));
        var command = new IssueReceipts(batches, collective, periodFrom, periodTo, numbers, holder, settings.TermsFor(appeal.AppealId), now, Today(now));

        var changes = ReceiptDecider.Decide(command, donations, appeal);
        foreach (var (number, issued) in changes.Receipts) session.Events.StartStream<Receipt>(ReceiptStream.IdFor(number), issued);
        streams.Append(changes.Donations);
        return changes.Receipts.Select(r => r.Number).ToList();
    }

    /// <summary>The donor's profile when it can be printed on a receipt, else null.</summary>
    public static async Task<DonorProfile?> PrintableDonorAsync(IQuerySession session, Guid? donorId, CancellationToken ct)
        => donorId is { } id && await DonorProfiles.LoadAsync(session, id, ct) is { HasPostalAddress: true } profile ? profile : null;

    public static async Task<Appeal> AppealOfAsync(IQuerySession session, string appealId, CancellationToken ct)
        => await session.LoadAsync<Appeal>(AppealStream.IdFor(appealId), ct) ?? throw new InvalidOperationException($"Appeal {appealId} is missing.");

    /// <summary>The moment a scheduled look happens: the start (German time) of the day the grace period ends.</summary>
    public static DateTimeOffset StartOf(DateOnly day) => GermanCalendar.StartOf(day);

    /// <summary>The German calendar day: receipts are dated, numbered and waited for by it.</summary>
    public static DateOnly Today(DateTimeOffset now) => GermanCalendar.Day(now);
}

/// <summary>
/// Look at the receipts of several donations at once and issue what is due in one transaction (sent by an import that paid
/// many donations, see <see cref="ReceiptTriggers.Coalesce"/>). Handled on the same sequential queue as
/// <see cref="IssueDueReceipts"/>; sending it twice is harmless.
/// </summary>
public sealed record IssueDueReceiptsOf(IReadOnlyList<Guid> DonationIds)
{
    /// <summary>At most this many donations in one message (one transaction, one counter write).</summary>
    public const int DonationsMax = 100;
}

/// <summary>Background: what is due for one donation is issued, or looked at again later.</summary>
public static class IssueDueReceiptsHandler
{
    public static Task<OutgoingMessages> Handle(IssueDueReceipts command, IDocumentSession session, ReceiptSettings settings, TimeProvider clock,
        ILogger<IssueDueReceipts> logger, CancellationToken ct)
        => DueReceipts.IssueAsync(session, [command.DonationId], command.ReplacesNumber, settings, clock.GetUtcNow(), logger, ct);
}

/// <summary>Background: what is due for many donations is issued in one transaction.</summary>
public static class IssueDueReceiptsOfHandler
{
    public static Task<OutgoingMessages> Handle(IssueDueReceiptsOf command, IDocumentSession session, ReceiptSettings settings, TimeProvider clock,
        ILogger<IssueDueReceiptsOf> logger, CancellationToken ct)
        => DueReceipts.IssueAsync(session, command.DonationIds, null, settings, clock.GetUtcNow(), logger, ct);
}

/// <summary>
/// Issues what is due for a number of donations in ONE transaction: the donations' streams fetched for writing, the donors'
/// profiles and keys, the appeals and the year's counter each read in one round trip; one counter write takes a number for
/// every receipt of the batch, and the numbers commit together with the receipt facts (gapless: a failed commit used up
/// nothing). A concurrent issuer of one of these donations, or of the same year's numbers, fails this commit; the retry
/// reads the winner's state and issues only what is still due (exactly once). Every decision is taken before anything is
/// written: if one donation's decision fails, nothing is written and each donation is sent on alone
/// (<see cref="IssueDueReceipts"/>), so one bad donation cannot hold up the others.
/// </summary>
public static class DueReceipts
{
    public static async Task<OutgoingMessages> IssueAsync(IDocumentSession session, IReadOnlyList<Guid> donationIds, string? replacesNumber,
        ReceiptSettings settings, DateTimeOffset now, ILogger logger, CancellationToken ct)
    {
        var ids = donationIds.Distinct().ToList();
        var messages = new OutgoingMessages();
        if (ids.Count == 0) return messages;
        var today = ReceiptIssuing.Today(now);

        var batch = session.CreateBatchQuery();
        var fetching = ids.Select(id => batch.Events.FetchForWriting<Donation>(id)).ToList();
        var counting = batch.Load<ReceiptCounter>(ReceiptNumbers.CounterId(now));
        await batch.Execute(ct);
        var streams = new List<JasperFx.Events.IEventStream<Donation>>();
        foreach (var f in fetching) streams.Add(await f);
        var counter = await counting;

        var due = new List<(JasperFx.Events.IEventStream<Donation> Stream, Donation Donation, IReadOnlyList<ReceiptBatch> Batches)>();
        foreach (var stream in streams)
        {
            if (stream.Aggregate is not { } donation) continue;
            var policy = ReceiptPolicy.Due(donation, today, settings.PartialPaymentGraceDays);
            if (policy.WaitUntil is { } day)
            {
                // Durable: the scheduled envelope is stored with this transaction and survives restarts.
                logger.LogInformation("Receipt for donation {Donation} waits until {Day}: {Why}", donation.Id, day, policy.Why);
                messages.Add(new IssueDueReceipts(donation.Id).ScheduledAt(ReceiptIssuing.StartOf(day)));
                continue;
            }
            if (policy.Now.Count == 0)
            {
                logger.LogInformation("No receipt for donation {Donation}: {Why}", donation.Id, policy.Why);
                continue;
            }
            var batches = replacesNumber is { } replaces ? policy.Now.Select(b => b with { ReplacesNumber = b.ReplacesNumber ?? replaces }).ToList() : policy.Now;
            due.Add((stream, donation, batches));
        }
        if (due.Count == 0) return messages;

        var donors = await DonorProfiles.LoadManyAsync(session, due.Select(d => d.Donation.DonorId).OfType<Guid>(), ct);
        var appeals = (await session.LoadManyAsync<Appeal>(ct, due.Select(d => AppealStream.IdFor(d.Donation.AppealId)).Distinct().ToArray()))
            .ToDictionary(a => a.AppealId);

        // Decide everything first (numbers counted from the counter as read), then write.
        var next = (counter?.Last ?? 0) + 1;
        var year = ReceiptIssuing.Today(now).Year;
        var decided = new List<(JasperFx.Events.IEventStream<Donation> Stream, ReceiptChanges Changes)>();
        try
        {
            foreach (var (stream, donation, batches) in due)
            {
                if (donation.DonorId is not { } donorId || !donors.Profiles.TryGetValue(donorId, out var profile) || !profile.HasPostalAddress)
                {
                    logger.LogWarning("Donation {Donation} wants a receipt but has no postal address", donation.Id);
                    continue;
                }
                var appeal = appeals.GetValueOrDefault(donation.AppealId) ?? throw new InvalidOperationException($"Appeal {donation.AppealId} is missing.");
                var numbers = Enumerable.Range(next, batches.Count).Select(sequence => new ReceiptNumbering(ReceiptNumber.Format(year, sequence), year, sequence)).ToList();
                var printed = new PrintedDonor(profile.Name!, profile.Street!, profile.PostalCode!, profile.City!, profile.Country);
                var holder = new ReceiptHolder(donorId, DonorKeys.Protect(donors.Keys[donorId], printed));
                var command = new IssueReceipts(batches, false, null, null, numbers, holder, settings.TermsFor(appeal.AppealId), now, today);
                decided.Add((stream, ReceiptDecider.Decide(command, new Dictionary<Guid, Donation> { [donation.Id] = donation }, appeal)));
                next += batches.Count;
            }
        }
        catch (Exception e) when (ids.Count > 1 && e is not OperationCanceledException)
        {
            // Nothing was written: each donation goes on alone, so that only the one that fails keeps failing.
            logger.LogError(e, "A receipt decision in a batch of {Count} donations failed; each is looked at alone", ids.Count);
            messages.AddRange(ids.Select(id => new IssueDueReceipts(id)));
            return messages;
        }
        if (decided.Count == 0) return messages;

        ReceiptNumbers.Take(session, counter, now, next - 1);
        var issued = new List<string>();
        foreach (var (stream, changes) in decided)
        {
            foreach (var (number, fact) in changes.Receipts)
            {
                session.Events.StartStream<Receipt>(ReceiptStream.IdFor(number), fact);
                issued.Add(number);
            }
            foreach (var change in changes.Donations) stream.AppendMany(change.Events);
        }
        // One delivery message for the whole batch: its PDFs are rendered in parallel and mailed over one connection.
        messages.Add(new DeliverReceipts(issued));
        logger.LogInformation("Receipts {First} to {Last} issued for {Donations} donation(s) in one transaction", issued[0], issued[^1], decided.Count);
        return messages;
    }
}
