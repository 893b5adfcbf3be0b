using System.Globalization;
using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.EarmarkDecisions;

public enum RefundStatus
{
    /// <summary>The donor chose the refund: it waits for a payment file.</summary>
    Ordered,
    /// <summary>In a payment file, not yet seen on a statement.</summary>
    SentToBank,
    /// <summary>A statement's debit with its EndToEndId confirmed it.</summary>
    Paid,
}

/// <summary>
/// A refund the donor chose (an <see cref="EarmarkQuestionAnswered"/> with <see cref="EarmarkChoice.Refund"/>), as the
/// donation's state keeps it until the money has left. One per question: <see cref="RefundId"/> is derived from the donation and the decision.
/// </summary>
public sealed record RefundOrder(Guid RefundId, Guid DecisionId, Money Amount, DateTimeOffset OrderedAt, RefundStatus Status = RefundStatus.Ordered,
    Guid? PaymentFileId = null, DateOnly? PaidOn = null);

/// <summary>The refund went into a payment file (<see cref="EndToEndId"/>: "FR" and the refund's id) to be sent to the bank.</summary>
public sealed record RefundSentToBank(Guid DonationId, string AppealId, Guid RefundId, Guid PaymentFileId, string EndToEndId, Money Amount,
    DateOnly RequestedExecutionDate, DateTimeOffset SentAt) : IEventOf<Donation>, IAppealEvent;

/// <summary>A statement's debit with the refund's EndToEndId: the money left for the donor (the refunds liability is settled).</summary>
public sealed record RefundPaid(Guid DonationId, string AppealId, Guid RefundId, Money Amount, DateOnly BookedOn, string BankReference, Guid PaymentId,
    DateTimeOffset RecordedAt) : IEventOf<Donation>, IAppealEvent;

/// <summary>The paid refund came back (SEPA return, e.g. AC04 account closed): the money is owed to the donor again and the refund waits for a file.</summary>
public sealed record RefundReturned(Guid DonationId, string AppealId, Guid RefundId, Guid PaymentFileId, Money Amount, DateOnly ReturnedOn, string? ReasonCode,
    Guid PaymentId, DateTimeOffset RecordedAt) : IEventOf<Donation>, IAppealEvent;

/// <summary>The bank refused the payment file that carried the refund: nothing was paid; it waits for the next file.</summary>
public sealed record RefundRejected(Guid DonationId, string AppealId, Guid RefundId, Guid PaymentFileId, string Reason, DateTimeOffset RecordedAt)
    : IEventOf<Donation>, IAppealEvent;

/// <summary>Put a refund into a payment file (decided on the donation's stream).</summary>
public sealed record SendRefundToBank(Guid RefundId, Guid PaymentFileId, DateOnly RequestedExecutionDate, DateTimeOffset RecordedAt);

/// <summary>A statement's debit names the refund by its EndToEndId.</summary>
public sealed record ConfirmRefundByStatement(Guid RefundId, Money Amount, DateOnly BookedOn, string BankReference, Guid PaymentId, DateTimeOffset RecordedAt);

/// <summary>A statement's returned transfer (<c>RtrInf</c>) names the refund by its EndToEndId.</summary>
public sealed record ReturnRefundByStatement(Guid RefundId, Money Amount, DateOnly ReturnedOn, string? ReasonCode, Guid PaymentId, DateTimeOffset RecordedAt);

/// <summary>The file that carried the refund was refused by the bank.</summary>
public sealed record RejectRefund(Guid RefundId, Guid PaymentFileId, string Reason, DateTimeOffset RecordedAt);

/// <summary>
/// Paying refunds: the same life as an ordered transfer to a municipality (ordered → in a file → paid; a return or a refused
/// file reopens it), on the donation's own stream. The statement's outcomes are <see cref="StatementOutcomes"/>.
/// </summary>
public static class RefundDecider
{
    /// <summary>The refund's id: one per donation and decision, the same on every retry.</summary>
    public static Guid IdFor(Guid donationId, Guid decisionId) => DeterministicId.For("refund", $"{donationId}:{decisionId}");

    /// <summary>The EndToEndId of a refund: "FR" and its id, 34 SEPA characters ("FH" marks transfers to municipalities).</summary>
    public static string EndToEndIdOf(Guid refundId) => "FR" + refundId.ToString("N").ToUpperInvariant();

    /// <summary>The refund an EndToEndId names when it has our form.</summary>
    public static bool TryRefundIdOf(string? endToEndId, out Guid refundId)
    {
        refundId = Guid.Empty;
        if (endToEndId is not { Length: 34 } || !endToEndId.StartsWith("FR", StringComparison.Ordinal)) return false;
        return Guid.TryParseExact(endToEndId[2..], "N", out refundId) && refundId != Guid.Empty
            && EndToEndIdOf(refundId) == endToEndId.ToUpper(CultureInfo.InvariantCulture);
    }

