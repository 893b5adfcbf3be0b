using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Allocations;

/// <summary>
/// The treasury approves a transfer of allocated money to the municipality's account, to be paid with the next SEPA payment
/// file (DESIGN §7a). <see cref="DisbursementId"/> makes a retry harmless; it becomes the payment's EndToEndId.
/// </summary>
public sealed record OrderDisbursement(Guid AllocationId, Guid DisbursementId, Money Amount, Payee Payee, string RemittanceText, DateTimeOffset RecordedAt);

/// <summary>Who receives a transfer: the account holder's name as the bank prints it, the IBAN, optionally the BIC.</summary>
public sealed record Payee(string Name, Iban Iban, Bic? Bic);

/// <summary>A transfer to the municipality approved and waiting for a payment file. Not yet money out: the statement's debit is.</summary>
public sealed record DisbursementOrdered(Guid AllocationId, string AppealId, string MunicipalityId, Guid DisbursementId, Money Amount, Payee Payee,
    string RemittanceText, DateTimeOffset RecordedAt) : IEventOf<Allocation>, IAllocationEvent;

/// <summary>An ordered transfer went into a payment file for the bank; it is not offered for another file.</summary>
public sealed record DisbursementSentToBank(Guid AllocationId, string AppealId, string MunicipalityId, Guid DisbursementId, Guid PaymentFileId,
    string EndToEndId, DateOnly RequestedExecutionDate, DateTimeOffset RecordedAt) : IEventOf<Allocation>, IAllocationEvent;

/// <summary>What became of an ordered transfer.</summary>
public enum DisbursementOrderStatus
{
    /// <summary>Approved, waiting for a payment file.</summary>
    Ordered,
    /// <summary>In a payment file, waiting for the statement's debit.</summary>
    SentToBank,
    /// <summary>The bank's debit confirmed it: the money is out (a <see cref="FundsDisbursed"/> with the same id).</summary>
    Paid,
}

/// <summary>
/// An ordered transfer as it stands. <see cref="Sendings"/>: every payment file it went into and what became of it there (a
/// returned or rejected transfer waits for the next file, so it may have been sent more than once).
/// </summary>
public sealed record DisbursementOrder(Guid DisbursementId, Money Amount, Payee Payee, string RemittanceText, DateTimeOffset OrderedAt,
    DisbursementOrderStatus Status = DisbursementOrderStatus.Ordered, Guid? PaymentFileId = null, string? EndToEndId = null, DateOnly? RequestedExecutionDate = null,
    IReadOnlyList<OrderSending>? Sendings = null)
{
    public IReadOnlyList<OrderSending> SentIn => Sendings ?? [];
}

/// <summary>What became of a transfer in one payment file.</summary>
public enum SendingOutcome
{
    /// <summary>In the file; the statement has not spoken yet.</summary>
    Sent,
    /// <summary>The statement's debit (or the treasurer) confirmed it.</summary>
    Paid,
    /// <summary>Paid and then returned by the payee's bank (<see cref="OrderSending.ReasonCode"/>).</summary>
    Returned,
    /// <summary>The bank refused the file.</summary>
    Rejected,
}

public sealed record OrderSending(Guid PaymentFileId, SendingOutcome Outcome, string? ReasonCode = null);

public static partial class AllocationDecider
{
    public const int RemittanceLengthMax = 140;

    /// <summary>The EndToEndId of an ordered transfer: "FH" and the order's id, 34 SEPA characters, unique per payment.</summary>
    public static string EndToEndIdOf(Guid disbursementId) => "FH" + disbursementId.ToString("N").ToUpperInvariant();

    public static IReadOnlyList<object> Decide(OrderDisbursement c, Allocation? allocation)
    {
        var a = Existing(allocation, c.AllocationId);
        if (a.DisbursementIds.Contains(c.DisbursementId) || a.Orders.Any(o => o.DisbursementId == c.DisbursementId)) return [];
        if (!c.Amount.IsPositive) throw DomainException.Invalid("amountCents", "The amount must be at least 1 cent.");
        if (a.Disbursed + a.OrderedUnpaid + c.Amount > a.Net)
            throw DomainException.Conflict(
                $"Ordering {c.Amount} would exceed the allocation ({a.Disbursed} disbursed and {a.OrderedUnpaid} ordered of {a.Net}).", "amountCents");
        return [new DisbursementOrdered(a.Id, a.AppealId, a.MunicipalityId, c.DisbursementId, c.Amount, c.Payee, c.RemittanceText, c.RecordedAt)];
    }
}
