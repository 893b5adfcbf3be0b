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

/// <summary>Background: the donation's stream is loaded for writing by the workflow; what is due is issued, or looked at again later.</summary>
public static class IssueDueReceiptsHandler
{
    public static async Task<OutgoingMessages> Handle(IssueDueReceipts command,
        [WriteAggregate(nameof(IssueDueReceipts.DonationId), Required = false)] JasperFx.Events.IEventStream<Donation> stream,
        IDocumentSession session, ReceiptSettings settings, TimeProvider clock, ILogger<IssueDueReceipts> logger, CancellationToken ct)
    {
        if (stream.Aggregate is not { } donation) return [];
        var now = clock.GetUtcNow();
        var due = ReceiptPolicy.Due(donation, ReceiptIssuing.Today(now), settings.PartialPaymentGraceDays);
        if (due.WaitUntil is { } day)
        {
            // Durable: the scheduled envelope is stored with this transaction and survives restarts.
            logger.LogInformation("Receipt for donation {Donation} waits until {Day}: {Why}", donation.Id, day, due.Why);
            return [new IssueDueReceipts(donation.Id).ScheduledAt(ReceiptIssuing.StartOf(day))];
        }
        if (due.Now.Count == 0)
        {
            logger.LogInformation("No receipt for donation {Donation}: {Why}", donation.Id, due.Why);
            return [];
        }
        if (await ReceiptIssuing.PrintableDonorAsync(session, donation.DonorId, ct) is not { } profile)
        {
            logger.LogWarning("Donation {Donation} wants a receipt but has no postal address", donation.Id);
            return [];
        }

        var appeal = await ReceiptIssuing.AppealOfAsync(session, donation.AppealId, ct);
        var batches = command.ReplacesNumber is { } replaces ? due.Now.Select(b => b with { ReplacesNumber = b.ReplacesNumber ?? replaces }).ToList() : due.Now;
        var numbers = await ReceiptIssuing.IssueAsync(session, new DonationStreams([stream]), new Dictionary<Guid, Donation> { [donation.Id] = donation }, batches,
            false, null, null, profile, appeal, settings, now, ct);
        var messages = new OutgoingMessages();
        messages.AddRange(numbers.Select(n => new DeliverReceipt(n)));
        return messages;
    }
}
