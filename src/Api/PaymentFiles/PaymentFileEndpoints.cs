using FlutHilfe.Api.Allocations;
using FlutHilfe.Api.Appeals;
using FlutHilfe.Api.Infrastructure;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Api.Infrastructure.Idempotency;
using FlutHilfe.BankFiles.Sepa;
using FlutHilfe.Api.EarmarkDecisions;
using FlutHilfe.Api.Infrastructure.PersonalData;
using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.EarmarkDecisions;
using FlutHilfe.Domain.Payments;
using FlutHilfe.Domain.PaymentFiles;
using FlutHilfe.Domain.Shared;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine;
using Wolverine.Http;

namespace FlutHilfe.Api.PaymentFiles;

/// <summary>
/// <see cref="DisbursementIds"/>: the ordered transfers to send (none: every transfer of the appeal that waits for a file, at
/// most 1,000). <see cref="PaymentFileId"/>: the caller's operation id (sent again it answers the same file); without it an
/// <c>Idempotency-Key</c> stands in.
/// </summary>
public sealed record PaymentFileRequest(DateOnly? RequestedExecutionDate, IReadOnlyList<Guid>? DisbursementIds, Guid? PaymentFileId = null,
    IReadOnlyList<Guid>? RefundIds = null);

/// <summary>A donor refund of a payment file (payee shown to the treasury only).</summary>
public sealed record PaymentFileRefundView(Guid RefundId, Guid DonationId, string EndToEndId, long AmountCents, string PayeeName, string PayeeIban, string RemittanceText);

/// <summary>
/// A refund a donor chose, as the treasury's list shows it: <c>status</c> ordered, sentToBank or paid; <c>problem</c> says
/// why it cannot go into a file (then it is never chosen by itself).
/// </summary>
public sealed record RefundOrderView(Guid RefundId, Guid DonationId, string Reference, Guid DecisionId, long AmountCents, string Status, string EndToEndId,
    DateTimeOffset OrderedAt, Guid? PaymentFileId, DateOnly? PaidOn, string? PayeeIbanMasked, string? Problem);

/// <summary>Why the bank refused the file (e.g. the status report's reason code and text).</summary>
public sealed record PaymentFileRejectionRequest(string? Reason);

public sealed record PaymentFileTransferView(Guid DisbursementId, Guid AllocationId, string MunicipalityId, string EndToEndId, long AmountCents,
    string PayeeName, string PayeeIban, string? PayeeBic, string RemittanceText);

/// <summary>A payment file: what it carries and where to download its pain.001 XML.</summary>
public sealed record PaymentFileView(Guid PaymentFileId, string AppealId, string MessageId, DateOnly RequestedExecutionDate, string DebtorName,
    string DebtorIban, int TransferCount, long TotalCents, DateTimeOffset CreatedAt, string Download, IReadOnlyList<PaymentFileTransferView> Transfers,
    string? RejectionReason = null, DateTimeOffset? RejectedAt = null, IReadOnlyList<PaymentFileRefundView>? Refunds = null)
{
    public static PaymentFileView From(PaymentFile f) => new(f.Id, f.AppealId, f.MessageId, f.RequestedExecutionDate, f.Debtor.Holder, f.Debtor.Iban.Value,
        f.Transfers.Count, f.Total.Cents, f.CreatedAt, $"/api/payment-files/{f.Id}/pain.001",
        f.Transfers.Select(t => new PaymentFileTransferView(t.DisbursementId, t.AllocationId, t.MunicipalityId, t.EndToEndId, t.Amount.Cents, t.Payee.Name,
            t.Payee.Iban.Value, t.Payee.Bic?.Value, t.RemittanceText)).ToList(), f.RejectionReason, f.RejectedAt,
        f.Refunds.Select(r => new PaymentFileRefundView(r.RefundId, r.DonationId, r.EndToEndId, r.Amount.Cents, r.Payee.Name, r.Payee.Iban.Value, r.RemittanceText)).ToList());
}

