using FlutHilfe.Api.Infrastructure.PersonalData;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donors;
using FlutHilfe.Domain.Receipts;
using FlutHilfe.Domain.Receipts.Covering;
using FlutHilfe.Domain.Receipts.Issuing;
using JasperFx.Events;
using Marten;
using Wolverine;

namespace FlutHilfe.Api.Receipts;

/// <summary>
/// Look at a donation's receipts: issue what is due (<see cref="ReceiptPolicy"/>), or schedule this message again for
/// the day the grace period for further payments ends. Handled through the Marten outbox; sending it twice is harmless.
/// </summary>
/// <remarks>ReplacesNumber: Kept for messages stored before receipts covered payments; the replaced number now follows from the donation.</remarks>
public sealed record IssueReceipt(Guid DonationId, string? ReplacesNumber = null);

/// <summary>Render the receipt's PDF, store it, and mail it when the donor gave an e-mail address.</summary>
public sealed record DeliverReceipt(string Number);

public static class ReceiptIssuing
{
    /// <summary>
    /// Issues one receipt per batch over payments of the donations held by <paramref name="donations"/> (fetched for
    /// writing, so a concurrent issuer for the same donation fails its commit and, on retry, finds the payments covered:
    /// exactly once). Every number comes from the yearly counter in this transaction. Returns the numbers.
    /// </summary>
    public static async Task<IReadOnlyList<string>> IssueAsync(IDocumentSession session, IReadOnlyDictionary<Guid, IEventStream<Donation>> donations,
        IReadOnlyList<ReceiptBatch> batches, bool collective, DateOnly? periodFrom, DateOnly? periodTo, DonorProfile profile, Appeal appeal,
        ReceiptSettings settings, TimeProvider clock, CancellationToken ct)
    {
        if (batches.Count == 0) return [];
        var now = clock.GetUtcNow();
        var numbers = await ReceiptNumbers.ReserveAsync(session, clock, batches.Count, ct);
        var printed = new PrintedDonor(profile.Name!, profile.Street!, profile.PostalCode!, profile.City!, profile.Country);
        var holder = new ReceiptHolder(profile.Id, await DonorKeys.ProtectAsync(session, profile.Id, printed, ct));
        var terms = settings.TermsFor(appeal.Slug);

        var issuedNumbers = new List<string>();
        foreach (var (batch, numbering) in batches.Zip(numbers))
        {
            var involved = batch.Payments.Select(p => p.DonationId).Distinct().Select(id => donations[id].Aggregate!).ToList();
            var issued = ReceiptDecision.Issue(batch.Payments, collective, periodFrom, periodTo, appeal, ReceiptDecision.UseFor(appeal, involved), numbering, holder,
                terms, batch.ReplacesNumber, now);
            session.Events.StartStream<Receipt>(ReceiptStream.IdFor(numbering.Number), issued);
            foreach (var group in batch.Payments.GroupBy(p => p.DonationId))
            {
                donations[group.Key].AppendOne(new ReceiptAssigned(group.Key, numbering.Number, now, group.Select(p => p.PaymentId).ToList()));
            }
            issuedNumbers.Add(numbering.Number);
        }
        return issuedNumbers;
    }

    /// <summary>The donor's profile when it can be printed on a receipt, else null.</summary>
    public static async Task<DonorProfile?> PrintableDonorAsync(IQuerySession session, Guid? donorId, CancellationToken ct)
        => donorId is { } id && await DonorProfiles.LoadAsync(session, id, ct) is { HasPostalAddress: true } profile ? profile : null;

    public static async Task<Appeal> AppealOfAsync(IQuerySession session, string appealId, CancellationToken ct)
        => await session.LoadAsync<Appeal>(AppealStream.IdFor(appealId), ct) ?? throw new InvalidOperationException($"Appeal {appealId} is missing.");

    /// <summary>The moment a scheduled look happens: the start (UTC) of the day the grace period ends.</summary>
    public static DateTimeOffset StartOf(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    public static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
}

public static class IssueReceiptHandler
{
    public static async Task<OutgoingMessages> Handle(IssueReceipt command, IDocumentSession session, ReceiptSettings settings, TimeProvider clock,
        ILogger<IssueReceipt> logger, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<Donation>(command.DonationId, ct);
        if (stream.Aggregate is not { } donation) return [];

        var due = ReceiptPolicy.Due(donation, ReceiptIssuing.Today(clock), settings.PartialPaymentGraceDays);
        if (due.WaitUntil is { } day)
        {
            // Durable: the scheduled envelope is stored with this transaction and survives restarts.
            logger.LogInformation("Receipt for donation {Donation} waits until {Day}: {Why}", donation.Id, day, due.Why);
            return [new IssueReceipt(donation.Id).ScheduledAt(ReceiptIssuing.StartOf(day))];
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
        var numbers = await ReceiptIssuing.IssueAsync(session, new Dictionary<Guid, IEventStream<Donation>> { [donation.Id] = stream }, batches, false, null, null,
            profile, appeal, settings, clock, ct);
        var messages = new OutgoingMessages();
        messages.AddRange(numbers.Select(n => new DeliverReceipt(n)));
        return messages;
    }
}
