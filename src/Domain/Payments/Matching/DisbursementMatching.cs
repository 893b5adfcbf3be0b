using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Payments;

/// <summary>
/// A booked bank transaction of our own money: a debit that paid an ordered transfer to a municipality, or a credit that
/// brought one back (<c>Outcome</c>: <c>confirmed</c>, <c>returned</c>). It leaves the reconciliation queue; the allocation's
/// stream has the money fact (<c>FundsDisbursed</c>, <c>DisbursementReturned</c>) written in the same transaction.
/// </summary>
public sealed record PaymentAppliedToDisbursement(Guid PaymentId, Guid AllocationId, Guid DisbursementId, string Outcome, DateTimeOffset AppliedAt)
    : IEventOf<Payment>;

/// <summary>A credit that paid (part of) a recovery claim against a municipality: it leaves the queue; the allocation's stream has the money facts.</summary>
public sealed record PaymentAppliedToRecoveryClaim(Guid PaymentId, Guid AllocationId, Guid ClaimId, DateTimeOffset AppliedAt) : IEventOf<Payment>;

/// <summary>A debit that paid a donor's refund, or a returned transfer that brought one back (<c>Outcome</c>: <c>confirmed</c>, <c>returned</c>); the donation's stream has the money fact.</summary>
public sealed record PaymentAppliedToRefund(Guid PaymentId, Guid DonationId, Guid RefundId, string Outcome, DateTimeOffset AppliedAt) : IEventOf<Payment>;