/// <summary>An ordered transfer with its allocation: the treasury's list of what waits for a file or for the bank.</summary>
public sealed record AppealDisbursementOrderView(Guid AllocationId, string MunicipalityId, DisbursementOrderView Order);

public static class PaymentFileEndpoints
{
    [WolverinePost("/api/appeals/{appealId}/payment-files", OperationId = "createPaymentFile")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Put ordered transfers into a SEPA payment file (pain.001.001.09) for the bank (treasurer)")]
    [ProducesResponseType<PaymentFileView>(201)]
    public static async Task<IResult> Post(string appealId, PaymentFileRequest request, HttpRequest http, IMessageBus bus, TimeProvider clock, CancellationToken ct)
    {
        request = request with { PaymentFileId = request.PaymentFileId ?? OperationIds.FromIdempotencyKey(http, "payment-file", appealId) };
        var file = await CreateAsync(appealId, request, bus, clock, ct);
        return Results.Created($"/api/payment-files/{file.Id}", PaymentFileView.From(file));
    }

    public static async Task<PaymentFile> CreateAsync(string appealId, PaymentFileRequest request, IMessageBus bus, TimeProvider clock, CancellationToken ct)
    {
        AppealLookup.Require(appealId);
        if (request.PaymentFileId == Guid.Empty) throw DomainException.Invalid("paymentFileId", "paymentFileId must not be the empty id.");
        var date = request.RequestedExecutionDate ?? throw DomainException.Invalid("requestedExecutionDate", "requestedExecutionDate is required.");
        var now = clock.GetUtcNow();
        return await bus.InvokeAsync<PaymentFile>(
            new CreatePaymentFile(request.PaymentFileId ?? Guid.CreateVersion7(now), appealId, date, request.DisbursementIds ?? [], now, request.RefundIds ?? []), ct);
    }

    [WolverinePost("/api/payment-files/{paymentFileId}/rejection", OperationId = "rejectPaymentFile")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Record that the bank refused a payment file: its transfers not yet paid wait for the next file (treasurer)")]
    public static async Task<PaymentFileView> Reject(Guid paymentFileId, PaymentFileRejectionRequest request, IMessageBus bus, TimeProvider clock, CancellationToken ct)
        => PaymentFileView.From(await RejectAsync(paymentFileId, request, bus, clock, ct));

    public static async Task<PaymentFile> RejectAsync(Guid paymentFileId, PaymentFileRejectionRequest request, IMessageBus bus, TimeProvider clock, CancellationToken ct)
    {
        var reason = Text.RequireLine(request.Reason, "reason", 500);
        return await bus.InvokeAsync<PaymentFile>(new RejectPaymentFile(paymentFileId, reason, clock.GetUtcNow()), ct);
    }

    [WolverineGet("/api/appeals/{appealId}/payment-files", OperationId = "listPaymentFiles")]
    [Authorize(Roles = Roles.TreasurerOrAuditor)]
    [EndpointSummary("The appeal's payment files, newest first (treasurer, auditor)")]
    public static async Task<IReadOnlyList<PaymentFileView>> List(string appealId, IQuerySession session, CancellationToken ct)
    {
        await AppealLookup.LoadAsync(session, appealId, ct);
        var files = await session.Query<PaymentFile>().Where(f => f.AppealId == appealId).ToListAsync(ct);
        return files.OrderByDescending(f => f.CreatedAt).Select(PaymentFileView.From).ToList();
    }

    [WolverineGet("/api/payment-files/{paymentFileId}", OperationId = "getPaymentFile")]
    [Authorize(Roles = Roles.TreasurerOrAuditor)]
    [EndpointSummary("One payment file (treasurer, auditor)")]
    public static async Task<PaymentFileView> Get(Guid paymentFileId, IQuerySession session, CancellationToken ct)
        => PaymentFileView.From(await LoadAsync(session, paymentFileId, ct));

    [WolverineGet("/api/payment-files/{paymentFileId}/pain.001", OperationId = "downloadPaymentFile")]
    [Authorize(Roles = Roles.TreasurerOrAuditor)]
    [EndpointSummary("The payment file as ISO 20022 pain.001.001.09 XML to upload to the bank; the same bytes every time (treasurer, auditor)")]
    public static async Task<IResult> Download(Guid paymentFileId, IQuerySession session, CancellationToken ct)
    {
        var file = await LoadAsync(session, paymentFileId, ct);
        return Results.File(Pain001Writer.Write(ToSepa(file)), "application/xml", file.MessageId + ".xml");
    }

    [WolverineGet("/api/appeals/{appealId}/disbursement-orders", OperationId = "listDisbursementOrders")]
    [Authorize(Roles = Roles.TreasurerOrAuditor)]
    [EndpointSummary("Ordered transfers of the appeal; status=ordered lists those waiting for a payment file (treasurer, auditor)")]
    public static async Task<IReadOnlyList<AppealDisbursementOrderView>> Orders(string appealId, string? status, IQuerySession session, CancellationToken ct)
    {
        if (status is not (null or "ordered" or "sentToBank" or "paid"))
            throw DomainException.Invalid("status", "status is one of ordered, sentToBank, paid.");
        await AppealLookup.LoadAsync(session, appealId, ct);
        var allocations = await session.Query<Allocation>().Where(a => a.AppealId == appealId).ToListAsync(ct);
        return allocations
            .SelectMany(a => a.Orders.Select(o => new AppealDisbursementOrderView(a.Id, a.MunicipalityId, DisbursementOrderView.From(o))))
            .Where(v => status is null || v.Order.Status == status)
            .OrderBy(v => v.Order.OrderedAt).ToList();
    }

    [WolverineGet("/api/appeals/{appealId}/refund-orders", OperationId = "listRefundOrders")]
    [Authorize(Roles = Roles.TreasurerOrAuditor)]
    [EndpointSummary("Refunds donors chose; status=ordered lists those waiting for a payment file (treasurer, auditor)")]
    public static async Task<IReadOnlyList<RefundOrderView>> Refunds(string appealId, string? status, IQuerySession session, CancellationToken ct)
    {
        if (status is not (null or "ordered" or "sentToBank" or "paid"))
            throw DomainException.Invalid("status", "status is one of ordered, sentToBank, paid.");
        await AppealLookup.LoadAsync(session, appealId, ct);
        var candidates = await RefundPayees.CandidatesAsync(session, appealId, ct);
        return candidates
            .Select(c => new RefundOrderView(c.Refund.RefundId, c.Donation.Id, c.Donation.Reference, c.Refund.DecisionId, c.Refund.Amount.Cents,
                RefundPayees.Json(c.Refund.Status), RefundDecider.EndToEndIdOf(c.Refund.RefundId), c.Refund.OrderedAt, c.Refund.PaymentFileId, c.Refund.PaidOn,
                c.Payee is null ? null : AnswerEarmarkQuestionEndpoint.Mask(c.Payee.Iban.Value), c.Missing))
            .Where(v => status is null || v.Status == status)
            .OrderBy(v => v.OrderedAt).ToList();
    }

    /// <summary>The file as the writer takes it; written from the stored fact, so every download gives the same bytes.</summary>
    public static SepaCreditTransferFile ToSepa(PaymentFile f) => new(
        f.MessageId, f.CreatedAt, f.Debtor.Holder, new SepaParty(f.Debtor.Holder, f.Debtor.Iban, f.Debtor.Bic), f.RequestedExecutionDate,
        f.Transfers.Select(t => new SepaCreditTransfer(t.EndToEndId, t.Amount, new SepaParty(t.Payee.Name, t.Payee.Iban, t.Payee.Bic), t.RemittanceText,
            CategoryPurpose: "GOVT"))
            .Concat(f.Refunds.Select(r => new SepaCreditTransfer(r.EndToEndId, r.Amount, new SepaParty(r.Payee.Name, r.Payee.Iban, r.Payee.Bic), r.RemittanceText)))
            .ToList());

    private static async Task<PaymentFile> LoadAsync(IQuerySession session, Guid id, CancellationToken ct)
        => await session.LoadAsync<PaymentFile>(id, ct) ?? throw DomainException.NotFound($"No payment file {id}.");
}

/// <summary>
/// Makes the file and marks its transfers as sent in one transaction. Every allocation that holds a chosen transfer is
/// fetched for writing before the decision, so a concurrent file or order on it fails this commit (and the retry decides
/// again on the new state): a transfer never lands in two files.
/// </summary>
public static class CreatePaymentFileHandler
{
    public static async Task<PaymentFile> Handle(CreatePaymentFile command, IDocumentSession session, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<PaymentFile>(command.PaymentFileId, ct);
        if (stream.Aggregate is { } existing)
            return existing.AppealId == command.AppealId ? existing : throw DomainException.Conflict($"The payment file {command.PaymentFileId} belongs to another appeal.");
        var appeal = await AppealLookup.LoadAsync(session, command.AppealId, ct);
        var candidates = await session.Query<Allocation>().Where(a => a.AppealId == command.AppealId).ToListAsync(ct);
        var streams = new Dictionary<Guid, JasperFx.Events.IEventStream<Allocation>>();
        foreach (var candidate in candidates.Where(a => a.Orders.Any(o => o.Status == DisbursementOrderStatus.Ordered
                                                                          || command.DisbursementIds.Contains(o.DisbursementId))))
            streams[candidate.Id] = await session.Events.FetchForWriting<Allocation>(candidate.Id, ct);
        var allocations = streams.Values.Select(s => s.Aggregate).OfType<Allocation>().ToList();
        // Refunds the same way: each donation holding a chosen refund is fetched for writing (a refund never lands in two files).
        var refundIds = command.RefundIds ?? [];
        var donations = new Dictionary<Guid, JasperFx.Events.IEventStream<Donation>>();
        var refundCandidates = new List<RefundCandidate>();
        foreach (var c in await RefundPayees.CandidatesAsync(session, command.AppealId, ct))
        {
            var wanted = refundIds.Count + command.DisbursementIds.Count == 0 ? c.Refund.Status == RefundStatus.Ordered : refundIds.Contains(c.Refund.RefundId);
            if (!wanted) { refundCandidates.Add(c); continue; }
            if (!donations.TryGetValue(c.Donation.Id, out var ds)) donations[c.Donation.Id] = ds = await session.Events.FetchForWriting<Donation>(c.Donation.Id, ct);
            var fresh = ds.Aggregate?.Refunds.FirstOrDefault(r => r.RefundId == c.Refund.RefundId);
            if (ds.Aggregate is not null && fresh is not null) refundCandidates.Add(c with { Donation = ds.Aggregate, Refund = fresh });
        }
        var (created, sent, refunds) = PaymentFileDecider.Decide(command, appeal, allocations, refundCandidates, GermanDate.DayOf(command.RecordedAt));
        foreach (var (allocationId, e) in sent) streams[allocationId].AppendOne(e);
        foreach (var change in refunds) donations[change.DonationId].AppendMany(change.Events);
        stream.AppendOne(created);
        return PaymentFileDecider.Evolve(null, created)!;
    }
}

/// <summary>The file and every allocation holding one of its transfers are fetched for writing: a statement's debit confirming a transfer at the same time fails one of the two commits, and the retry decides again.</summary>
public static class RejectPaymentFileHandler
{
    public static async Task<PaymentFile> Handle(RejectPaymentFile command, IDocumentSession session, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<PaymentFile>(command.PaymentFileId, ct);
        var streams = new Dictionary<Guid, JasperFx.Events.IEventStream<Allocation>>();
        foreach (var allocationId in (stream.Aggregate?.Transfers ?? []).Select(t => t.AllocationId).Distinct())
            streams[allocationId] = await session.Events.FetchForWriting<Allocation>(allocationId, ct);
        var donations = new Dictionary<Guid, JasperFx.Events.IEventStream<Donation>>();
        foreach (var donationId in (stream.Aggregate?.Refunds ?? []).Select(r => r.DonationId).Distinct())
            donations[donationId] = await session.Events.FetchForWriting<Donation>(donationId, ct);
        var (file, allocations, refunds) = PaymentFileDecider.Decide(command, stream.Aggregate, streams.Values.Select(s => s.Aggregate).OfType<Allocation>().ToList(),
            donations.Values.Select(d => d.Aggregate).OfType<Donation>().ToList());
        foreach (var (allocationId, events) in allocations) streams[allocationId].AppendMany(events);
        foreach (var change in refunds) donations[change.DonationId].AppendMany(change.Events);
        stream.AppendMany(file);
        return stream.Aggregate.After(file, PaymentFileDecider.Evolve)!;
    }
}

/// <summary>The refunds of an appeal with the account each is paid to (read from the personal-data store, never from events).</summary>
public static class RefundPayees
{
    private const int DonationsMax = 10_000;

    public static string Json(RefundStatus status) => status switch
    {
        RefundStatus.Ordered => "ordered",
        RefundStatus.SentToBank => "sentToBank",
        _ => "paid",
    };

    /// <summary>
    /// Every refund of the appeal. The payee: the account the donor confirmed (<see cref="RefundAccount"/>) and as name the
    /// holder the donor gave, else the donor's name from the profile, else (the account the donation was paid from) the name the bank gave. A donor whose data were erased, or a refund without
    /// account or name, cannot be paid: <see cref="RefundCandidate.Missing"/> says so.
    /// </summary>
    public static async Task<IReadOnlyList<RefundCandidate>> CandidatesAsync(IQuerySession session, string appealId, CancellationToken ct)
    {
        var donations = await session.Query<Donation>().Where(d => d.AppealId == appealId && d.HasRefunds).Take(DonationsMax).ToListAsync(ct);
        var result = new List<RefundCandidate>();
        foreach (var d in donations)
        {
            var profile = d.DonorId is { } donorId ? await DonorProfiles.LoadAsync(session, donorId, ct) : null;
            foreach (var r in d.Refunds)
            {
                var account = await session.LoadAsync<RefundAccount>(RefundAccount.IdFor(d.Id, r.DecisionId), ct);
                var name = account?.Holder ?? profile?.Name ?? (account is { FromPayment: true } ? await PayerNameAsync(session, d, ct) : null);
                string? missing = d.DonorId is not null && profile is null ? "the donor's personal data were erased, so no account may be paid."
                    : account is null ? "no refund account is stored."
                    : name is null ? "no name of the account holder is known."
                    : !Iban.TryParse(account.Iban, out _, out _) ? "the stored IBAN is not valid."
                    : null;
                var payee = missing is null ? new Payee(name!, Iban.Parse(account!.Iban), null) : null;
                result.Add(new RefundCandidate(d, r, payee, missing));
            }
        }
        return result;
    }

    /// <summary>The name the bank gave for the account the donation's latest payment came from (personal-data store).</summary>
    private static async Task<string?> PayerNameAsync(IQuerySession session, Donation donation, CancellationToken ct)
    {
        foreach (var payment in donation.Payments.OrderByDescending(p => p.BookingDate).ThenByDescending(p => p.PaymentId))
            if ((await session.LoadAsync<PayerDetails>(payment.PaymentId, ct))?.Name is { Length: > 0 } name) return name;
        return null;
    }
}
