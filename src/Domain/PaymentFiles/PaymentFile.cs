using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.EarmarkDecisions;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.PaymentFiles;

/// <summary>
/// Put ordered transfers of one appeal into a SEPA payment file (pain.001) for the bank. <see cref="PaymentFileId"/> makes
/// a retry harmless; <see cref="DisbursementIds"/> empty: every transfer of the appeal that waits for a file.
/// </summary>
public sealed record CreatePaymentFile(Guid PaymentFileId, string AppealId, DateOnly RequestedExecutionDate, IReadOnlyList<Guid> DisbursementIds,
    DateTimeOffset RecordedAt, IReadOnlyList<Guid>? RefundIds = null);

/// <summary>One donor refund of a payment file, as the file carries it (the payee from the refund account the donor named; never in the donation's events).</summary>
public sealed record PaymentFileRefund(Guid RefundId, Guid DonationId, string EndToEndId, Money Amount, Payee Payee, string RemittanceText);

/// <summary>
/// A refund that waits for a file, with the account to pay it to; <see cref="Missing"/> says why it cannot be paid (the
/// refund account or the donor's name is gone, e.g. erased): then it is never chosen by itself and refused when named.
/// </summary>
public sealed record RefundCandidate(Donation Donation, RefundOrder Refund, Payee? Payee, string? Missing);

/// <summary>One transfer of a payment file, as the file carries it.</summary>
public sealed record PaymentFileTransfer(Guid DisbursementId, Guid AllocationId, string MunicipalityId, string EndToEndId, Money Amount, Payee Payee,
    string RemittanceText);

/// <summary>
/// A payment file was made for the bank: its message id, the debtor account (the appeal's), the date the bank shall execute
/// it and every transfer with its EndToEndId. The file's XML is written from this fact, so it can be downloaded again unchanged.
/// </summary>
public sealed record PaymentFileCreated(Guid PaymentFileId, string AppealId, string MessageId, DateOnly RequestedExecutionDate, BankAccount Debtor,
    IReadOnlyList<PaymentFileTransfer> Transfers, Money Total, DateTimeOffset CreatedAt, IReadOnlyList<PaymentFileRefund>? Refunds = null) : IEventOf<PaymentFile>;

/// <summary>The bank refused the file as a whole (its pain.002 status report said RJCT, or its upload page did); nothing in it was paid.</summary>
public sealed record RejectPaymentFile(Guid PaymentFileId, string Reason, DateTimeOffset RecordedAt);

/// <summary>The bank refused the file: its transfers that still waited in it are reopened (<see cref="DisbursementRejected"/> on each allocation).</summary>
public sealed record PaymentFileRejected(Guid PaymentFileId, string AppealId, string Reason, DateTimeOffset RecordedAt) : IEventOf<PaymentFile>;

public sealed record PaymentFile
{
    public Guid Id { get; init; }
    public string AppealId { get; init; } = "";
    public string MessageId { get; init; } = "";
    public DateOnly RequestedExecutionDate { get; init; }
    public BankAccount Debtor { get; init; } = null!;
    public IReadOnlyList<PaymentFileTransfer> Transfers { get; init; } = [];
    public IReadOnlyList<PaymentFileRefund> Refunds { get; init; } = [];
    public Money Total { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public string? RejectionReason { get; init; }
    public DateTimeOffset? RejectedAt { get; init; }
}

/// <summary>Decisions on a payment file's stream, and the events it appends to the allocations whose transfers it carries.</summary>
public static class PaymentFileDecider
{
    /// <summary>The most transfers in one file (banks accept more; a file the treasurer can still check by eye).</summary>
    public const int TransfersMax = 1_000;

    public static PaymentFile? Evolve(PaymentFile? file, object @event) => @event switch
    {
        PaymentFileCreated e => new PaymentFile
        {
            Id = e.PaymentFileId, AppealId = e.AppealId, MessageId = e.MessageId, RequestedExecutionDate = e.RequestedExecutionDate, Debtor = e.Debtor,
            Transfers = e.Transfers, Total = e.Total, CreatedAt = e.CreatedAt, Refunds = e.Refunds ?? [],
        },
        PaymentFileRejected e when file is not null => file with { RejectionReason = e.Reason, RejectedAt = e.RecordedAt },
        _ => file,
    };

