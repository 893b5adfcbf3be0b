using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.PaymentFiles;

/// <summary>
/// Put ordered transfers of one appeal into a SEPA payment file (pain.001) for the bank. <see cref="PaymentFileId"/> makes
/// a retry harmless; <see cref="DisbursementIds"/> empty: every transfer of the appeal that waits for a file.
/// </summary>
public sealed record CreatePaymentFile(Guid PaymentFileId, string AppealId, DateOnly RequestedExecutionDate, IReadOnlyList<Guid> DisbursementIds,
    DateTimeOffset RecordedAt);

/// <summary>One transfer of a payment file, as the file carries it.</summary>
public sealed record PaymentFileTransfer(Guid DisbursementId, Guid AllocationId, string MunicipalityId, string EndToEndId, Money Amount, Payee Payee,
    string RemittanceText);

/// <summary>
/// A payment file was made for the bank: its message id, the debtor account (the appeal's), the date the bank shall execute
/// it and every transfer with its EndToEndId. The file's XML is written from this fact, so it can be downloaded again unchanged.
/// </summary>
public sealed record PaymentFileCreated(Guid PaymentFileId, string AppealId, string MessageId, DateOnly RequestedExecutionDate, BankAccount Debtor,
    IReadOnlyList<PaymentFileTransfer> Transfers, Money Total, DateTimeOffset CreatedAt) : IEventOf<PaymentFile>;

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
            Transfers = e.Transfers, Total = e.Total, CreatedAt = e.CreatedAt,
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
        if (file is null) throw DomainException.NotFound($"No payment file {c.PaymentFileId}.");
        if (file.RejectedAt is not null) return ([], []);
        var changes = file.Transfers
            .Select(t => (t.AllocationId, Events: AllocationDecider.Decide(new RejectDisbursement(t.AllocationId, t.DisbursementId, file.Id, c.Reason, c.RecordedAt),
                allocations.FirstOrDefault(a => a.Id == t.AllocationId))))
            .Where(x => x.Events.Count > 0)
            .GroupBy(x => x.AllocationId)
            .Select(g => (g.Key, (IReadOnlyList<object>)g.SelectMany(x => x.Events).ToList()))
            .ToList();
        return ([new PaymentFileRejected(file.Id, file.AppealId, c.Reason, c.RecordedAt)], changes);
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
        if (appeal.AppealId != c.AppealId) throw DomainException.NotFound($"No appeal '{c.AppealId}'.");
        if (c.RequestedExecutionDate < today)
            throw DomainException.Invalid("requestedExecutionDate", $"The execution date {c.RequestedExecutionDate:yyyy-MM-dd} lies in the past.");
        if (c.RequestedExecutionDate > today.AddDays(90))
            throw DomainException.Invalid("requestedExecutionDate", "Banks accept execution dates up to 90 days ahead.");
        if (c.DisbursementIds.Count > TransfersMax)
            throw DomainException.Invalid("disbursementIds", $"At most {TransfersMax} transfers in one file.");
        if (c.DisbursementIds.Count != c.DisbursementIds.Distinct().Count())
            throw DomainException.Invalid("disbursementIds", "A transfer is named twice.");

        var orders = allocations.Where(a => a.AppealId == c.AppealId)
            .SelectMany(a => a.Orders.Select(o => (Allocation: a, Order: o)))
            .ToDictionary(x => x.Order.DisbursementId);
        List<(Allocation Allocation, DisbursementOrder Order)> chosen;
        if (c.DisbursementIds.Count == 0)
        {
            chosen = orders.Values.Where(x => x.Order.Status == DisbursementOrderStatus.Ordered)
                .OrderBy(x => x.Order.OrderedAt).ThenBy(x => x.Order.DisbursementId).Take(TransfersMax).ToList();
            if (chosen.Count == 0) throw DomainException.Conflict("No ordered transfer of this appeal waits for a payment file.", "disbursementIds");
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
        }

        var transfers = chosen.Select(x => new PaymentFileTransfer(x.Order.DisbursementId, x.Allocation.Id, x.Allocation.MunicipalityId,
            AllocationDecider.EndToEndIdOf(x.Order.DisbursementId), x.Order.Amount, x.Order.Payee, x.Order.RemittanceText)).ToList();
        var total = transfers.Aggregate(Money.Zero, (s, t) => s + t.Amount);
        var file = new PaymentFileCreated(c.PaymentFileId, c.AppealId, MessageIdOf(c.PaymentFileId), c.RequestedExecutionDate, appeal.Account, transfers, total,
            c.RecordedAt);
        var sent = chosen.Select(x => (x.Allocation.Id, new DisbursementSentToBank(x.Allocation.Id, x.Allocation.AppealId, x.Allocation.MunicipalityId,
            x.Order.DisbursementId, c.PaymentFileId, AllocationDecider.EndToEndIdOf(x.Order.DisbursementId), c.RequestedExecutionDate, c.RecordedAt))).ToList();
        return (file, sent);
    }
}
