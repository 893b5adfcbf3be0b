using System.Globalization;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Allocations;

/// <summary>
/// A statement's debit names an ordered transfer by its EndToEndId: the bank paid it (DESIGN §7a). <see cref="PaymentId"/> is
/// the booked bank transaction; <see cref="BookedOn"/> its booking date.
/// </summary>
public sealed record ConfirmDisbursementByStatement(Guid AllocationId, Guid DisbursementId, Money Amount, DateOnly BookedOn, string BankReference, Guid PaymentId,
    DateTimeOffset RecordedAt);

/// <summary>A statement's credit brings an ordered and paid transfer back (a SEPA return, <c>RtrInf</c>), naming it by its EndToEndId.</summary>
public sealed record ReturnDisbursementByStatement(Guid AllocationId, Guid DisbursementId, Money Amount, DateOnly ReturnedOn, string? ReasonCode, Guid PaymentId,
    DateTimeOffset RecordedAt);

/// <summary>The bank refused a payment file as a whole (a pain.002 rejection, or the bank's web upload said so): its transfers wait for a file again.</summary>
public sealed record RejectDisbursement(Guid AllocationId, Guid DisbursementId, Guid PaymentFileId, string Reason, DateTimeOffset RecordedAt);

/// <summary>
/// A paid transfer came back (a SEPA return, e.g. AC04 account closed): the money is in the appeal's account again and the
/// order waits for the next payment file. <see cref="PaymentFileId"/>: the file it had been sent in.
/// </summary>
public sealed record DisbursementReturned(Guid AllocationId, string AppealId, string MunicipalityId, Guid DisbursementId, Guid PaymentFileId, Money Amount,
    DateOnly ReturnedOn, string? ReasonCode, Guid PaymentId, DateTimeOffset RecordedAt) : IEventOf<Allocation>, IAllocationEvent;

/// <summary>The bank refused the payment file that carried this transfer: nothing was paid; the order waits for the next file.</summary>
public sealed record DisbursementRejected(Guid AllocationId, string AppealId, string MunicipalityId, Guid DisbursementId, Guid PaymentFileId, string Reason,
    DateTimeOffset RecordedAt) : IEventOf<Allocation>, IAllocationEvent;

/// <summary>What a statement's booking did to the ordered transfer it names (the import's summary lists every one but the first two).</summary>
public static class StatementOutcomes
{
    /// <summary>The debit confirmed the transfer: it is paid.</summary>
    public const string Confirmed = "confirmed";
    /// <summary>The credit brought a paid transfer back: it waits for a payment file again.</summary>
    public const string Returned = "returned";
    /// <summary>The transfer was paid already (by an earlier debit, or recorded by hand): nothing is booked twice.</summary>
    public const string AlreadyConfirmed = "already-confirmed";
    /// <summary>The booking's amount is not the ordered amount.</summary>
    public const string AmountMismatch = "amount-mismatch";
    /// <summary>A debit for a transfer that is in no payment file (yet, or any more).</summary>
    public const string NotSent = "not-sent";
    /// <summary>A return for a transfer that is not paid.</summary>
    public const string NotPaid = "not-paid";
    /// <summary>The EndToEndId has our form, but no ordered transfer has it.</summary>
    public const string UnknownOrder = "unknown-order";
}

/// <summary>What one booking decided for its transfer: the outcome (see <see cref="StatementOutcomes"/>) and the allocation's events.</summary>
public sealed record StatementDecision(string Outcome, IReadOnlyList<object> Events);

public static partial class AllocationDecider
{
    /// <summary>The order an EndToEndId names when it has our form ("FH" and 32 hex digits, see <see cref="EndToEndIdOf"/>).</summary>
    public static bool TryDisbursementIdOf(string? endToEndId, out Guid disbursementId)
    {
        disbursementId = Guid.Empty;
        if (endToEndId is not { Length: 34 } || !endToEndId.StartsWith("FH", StringComparison.Ordinal)) return false;
        return Guid.TryParseExact(endToEndId[2..], "N", out disbursementId) && disbursementId != Guid.Empty
            && EndToEndIdOf(disbursementId) == endToEndId.ToUpper(CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The debit pays the order when the order is in a payment file and the amounts agree: the same <see cref="FundsDisbursed"/>
    /// as the treasurer's record by hand, so the money leaves once whichever comes first. Never throws for what a bank sent:
    /// every other case is an outcome the import reports.
    /// </summary>
    public static StatementDecision Decide(ConfirmDisbursementByStatement c, Allocation a)
    {
        if (a.Orders.FirstOrDefault(o => o.DisbursementId == c.DisbursementId) is not { } order) return new(StatementOutcomes.UnknownOrder, []);
        if (order.Status == DisbursementOrderStatus.Paid) return new(StatementOutcomes.AlreadyConfirmed, []);
        if (order.Status != DisbursementOrderStatus.SentToBank) return new(StatementOutcomes.NotSent, []);
        if (c.Amount != order.Amount) return new(StatementOutcomes.AmountMismatch, []);
        return new(StatementOutcomes.Confirmed,
            [new FundsDisbursed(a.Id, a.AppealId, a.MunicipalityId, c.DisbursementId, c.Amount, c.BookedOn, c.BankReference, c.RecordedAt)]);
    }

    /// <summary>A return reopens a paid order for its whole amount (a partial return is left to the treasurer).</summary>
    public static StatementDecision Decide(ReturnDisbursementByStatement c, Allocation a)
    {
        if (a.Orders.FirstOrDefault(o => o.DisbursementId == c.DisbursementId) is not { } order) return new(StatementOutcomes.UnknownOrder, []);
        if (order.Status != DisbursementOrderStatus.Paid || order.PaymentFileId is not { } file) return new(StatementOutcomes.NotPaid, []);
        if (c.Amount != order.Amount) return new(StatementOutcomes.AmountMismatch, []);
        Invariant.That(a.Disbursed >= c.Amount, "A returned transfer was disbursed.");
        return new(StatementOutcomes.Returned,
            [new DisbursementReturned(a.Id, a.AppealId, a.MunicipalityId, c.DisbursementId, file, c.Amount, c.ReturnedOn, c.ReasonCode, c.PaymentId, c.RecordedAt)]);
    }

    /// <summary>Only a transfer still waiting in that file can be refused with it; a paid one (or one already reopened) is left as it is.</summary>
    public static IReadOnlyList<object> Decide(RejectDisbursement c, Allocation? allocation)
    {
        var a = Existing(allocation, c.AllocationId);
        if (a.Orders.FirstOrDefault(o => o.DisbursementId == c.DisbursementId) is not { } order) return [];
        if (order.Status != DisbursementOrderStatus.SentToBank || order.PaymentFileId != c.PaymentFileId) return [];
        return [new DisbursementRejected(a.Id, a.AppealId, a.MunicipalityId, c.DisbursementId, c.PaymentFileId, c.Reason, c.RecordedAt)];
    }
}