    /// <summary>The remittance text the donor reads (SEPA character set, well under 140 characters).</summary>
    public static string RemittanceTextOf(Donation d) => $"Rueckerstattung Spende {d.Reference}";

    public static IReadOnlyList<RefundOrder> Evolve(IReadOnlyList<RefundOrder> refunds, Guid donationId, object @event) => @event switch
    {
        EarmarkQuestionAnswered { Choice: EarmarkChoice.Refund } e => [.. refunds, new RefundOrder(IdFor(donationId, e.DecisionId), e.DecisionId, e.Amount, e.AnsweredAt)],
        RefundSentToBank e => With(refunds, e.RefundId, r => r with { Status = RefundStatus.SentToBank, PaymentFileId = e.PaymentFileId }),
        RefundPaid e => With(refunds, e.RefundId, r => r with { Status = RefundStatus.Paid, PaidOn = e.BookedOn }),
        RefundReturned e => With(refunds, e.RefundId, r => r with { Status = RefundStatus.Ordered, PaymentFileId = null, PaidOn = null }),
        RefundRejected e => With(refunds, e.RefundId, r => r with { Status = RefundStatus.Ordered, PaymentFileId = null }),
        _ => refunds,
    };

    private static IReadOnlyList<RefundOrder> With(IReadOnlyList<RefundOrder> refunds, Guid id, Func<RefundOrder, RefundOrder> change)
        => refunds.Select(r => r.RefundId == id ? change(r) : r).ToList();

    /// <summary>Only an ordered refund goes into a file; one already in a file or paid is refused, naming it.</summary>
    public static IReadOnlyList<object> Decide(SendRefundToBank c, Donation d, string field)
    {
        var r = d.Refunds.FirstOrDefault(x => x.RefundId == c.RefundId) ?? throw DomainException.Invalid(field, $"No refund {c.RefundId} in this appeal.");
        if (r.Status != RefundStatus.Ordered)
            throw DomainException.Conflict($"The refund {c.RefundId} is already in a payment file{(r.Status == RefundStatus.Paid ? " and paid" : "")}.", field);
        return [new RefundSentToBank(d.Id, d.AppealId, r.RefundId, c.PaymentFileId, EndToEndIdOf(r.RefundId), r.Amount, c.RequestedExecutionDate, c.RecordedAt)];
    }

    /// <summary>The debit pays the refund when it is in a file and the amounts agree; every other case is an outcome the import reports.</summary>
    public static StatementDecision Decide(ConfirmRefundByStatement c, Donation d)
    {
        if (d.Refunds.FirstOrDefault(x => x.RefundId == c.RefundId) is not { } r) return new(StatementOutcomes.UnknownOrder, []);
        if (r.Status == RefundStatus.Paid) return new(StatementOutcomes.AlreadyConfirmed, []);
        if (r.Status != RefundStatus.SentToBank) return new(StatementOutcomes.NotSent, []);
        if (c.Amount != r.Amount) return new(StatementOutcomes.AmountMismatch, []);
        return new(StatementOutcomes.Confirmed, [new RefundPaid(d.Id, d.AppealId, r.RefundId, c.Amount, c.BookedOn, c.BankReference, c.PaymentId, c.RecordedAt)]);
    }

    /// <summary>A return reopens a paid refund for its whole amount.</summary>
    public static StatementDecision Decide(ReturnRefundByStatement c, Donation d)
    {
        if (d.Refunds.FirstOrDefault(x => x.RefundId == c.RefundId) is not { } r) return new(StatementOutcomes.UnknownOrder, []);
        if (r.Status != RefundStatus.Paid || r.PaymentFileId is not { } file) return new(StatementOutcomes.NotPaid, []);
        if (c.Amount != r.Amount) return new(StatementOutcomes.AmountMismatch, []);
        return new(StatementOutcomes.Returned,
            [new RefundReturned(d.Id, d.AppealId, r.RefundId, file, c.Amount, c.ReturnedOn, c.ReasonCode, c.PaymentId, c.RecordedAt)]);
    }

    /// <summary>Only a refund still waiting in that file is reopened; a paid one stays paid.</summary>
    public static IReadOnlyList<object> Decide(RejectRefund c, Donation? d)
    {
        if (d?.Refunds.FirstOrDefault(x => x.RefundId == c.RefundId) is not { } r) return [];
        if (r.Status != RefundStatus.SentToBank || r.PaymentFileId != c.PaymentFileId) return [];
        return [new RefundRejected(d.Id, d.AppealId, r.RefundId, c.PaymentFileId, c.Reason, c.RecordedAt)];
    }
}