    /// <summary>
    /// The file refused by the bank, and per allocation the transfers that waited in it (a transfer already confirmed by a
    /// statement stays paid). Refused again, it decides nothing.
    /// </summary>
    public static (IReadOnlyList<object> File, IReadOnlyList<(Guid AllocationId, IReadOnlyList<object> Events)> Allocations) Decide(
        RejectPaymentFile c, PaymentFile? file, IReadOnlyList<Allocation> allocations)
    {
        var (events, changes, _) = Decide(c, file, allocations, []);
        return (events, changes);
    }

    /// <summary>As above, and the refunds that waited in the file are reopened on their donations (a paid one stays paid).</summary>
    public static (IReadOnlyList<object> File, IReadOnlyList<(Guid AllocationId, IReadOnlyList<object> Events)> Allocations, IReadOnlyList<DonationChange> Refunds) Decide(
        RejectPaymentFile c, PaymentFile? file, IReadOnlyList<Allocation> allocations, IReadOnlyList<Donation> donations)
    {
        if (file is null) throw DomainException.NotFound($"No payment file {c.PaymentFileId}.");
        if (file.RejectedAt is not null) return ([], [], []);
        var refunds = file.Refunds
            .Select(r => new DonationChange(r.DonationId, RefundDecider.Decide(new RejectRefund(r.RefundId, file.Id, c.Reason, c.RecordedAt),
                donations.FirstOrDefault(d => d.Id == r.DonationId))))
            .Where(x => x.Events.Count > 0).ToList();
        var changes = file.Transfers
            .Select(t => (t.AllocationId, Events: AllocationDecider.Decide(new RejectDisbursement(t.AllocationId, t.DisbursementId, file.Id, c.Reason, c.RecordedAt),
                allocations.FirstOrDefault(a => a.Id == t.AllocationId))))
            .Where(x => x.Events.Count > 0)
            .GroupBy(x => x.AllocationId)
            .Select(g => (g.Key, (IReadOnlyList<object>)g.SelectMany(x => x.Events).ToList()))
            .ToList();
        return ([new PaymentFileRejected(file.Id, file.AppealId, c.Reason, c.RecordedAt)], changes, refunds);
    }

    /// <summary>The message id of a file: "FH" and the file's id, 34 SEPA characters (the bank refuses a second file with it).</summary>
    public static string MessageIdOf(Guid paymentFileId) => "FH" + paymentFileId.ToString("N").ToUpperInvariant();

    /// <summary>
    /// The file and, per allocation, the transfers it sends. <paramref name="allocations"/>: the appeal's allocations that
    /// hold the requested transfers (all of the appeal's when none are named). A transfer already in a file, paid, of
    /// another appeal or unknown is refused, naming it. (A file sent again with its id is answered by the handler.)
    /// </summary>
    public static (PaymentFileCreated File, IReadOnlyList<(Guid AllocationId, DisbursementSentToBank Sent)> Sent) Decide(
        CreatePaymentFile c, Appeal appeal, IReadOnlyList<Allocation> allocations, DateOnly today)
    {
        var (file, sent, _) = Decide(c, appeal, allocations, [], today);
        return (file, sent);
    }

