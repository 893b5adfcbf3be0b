using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Receipts.Cancelling;

/// <summary>A receipt is cancelled with a reason; its number stays on record as cancelled.</summary>
public sealed record ReceiptCancelled(string Number, IReadOnlyList<Guid> DonationIds, string Reason, string? CancelledBy, DateTimeOffset CancelledAt)
    : IEventOf<Receipt>;

/// <summary>On the donation's stream: its receipt no longer counts, so a new one may be issued.</summary>
public sealed record ReceiptWithdrawn(Guid DonationId, string Number, string Reason, DateTimeOffset WithdrawnAt) : IEventOf<Donation>;
