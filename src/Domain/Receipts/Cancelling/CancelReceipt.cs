using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donors;
using FlutHilfe.Domain.Receipts.Cancelling;
using FlutHilfe.Domain.Receipts.Covering;
using FlutHilfe.Domain.Receipts.Issuing;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Receipts;

/// <summary>Cancel a receipt with a reason; its number stays on record as cancelled. Cancelling twice changes nothing.</summary>
public sealed record CancelReceipt(string Number, string Reason, string? CancelledBy, DateTimeOffset CancelledAt)
{
    public Guid ReceiptStreamId => ReceiptStream.IdFor(Number);
}

/// <summary>Receipt again what a cancelled receipt stated and what stayed with us, under a new number that refers to it.</summary>
public sealed record ReissueReceipt(string Number, DateTimeOffset IssuedAt)
{
    public Guid ReceiptStreamId => ReceiptStream.IdFor(Number);
}

/// <summary>What replaces a cancelled receipt: the payments it stated that stayed with us, as one receipt.</summary>
public sealed record ReceiptReplacement(ReceiptBatch Batch, bool Collective, DateOnly? PeriodFrom, DateOnly? PeriodTo);

public static partial class ReceiptDecider
{
    /// <summary>
    /// The receipt is cancelled, and every donation it still covers gets a <see cref="ReceiptWithdrawn"/>, which frees its
    /// payments for a corrected receipt. <paramref name="donations"/> holds the donations of the receipt's lines (one that
    /// no longer exists is skipped).
    /// </summary>
    public static ReceiptChanges Decide(CancelReceipt command, Receipt? receipt, IReadOnlyDictionary<Guid, Donation> donations)
    {
        var r = receipt ?? throw DomainException.NotFound($"No receipt {command.Number}.");
        if (r.State == ReceiptState.Cancelled) return ReceiptChanges.Nothing;
        var donationIds = r.Lines.Select(l => l.DonationId).Distinct().ToList();
        var withdrawn = donationIds
            .Where(id => donations.TryGetValue(id, out var d) && Covers(d, r.Number))
            .Select(id => new DonationChange(id, [new ReceiptWithdrawn(id, r.Number, command.Reason, command.CancelledAt)]))
            .ToList();
        return new ReceiptChanges([(r.Number, new ReceiptCancelled(r.Number, donationIds, command.Reason, command.CancelledBy, command.CancelledAt))], withdrawn);
    }

    /// <summary>
    /// What receipts again a cancelled receipt's payments that stayed with us (<paramref name="donations"/> as they stand
    /// after the cancellation), under a new number that refers to it: one receipt, collective when more than one payment is
    /// left; a replaced Sammelbestätigung keeps its period when the remaining payments still lie in it. Null when nothing is left.
    /// </summary>
    public static ReceiptReplacement? Replacement(Receipt cancelled, IReadOnlyDictionary<Guid, Donation> donations)
    {
        var remaining = ReceiptDecision.Remaining(cancelled, donations);
        if (remaining.Count == 0) return null;
        var collective = cancelled.Kind == ReceiptKind.Collective && remaining.Count > 1;
        var keepsPeriod = collective && cancelled is { PeriodFrom: { } f, PeriodTo: { } t } && remaining.All(p => p.Date >= f && p.Date <= t);
        return new ReceiptReplacement(new ReceiptBatch(remaining, cancelled.Number), collective,
            keepsPeriod ? cancelled.PeriodFrom : null, keepsPeriod ? cancelled.PeriodTo : null);
    }

    /// <summary>
    /// The replacement of a cancelled receipt the treasurer asks for: only a cancelled receipt is replaced, the donor must
    /// still have a postal address, and something must be left to receipt. <paramref name="donations"/> are the receipt's
    /// donations as they stand now, <paramref name="donor"/> the donor's profile if still known.
    /// </summary>
    public static ReceiptReplacement Decide(ReissueReceipt command, Receipt? receipt, IReadOnlyDictionary<Guid, Donation> donations, DonorProfile? donor)
    {
        var r = receipt ?? throw DomainException.NotFound($"No receipt {command.Number}.");
        if (r.State != ReceiptState.Cancelled) throw DomainException.Conflict($"Receipt {command.Number} is valid: cancel it first.");
        if (donor is not { HasPostalAddress: true }) throw DomainException.Conflict("The donor has no postal address any more: a receipt cannot be made out.");
        return Replacement(r, donations)
               ?? throw DomainException.Conflict($"Nothing of receipt {command.Number} is left to receipt: the payments were returned, withdrawn or are on another valid receipt.");
    }

    private static bool Covers(Donation d, string number)
        => d.PaymentReceipts.Count == 0 ? d.ReceiptNumber == number : d.PaymentReceipts.Any(r => r.Number == number && r.Valid);
}
