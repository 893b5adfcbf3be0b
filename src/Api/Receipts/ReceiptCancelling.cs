using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Receipts;
using FlutHilfe.Domain.Receipts.Cancelling;
using FlutHilfe.Domain.Receipts.Covering;
using FlutHilfe.Domain.Receipts.Issuing;
using FlutHilfe.Domain.Shared;
using JasperFx.Events;
using Marten;
using Wolverine;

namespace FlutHilfe.Api.Receipts;

/// <summary>
/// Cancel a receipt (e.g. automatically after a bank return of a receipted payment). With <paramref name="Reissue"/>
/// the payments it stated that stayed with us are receipted again at once, under a new number that refers to it.
/// </summary>
public sealed record CancelReceipt(string Number, string Reason, bool NotifyTreasurer, bool Reissue = false);

/// <summary>Something the treasurer must look at, e.g. a receipt cancelled by a bank return.</summary>
public sealed class TreasurerNotice
{
    public Guid Id { get; set; }
    public string Kind { get; set; } = "";
    public string Message { get; set; } = "";
    public string? ReceiptNumber { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public bool Acknowledged { get; set; }
}

/// <summary>A cancelled receipt and its donations as they stand after the cancellation (their streams fetched for writing).</summary>
/// <remarks>JustCancelled: False when the receipt was cancelled before (a retry or a second request).</remarks>
public sealed record CancelledReceipt(Receipt Receipt, IReadOnlyDictionary<Guid, IEventStream<Donation>> Streams, IReadOnlyDictionary<Guid, Donation> After, bool JustCancelled);

public static class ReceiptCancelling
{
    /// <summary>Cancels the receipt and frees its payments for a corrected receipt. Cancelling twice changes nothing.</summary>
    public static async Task<CancelledReceipt> CancelAsync(IDocumentSession session, string number, string reason, string? by, TimeProvider clock, CancellationToken ct)
    {
        var stream = ReceiptNumber.IsWellFormed(number) ? await session.Events.FetchForWriting<Receipt>(ReceiptStream.IdFor(number), ct) : null;
        var receipt = stream?.Aggregate ?? throw DomainException.NotFound($"No receipt {number}.");

        var now = clock.GetUtcNow();
        var streams = new Dictionary<Guid, IEventStream<Donation>>();
        var after = new Dictionary<Guid, Donation>();
        foreach (var donationId in receipt.Lines.Select(l => l.DonationId).Distinct())
        {
            var donation = await session.Events.FetchForWriting<Donation>(donationId, ct);
            if (donation.Aggregate is not { } d) continue;
            streams[donationId] = donation;
            after[donationId] = d;
            if (receipt.State == ReceiptState.Valid && Covers(d, number))
            {
                var withdrawn = new ReceiptWithdrawn(donationId, number, reason, now);
                donation.AppendOne(withdrawn);
                after[donationId] = d.Apply(withdrawn);
            }
        }
        if (receipt.State == ReceiptState.Cancelled) return new CancelledReceipt(receipt, streams, after, false);

        var cancelled = new ReceiptCancelled(number, receipt.Lines.Select(l => l.DonationId).Distinct().ToList(), reason, by, now);
        stream!.AppendOne(cancelled);
        return new CancelledReceipt(receipt.Apply(cancelled), streams, after, true);
    }

    private static bool Covers(Donation d, string number)
        => d.PaymentReceipts.Count == 0 ? d.ReceiptNumber == number : d.PaymentReceipts.Any(r => r.Number == number && r.Valid);

    /// <summary>
    /// Receipts again what a cancelled receipt stated and what stayed with us, under a new number that refers to it
    /// (one receipt; collective when more than one payment is left). Null when nothing is left or no postal address is known.
    /// </summary>
    public static async Task<string?> ReissueAsync(IDocumentSession session, CancelledReceipt cancelled, ReceiptSettings settings, TimeProvider clock, CancellationToken ct)
    {
        var remaining = ReceiptDecision.Remaining(cancelled.Receipt, cancelled.After);
        if (remaining.Count == 0) return null;
        if (await ReceiptIssuing.PrintableDonorAsync(session, cancelled.Receipt.DonorId, ct) is not { } profile) return null;
        var appeal = await ReceiptIssuing.AppealOfAsync(session, cancelled.Receipt.AppealId, ct);
        var collective = cancelled.Receipt.Kind == ReceiptKind.Collective && remaining.Count > 1;
        DateOnly? from = null, to = null;
        // A replaced Sammelbestätigung keeps its period when the remaining payments still lie in it.
        if (collective && cancelled.Receipt is { PeriodFrom: { } f, PeriodTo: { } t } && remaining.All(p => p.Date >= f && p.Date <= t))
        {
            (from, to) = (f, t);
        }
        var numbers = await ReceiptIssuing.IssueAsync(session, cancelled.Streams, [new ReceiptBatch(remaining, cancelled.Receipt.Number)], collective, from, to,
            profile, appeal, settings, clock, ct);
        return numbers.Single();
    }
}

public static class CancelReceiptHandler
{
    public static async Task<OutgoingMessages> Handle(CancelReceipt command, IDocumentSession session, ReceiptSettings settings, TimeProvider clock,
        ILogger<CancelReceipt> logger, CancellationToken ct)
    {
        var cancelled = await ReceiptCancelling.CancelAsync(session, command.Number, command.Reason, "system", clock, ct);
        var messages = new OutgoingMessages();
        string? replacement = null;
        // Only the cancellation itself reissues: a redelivered message finds the receipt cancelled and the payments covered.
        if (command.Reissue && cancelled.JustCancelled)
        {
            replacement = await ReceiptCancelling.ReissueAsync(session, cancelled, settings, clock, ct);
            if (replacement is not null) messages.Add(new DeliverReceipt(replacement));
        }
        if (command.NotifyTreasurer)
        {
            // Deterministic id: a redelivered message records the notice once.
            session.Store(new TreasurerNotice
            {
                Id = DeterministicId.For("notice-receipt-cancelled", command.Number),
                Kind = "receipt-cancelled",
                ReceiptNumber = command.Number,
                Message = $"Zuwendungsbestätigung {command.Number} wurde storniert: {command.Reason}"
                          + (replacement is null ? "" : $" Die verbleibenden Zuwendungen stehen auf der neuen Zuwendungsbestätigung {replacement}."),
                CreatedAt = clock.GetUtcNow(),
            });
            logger.LogWarning("Receipt {Number} cancelled automatically: {Reason}", command.Number, command.Reason);
        }
        return messages;
    }
}