    /// <summary>
    /// The file with disbursements and donor refunds. Nothing named: every ordered transfer and every ordered refund that has an
    /// account to pay to. Named: exactly those (a refund without account, already in a file or paid is refused, naming it).
    /// </summary>
    public static (PaymentFileCreated File, IReadOnlyList<(Guid AllocationId, DisbursementSentToBank Sent)> Sent, IReadOnlyList<DonationChange> Refunds) Decide(
        CreatePaymentFile c, Appeal appeal, IReadOnlyList<Allocation> allocations, IReadOnlyList<RefundCandidate> refunds, DateOnly today)
    {
        var refundIds = c.RefundIds ?? [];
        var named = c.DisbursementIds.Count > 0 || refundIds.Count > 0;
        if (appeal.AppealId != c.AppealId) throw DomainException.NotFound($"No appeal '{c.AppealId}'.");
        if (c.RequestedExecutionDate < today)
            throw DomainException.Invalid("requestedExecutionDate", $"The execution date {c.RequestedExecutionDate:yyyy-MM-dd} lies in the past.");
        if (c.RequestedExecutionDate > today.AddDays(90))
            throw DomainException.Invalid("requestedExecutionDate", "Banks accept execution dates up to 90 days ahead.");
        if (c.DisbursementIds.Count + refundIds.Count > TransfersMax)
            throw DomainException.Invalid("disbursementIds", $"At most {TransfersMax} transfers in one file.");
        if (refundIds.Count != refundIds.Distinct().Count())
            throw DomainException.Invalid("refundIds", "A refund is named twice.");
        if (c.DisbursementIds.Count != c.DisbursementIds.Distinct().Count())
            throw DomainException.Invalid("disbursementIds", "A transfer is named twice.");

        var orders = allocations.Where(a => a.AppealId == c.AppealId)
            .SelectMany(a => a.Orders.Select(o => (Allocation: a, Order: o)))
            .ToDictionary(x => x.Order.DisbursementId);
        List<(Allocation Allocation, DisbursementOrder Order)> chosen;
        List<RefundCandidate> chosenRefunds;
        if (!named)
        {
            chosen = orders.Values.Where(x => x.Order.Status == DisbursementOrderStatus.Ordered)
                .OrderBy(x => x.Order.OrderedAt).ThenBy(x => x.Order.DisbursementId).Take(TransfersMax).ToList();
            chosenRefunds = refunds.Where(r => r.Refund.Status == RefundStatus.Ordered && r.Payee is not null && r.Donation.AppealId == c.AppealId)
                .OrderBy(r => r.Refund.OrderedAt).ThenBy(r => r.Refund.RefundId).Take(TransfersMax - chosen.Count).ToList();
            if (chosen.Count + chosenRefunds.Count == 0)
                throw DomainException.Conflict("No ordered transfer or refund of this appeal waits for a payment file.", "disbursementIds");
        }
        else
        {
            chosen = [];
            for (var i = 0; i < c.DisbursementIds.Count; i++)
            {
                var id = c.DisbursementIds[i];
                if (!orders.TryGetValue(id, out var x))
                    throw DomainException.Invalid($"disbursementIds[{i}]", $"No ordered transfer {id} in this appeal.");
                if (x.Order.Status != DisbursementOrderStatus.Ordered)
                    throw DomainException.Conflict($"The transfer {id} is already in a payment file{(x.Order.Status == DisbursementOrderStatus.Paid ? " and paid" : "")}.",
                        $"disbursementIds[{i}]");
                chosen.Add(x);
            }
            chosenRefunds = [];
            var byId = refunds.Where(r => r.Donation.AppealId == c.AppealId).ToDictionary(r => r.Refund.RefundId);
            for (var i = 0; i < refundIds.Count; i++)
            {
                var field = $"refundIds[{i}]";
                if (!byId.TryGetValue(refundIds[i], out var r)) throw DomainException.Invalid(field, $"No refund {refundIds[i]} in this appeal.");
                RefundDecider.Decide(new SendRefundToBank(r.Refund.RefundId, c.PaymentFileId, c.RequestedExecutionDate, c.RecordedAt), r.Donation, field);
                if (r.Missing is not null) throw DomainException.Conflict($"The refund {refundIds[i]} cannot be paid: {r.Missing}", field);
                chosenRefunds.Add(r);
            }
        }

        var transfers = chosen.Select(x => new PaymentFileTransfer(x.Order.DisbursementId, x.Allocation.Id, x.Allocation.MunicipalityId,
            AllocationDecider.EndToEndIdOf(x.Order.DisbursementId), x.Order.Amount, x.Order.Payee, x.Order.RemittanceText)).ToList();
        var refundTransfers = chosenRefunds.Select(r => new PaymentFileRefund(r.Refund.RefundId, r.Donation.Id, RefundDecider.EndToEndIdOf(r.Refund.RefundId),
            r.Refund.Amount, r.Payee!, RefundDecider.RemittanceTextOf(r.Donation))).ToList();
        var total = checked(transfers.Aggregate(Money.Zero, (s, t) => s + t.Amount) + refundTransfers.Aggregate(Money.Zero, (s, t) => s + t.Amount));
        var file = new PaymentFileCreated(c.PaymentFileId, c.AppealId, MessageIdOf(c.PaymentFileId), c.RequestedExecutionDate, appeal.Account, transfers, total,
            c.RecordedAt, refundTransfers.Count == 0 ? null : refundTransfers);
        var sent = chosen.Select(x => (x.Allocation.Id, new DisbursementSentToBank(x.Allocation.Id, x.Allocation.AppealId, x.Allocation.MunicipalityId,
            x.Order.DisbursementId, c.PaymentFileId, AllocationDecider.EndToEndIdOf(x.Order.DisbursementId), c.RequestedExecutionDate, c.RecordedAt))).ToList();
        var refundChanges = chosenRefunds.Select(r => new DonationChange(r.Donation.Id,
            RefundDecider.Decide(new SendRefundToBank(r.Refund.RefundId, c.PaymentFileId, c.RequestedExecutionDate, c.RecordedAt), r.Donation, "refundIds"))).ToList();
        return (file, sent, refundChanges);
    }
}
