using FlutHilfe.Api.Donations;
using FlutHilfe.Api.Notices;
using FlutHilfe.Api.Receipts.Delivering;
using FlutHilfe.Api.Receipts.Issuing;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Receipts;
using FlutHilfe.Domain.Shared;
using JasperFx.Events;
using Marten;
using Wolverine;
using Wolverine.Attributes;
using Wolverine.Marten;

namespace FlutHilfe.Api.Receipts.Cancelling;

/// <summary>
/// A receipt made wrong by a bank return or an undone match: cancel it, tell the treasurer, and with <see cref="Reissue"/>
/// receipt at once what stayed with us, under a new number that refers to it. Sent through the durable outbox; stored
/// under its first name, so messages written before the rename are still handled.
/// </summary>
[MessageIdentity("FlutHilfe.Api.Receipts.CancelReceipt")]
public sealed record CancelVoidedReceipt(string Number, string Reason, bool NotifyTreasurer, bool Reissue = false)
{
    public Guid ReceiptStreamId => ReceiptStream.IdFor(Number);
}

/// <summary>Applies cancellations and replacements to the streams a handler loaded for writing.</summary>
public static class ReceiptCancelling
{
    /// <summary>Appends the cancellation to the receipt's stream and the withdrawals to its donations'; answers the donations after them.</summary>
    public static IReadOnlyDictionary<Guid, Donation> Append(ReceiptChanges changes, IEventStream<Receipt> receipt, DonationStreams donations)
    {
        receipt.AppendMany(changes.Receipts.Select(r => r.Event));
        return donations.Append(changes.Donations);
    }

    /// <summary>Receipts a replacement under a new number; null when the donor's postal address is gone.</summary>
    public static async Task<string?> ReissueAsync(IDocumentSession session, ReceiptReplacement replacement, Receipt cancelled, DonationStreams streams,
        IReadOnlyDictionary<Guid, Donation> donations, ReceiptSettings settings, DateTimeOffset now, CancellationToken ct)
    {
        if (await ReceiptIssuing.PrintableDonorAsync(session, cancelled.DonorId, ct) is not { } profile) return null;
        var appeal = await ReceiptIssuing.AppealOfAsync(session, cancelled.AppealId, ct);
        var numbers = await ReceiptIssuing.IssueAsync(session, streams, donations, [replacement.Batch], replacement.Collective, replacement.PeriodFrom,
            replacement.PeriodTo, profile, appeal, settings, now, ct);
        return numbers.Single();
    }

    /// <summary>The donations of a receipt's lines, loaded for writing.</summary>
    public static Task<DonationStreams> DonationsOf(Receipt? receipt, IDocumentSession session, CancellationToken ct)
        => DonationStreams.FetchForWritingAsync(session, receipt?.Lines.Select(l => l.DonationId) ?? [], ct);
}

/// <summary>The treasurer's cancellation: the receipt's stream by the workflow, its donations by <see cref="LoadAsync"/>.</summary>
public static class CancelReceiptHandler
{
    public static Task<DonationStreams> LoadAsync(CancelReceipt command, IEventStream<Receipt> receipt, IDocumentSession session, CancellationToken ct)
        => ReceiptCancelling.DonationsOf(receipt.Aggregate, session, ct);

    public static Receipt Handle(CancelReceipt command, [WriteAggregate(nameof(CancelReceipt.ReceiptStreamId), Required = false)] IEventStream<Receipt> receipt,
        DonationStreams donations)
    {
        var changes = ReceiptDecider.Decide(command, receipt.Aggregate, donations.Existing);
        ReceiptCancelling.Append(changes, receipt, donations);
        return receipt.Aggregate.After(changes.Receipts.Select(r => r.Event), ReceiptDecider.Evolve)!;
    }
}

/// <summary>A voided receipt, cancelled by the system (background, from a return or an undone match).</summary>
public static class CancelVoidedReceiptHandler
{
    public static Task<DonationStreams> LoadAsync(CancelVoidedReceipt message, IEventStream<Receipt> receipt, IDocumentSession session, CancellationToken ct)
        => ReceiptCancelling.DonationsOf(receipt.Aggregate, session, ct);

    public static async Task<OutgoingMessages> Handle(CancelVoidedReceipt message,
        [WriteAggregate(nameof(CancelVoidedReceipt.ReceiptStreamId), Required = false)] IEventStream<Receipt> receipt, DonationStreams donations,
        IDocumentSession session, ReceiptSettings settings, TimeProvider clock, ILogger<CancelVoidedReceipt> logger, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var changes = ReceiptDecider.Decide(new CancelReceipt(message.Number, message.Reason, "system", now), receipt.Aggregate, donations.Existing);
        var after = ReceiptCancelling.Append(changes, receipt, donations);
        var messages = new OutgoingMessages();
        string? replacement = null;
        // Only the cancellation itself reissues: a redelivered message finds the receipt cancelled and the payments covered.
        if (message.Reissue && changes.Receipts.Count > 0 && ReceiptDecider.Replacement(receipt.Aggregate.After(changes.Receipts.Select(r => r.Event), ReceiptDecider.Evolve)!, after) is { } next)
        {
            replacement = await ReceiptCancelling.ReissueAsync(session, next, receipt.Aggregate!, donations, after, settings, now, ct);
            if (replacement is not null) messages.Add(new DeliverReceipt(replacement));
        }
        if (message.NotifyTreasurer)
        {
            // Deterministic id: a redelivered message records the notice once.
            session.Store(new TreasurerNotice
            {
                Id = DeterministicId.For("notice-receipt-cancelled", message.Number),
                Kind = "receipt-cancelled",
                ReceiptNumber = message.Number,
                Message = $"Zuwendungsbestätigung {message.Number} wurde storniert: {message.Reason}"
                          + (replacement is null ? "" : $" Die verbleibenden Zuwendungen stehen auf der neuen Zuwendungsbestätigung {replacement}."),
                CreatedAt = now,
            });
            logger.LogWarning("Receipt {Number} cancelled automatically: {Reason}", message.Number, message.Reason);
        }
        return messages;
    }
}

/// <summary>The treasurer's replacement of a cancelled receipt: the receipt read, its donations loaded for writing (a racing reissue fails its commit).</summary>
public static class ReissueReceiptHandler
{
    public static Task<DonationStreams> LoadAsync(ReissueReceipt command, Receipt? receipt, IDocumentSession session, CancellationToken ct)
        => ReceiptCancelling.DonationsOf(receipt, session, ct);

    public static async Task<(ReceiptIssuedView, OutgoingMessages)> Handle(ReissueReceipt command,
        [ReadAggregate(nameof(ReissueReceipt.ReceiptStreamId), Required = false)] Receipt? receipt, DonationStreams donations, IDocumentSession session,
        ReceiptSettings settings, CancellationToken ct)
    {
        var donor = await ReceiptIssuing.PrintableDonorAsync(session, receipt?.DonorId, ct);
        var replacement = ReceiptDecider.Decide(command, receipt, donations.Existing, donor);
        var number = await ReceiptCancelling.ReissueAsync(session, replacement, receipt!, donations, donations.Existing, settings, command.IssuedAt, ct)
                     ?? throw DomainException.Conflict("The donor has no postal address any more: a receipt cannot be made out.");
        return (ReceiptIssuedView.For(number), [new DeliverReceipt(number)]);
    }
}
