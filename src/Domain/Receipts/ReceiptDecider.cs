using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Receipts.Cancelling;
using FlutHilfe.Domain.Receipts.Issuing;

namespace FlutHilfe.Domain.Receipts;

/// <summary>
/// Every decision about receipts: <c>Decide(command, receipt, donations)</c>, pure, with numbers, keys and time inside the
/// command. A receipt's number has its own stream; the donations it covers record which payment is on which receipt, so
/// issuing and cancelling change the receipt's stream and each donation's stream together. One part per feature folder
/// (Issuing, Cancelling, Requesting); the receipt is folded by <see cref="Evolve"/>, the donations by
/// <see cref="DonationDecider.Evolve"/>.
/// </summary>
public static partial class ReceiptDecider
{
    /// <summary>The one fold of a receipt number's stream: Marten's snapshot, the command handlers and the specs use it.</summary>
    public static Receipt? Evolve(Receipt? receipt, object @event) => (receipt, @event) switch
    {
        (_, ReceiptIssued e) => Issued(e),
        ({ } r, ReceiptCancelled e) => r with { State = ReceiptState.Cancelled, CancellationReason = e.Reason, CancelledAt = e.CancelledAt },
        ({ } r, ReceiptMailed) => r with { Mailed = true },
        _ => receipt,
    };

    private static Receipt Issued(ReceiptIssued e) => new()
    {
        Id = ReceiptStream.IdFor(e.Number),
        Number = e.Number,
        Year = e.Year,
        Sequence = e.Sequence,
        Kind = e.Kind,
        AppealId = e.AppealId,
        Amount = e.Amount,
        Lines = e.Lines,
        PeriodFrom = e.PeriodFrom,
        PeriodTo = e.PeriodTo,
        IssueDate = e.IssueDate,
        ReplacesNumber = e.ReplacesNumber,
        DonorId = e.DonorId,
    };
}

/// <summary>What a receipt decision appends: the receipt streams' events (by number) and each donation's.</summary>
public sealed record ReceiptChanges(IReadOnlyList<(string Number, object Event)> Receipts, IReadOnlyList<DonationChange> Donations)
{
    public static readonly ReceiptChanges Nothing = new([], []);
}
