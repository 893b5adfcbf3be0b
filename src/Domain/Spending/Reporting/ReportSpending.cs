using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Allocations;

/// <summary>A spending item. <see cref="Window"/>: the days spending is eligible on (from the appeal); null checks no window.</summary>
public sealed record ReportSpending(
    Guid AllocationId, Guid ItemId, DateOnly Date, string Payee, bool PayeeIsOrganisation, string Reason, string PurposeId,
    Money Amount, string VoucherNumber, string? Facility, VoucherDocument? Document, string? ReportedBy, DateTimeOffset ReportedAt,
    EligibleWindow? Window = null);

/// <summary>
/// Spending is eligible from the disaster date (null: appeals opened before that was data, no lower bound) up to the
/// proof-of-use deadline.
/// </summary>
public sealed record EligibleWindow(DateOnly? From, DateOnly To)
{
    public static EligibleWindow Of(Appeal appeal) => new(appeal.DisasterDate, appeal.ProofOfUseDeadline);
}

/// <summary>An attached voucher: only its fingerprint and where it is stored.</summary>
public sealed record VoucherDocument(Guid DocumentId, string Sha256, string ContentType, long SizeBytes, string FileName);

/// <summary>One spending item reported by the municipality; it draws on this allocation.</summary>
public sealed record SpendingReported(
    Guid AllocationId,
    string AppealId,
    string MunicipalityId,
    Guid ItemId,
    DateOnly Date,
    string Payee,
    bool PayeeIsOrganisation,
    string Reason,
    string PurposeId,
    Money Amount,
    string VoucherNumber,
    string? Facility,
    VoucherDocument? Document,
    string? ReportedBy,
    DateTimeOffset ReportedAt) : IEventOf<Allocation>, IAllocationEvent;

public static partial class AllocationDecider
{
    public static IReadOnlyList<object> Decide(ReportSpending c, Allocation? allocation)
    {
        var a = Existing(allocation, c.AllocationId);
        if (a.Items.Any(i => i.ItemId == c.ItemId)) return [];
        if (a.ProofStatus is ProofStatus.Submitted or ProofStatus.Accepted)
            throw DomainException.Conflict("The proof of use is submitted or accepted: no more spending can be reported.");
        if (!c.Amount.IsPositive) throw DomainException.Invalid("amountCents", "The amount must be at least 1 cent.");
        if (!a.Permits(c.PurposeId))
            throw DomainException.Invalid("purposeId", $"This allocation is earmarked for '{a.PurposeId}', not for '{c.PurposeId}'.");
        if (a.Spent + c.Amount > a.Net - a.ReturnedUnused)
            throw DomainException.Conflict($"The item would overspend the allocation: {a.Open} left.", "amountCents");
        if (c.Window is { From: { } from } && c.Date < from)
            throw DomainException.Invalid("date", $"The item is dated before the disaster ({from:dd.MM.yyyy}): such spending is not eligible.");
        if (c.Window is { } window && c.Date > window.To)
            throw DomainException.Invalid("date", $"The item is dated after the proof-of-use deadline ({window.To:dd.MM.yyyy}).");
        // Dated before the allocation decision, or not yet covered by a disbursement: accepted, and flagged in the
        // Belegliste (municipalities often pre-finance; the treasurer judges the early date).
        if (a.Items.Any(i => !i.Withdrawn && i.VoucherNumber == c.VoucherNumber))
            throw DomainException.Conflict($"Voucher number '{c.VoucherNumber}' is already reported on this allocation.", "voucherNumber");
        return [new SpendingReported(a.Id, a.AppealId, a.MunicipalityId, c.ItemId, c.Date, c.Payee, c.PayeeIsOrganisation, c.Reason,
            c.PurposeId, c.Amount, c.VoucherNumber, c.Facility, c.Document, c.ReportedBy, c.ReportedAt)];
    }
}
