using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Payments;

/// <summary>Undo a wrong match as a whole (every part of a split): a new fact each, nothing is deleted.</summary>
public sealed record UnmatchPayment(Guid PaymentId, string Reason, string? By, DateTimeOffset UnmatchedAt);

public static partial class PaymentDecider
{
    /// <summary>
    /// Every donation the payment was booked on gets its part withdrawn, and the payment waits in the queue again.
    /// <paramref name="donations"/> holds every donation of the match.
    /// </summary>
    public static MatchOutcome Decide(UnmatchPayment command, Payment? payment, IReadOnlyDictionary<Guid, Donation> donations)
    {
        var p = Existing(payment, command.PaymentId);
        if (p.Status != PaymentStatus.Matched || p.Parts.Count == 0)
            throw DomainException.Conflict($"Payment {p.Id} is not matched.");
        if (p.Kind == PaymentKind.Return)
            throw DomainException.Conflict("A bank return cannot be unmatched; record the correcting booking instead.");
        var changes = p.Parts
            .Select(part => new DonationChange(part.DonationId, DonationDecider.Decide(
                new WithdrawPayment(part.DonationId, p.Id, command.Reason, command.UnmatchedAt),
                donations.TryGetValue(part.DonationId, out var d) ? d : throw new InvalidOperationException($"Donation {part.DonationId} of payment {p.Id} was not loaded."))))
            .Where(c => c.Events.Count > 0).ToList();
        object paymentEvent = p.IsSplit
            ? new PaymentSplitUndone(p.Id, p.Parts, command.Reason, command.By, command.UnmatchedAt)
            : new PaymentUnmatched(p.Id, p.Parts[0].DonationId, command.Reason, command.By, command.UnmatchedAt);
        return new MatchOutcome([paymentEvent], changes);
    }
}
