using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Receipts;
using FlutHilfe.Domain.Receipts.Cancelling;
using FlutHilfe.Domain.Shared;
using Marten;

namespace FlutHilfe.Api.Receipts;

/// <summary>Cancel a receipt (e.g. automatically after a bank return of a receipted donation).</summary>
public sealed record CancelReceipt(string Number, string Reason, bool NotifyTreasurer);

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

public static class ReceiptCancelling
{
    /// <summary>Cancels the receipt and frees its donations for a corrected receipt. Cancelling twice changes nothing.</summary>
    public static async Task<Receipt> CancelAsync(IDocumentSession session, string number, string reason, string? by, TimeProvider clock, CancellationToken ct)
    {
        var stream = ReceiptNumber.IsWellFormed(number) ? await session.Events.FetchForWriting<Receipt>(ReceiptStream.IdFor(number), ct) : null;
        var receipt = stream?.Aggregate ?? throw DomainException.NotFound($"No receipt {number}.");
        if (receipt.State == ReceiptState.Cancelled) return receipt;

        var now = clock.GetUtcNow();
        var donationIds = receipt.Lines.Select(l => l.DonationId).ToList();
        var cancelled = new ReceiptCancelled(number, donationIds, reason, by, now);
        stream!.AppendOne(cancelled);
        foreach (var donationId in donationIds)
        {
            var donation = await session.Events.FetchForWriting<Donation>(donationId, ct);
            if (donation.Aggregate?.ReceiptNumber == number) donation.AppendOne(new ReceiptWithdrawn(donationId, number, reason, now));
        }
        return receipt.Apply(cancelled);
    }
}

public static class CancelReceiptHandler
{
    public static async Task Handle(CancelReceipt command, IDocumentSession session, TimeProvider clock, ILogger<CancelReceipt> logger, CancellationToken ct)
    {
        await ReceiptCancelling.CancelAsync(session, command.Number, command.Reason, "system", clock, ct);
        if (command.NotifyTreasurer)
        {
            // Deterministic id: a redelivered message records the notice once.
            session.Store(new TreasurerNotice
            {
                Id = DeterministicId.For("notice-receipt-cancelled", command.Number),
                Kind = "receipt-cancelled",
                ReceiptNumber = command.Number,
                Message = $"Zuwendungsbestätigung {command.Number} wurde storniert: {command.Reason}",
                CreatedAt = clock.GetUtcNow(),
            });
            logger.LogWarning("Receipt {Number} cancelled automatically: {Reason}", command.Number, command.Reason);
        }
    }
}
