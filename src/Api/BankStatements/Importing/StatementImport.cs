using FlutHilfe.Api.Notices;
using FlutHilfe.Api.Receipts;
using FlutHilfe.Api.Receipts.Issuing;
using FlutHilfe.BankFiles;
using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.BankStatements.Continuity;
using FlutHilfe.Api.Infrastructure.Streams;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.EarmarkDecisions;
using FlutHilfe.Domain.Payments;
using FlutHilfe.Domain.Receipts.Covering;
using FlutHilfe.Domain.Shared;
using Marten;

namespace FlutHilfe.Api.BankStatements.Importing;

/// <summary>Something about a statement the treasurer must check (the import went through all the same); <c>MessageDe</c> says it in German.</summary>
public sealed record ImportWarning(string Code, string File, string Statement, string Message, string? MessageDe = null);

/// <summary>
/// The import's answer; counted per transaction (<c>TxDtls</c>). <c>Matched</c>: payments booked on donations (a split
/// counts once), of which <c>Split</c> were split across several named pledges; <c>Unmatched</c>: credits, returns and
/// batches waiting in the reconciliation queue; <c>Returns</c>: money taken back from donations (matched or waiting);
/// <c>ReturnedTransfers</c>: money of ours that came back, visible in the queue, never a donation;
/// <c>StatementsRecorded</c>: statements new to the books (the same statement imported again is not recorded twice);
/// <c>Warnings</c>: continuity findings (balances, sequence numbers), which never refuse the file;
/// <c>DisbursementsConfirmed</c>: debits that paid an ordered transfer to a municipality (named by its EndToEndId; they
/// also count in <c>Debits</c>); <c>DisbursementsReturned</c>: returned transfers that reopened their order (they also count in
/// <c>ReturnedTransfers</c>); <c>RecoveryClaimsSettled</c>: credits that paid (part of) a recovery claim by its RF (in
/// <c>CreditedCents</c>, neither matched nor unmatched); <c>DisbursementIssues</c>: bookings naming an ordered transfer (or a donor
/// refund) that changed nothing, with the reason; <c>RefundsPaid</c>: debits that paid a donor's refund (EndToEndId "FR…"; also in
/// <c>Debits</c>); <c>RefundsReturned</c>: returned transfers that reopened a refund (also in <c>ReturnedTransfers</c>).
/// </summary>
public sealed record ImportResult(
    int Statements,
    int Entries,
    int Transactions,
    int Matched,
    int Unmatched,
    int Duplicates,
    int Returns,
    long CreditedCents,
    int Debits,
    int NotBooked,
    IReadOnlyList<string> Files,
    int Split,
    int ReturnedTransfers,
    int StatementsRecorded,
    IReadOnlyList<ImportWarning> Warnings,
    int DisbursementsConfirmed = 0,
    int DisbursementsReturned = 0,
    IReadOnlyList<DisbursementIssue>? DisbursementIssues = null,
    int RecoveryClaimsSettled = 0,
    int RefundsPaid = 0,
    int RefundsReturned = 0);

/// <summary>
/// A booking that names one of our ordered transfers by its EndToEndId (<c>Reference</c>), or a recovery claim by its RF,
/// but changed nothing: <c>Outcome</c> is one of <c>already-confirmed</c>, <c>amount-mismatch</c>, <c>not-sent</c>,
/// <c>not-paid</c>, <c>unknown-order</c> (<see cref="StatementOutcomes"/>) or <c>more-than-outstanding</c> (a claim);
/// <c>MessageDe</c> says it in German. The booking itself is recorded as any other (a credit waits in the queue).
/// </summary>
public sealed record DisbursementIssue(string File, string Statement, Guid PaymentId, string Reference, string Direction, long AmountCents, long? OrderedCents,
    string Outcome, string MessageDe);

/// <summary>Events for an allocation's stream that a booking writes, appended at the version the plan read (a concurrent change fails the batch, and the import is planned again).</summary>
public sealed record AllocationChange(Guid AllocationId, long ExpectedVersion, IReadOnlyList<object> Events);

/// <summary>
/// Events for a donation's stream (a payment matched or given back, a refund paid or reopened), appended at the version the
/// plan read plus what this upload appended before: a change by anyone else since (a match undone by hand, a redirection,
/// a receipt) fails the batch and the upload is planned again on the donation as it is, instead of booking a decision made
/// on a state that no longer holds (a return given back on a payment no longer on the donation, …).
/// </summary>
public sealed record DonationAppend(Guid DonationId, long ExpectedVersion, IReadOnlyList<object> Events);

/// <summary>
/// One bank transaction new to the books and everything it changes (its payment stream, the donations it pays or gives
/// back, its payer's details, the receipt messages it sets off now): always written together, in one transaction.
/// </summary>
public sealed record PlannedBooking(Guid PaymentId, IReadOnlyList<object> PaymentEvents, IReadOnlyList<DonationAppend> Donations, PayerDetails? Payer, IReadOnlyList<object> Messages,
    IReadOnlyList<AllocationChange>? Allocations = null, IReadOnlyList<DonationAppend>? Refunds = null);

/// <summary>A statement new to the books: its fact and the notices its continuity warnings raise.</summary>
public sealed record PlannedStatement(Guid Key, object Recorded, IReadOnlyList<TreasurerNotice> Notices);

/// <summary>What one import session writes: a session of bounded size, and the messages that commit with it (outbox).</summary>
public delegate Task<IDocumentSession> OpenImportBatch(IReadOnlyList<object> messages, CancellationToken ct);

/// <summary>
/// One upload, planned in memory: every booking with its decision, the statements, the answer. <see cref="WriteAsync"/>
/// writes it in transactions of at most <see cref="StatementImport.BatchSize"/> bookings, statements last.
/// </summary>
public sealed class ImportPlan(ImportResult result, IReadOnlyList<PlannedBooking> bookings, IReadOnlyList<PlannedStatement> statements,
    IReadOnlyList<(object Message, int Booking)> deferred, int batchSize, IReadOnlyList<string> appealIds)
{
    public ImportResult Result => result;
    public IReadOnlyList<PlannedBooking> Bookings => bookings;
    public IReadOnlyList<PlannedStatement> Statements => statements;
    public int Batches => (bookings.Count + batchSize - 1) / batchSize + 1;

    /// <summary>
    /// Writes the bookings in order, <c>batchSize</c> per transaction, then the statements (and their notices) in a last
    /// one. Each booking is whole in one transaction, so every committed state is a true one (a payment and the donations
    /// it paid, never one without the other), and a payment's stream id is derived from its transaction key: after an
    /// interruption, importing the same file again finds the committed bookings as duplicates and writes exactly the
    /// rest; the statement is recorded only when all of its bookings are in. <paramref name="afterBatch"/> is a test seam
    /// (called with the batch's index after its commit).
    /// </summary>
    public async Task WriteAsync(OpenImportBatch open, CancellationToken ct, Func<int, Task>? afterBatch = null, AppealLocks? locks = null)
    {
        var messagesByBooking = deferred.ToLookup(d => d.Booking, d => d.Message);
        var index = 0;
        foreach (var batch in bookings.Chunk(batchSize))
        {
            var first = index;
            var messages = Enumerable.Range(first, batch.Length).SelectMany(i => bookings[i].Messages.Concat(messagesByBooking[i])).Distinct().ToList();
            // The fund balances a batch moves are inline documents that an allocation (or an earmark decision) reads and
            // writes under its appeal's lock: the batch holds that lock from before its session computes them until after
            // it commits, so neither stores a balance computed before the other committed (a lost update of the fund's money).
            await using var held = locks is null ? null : await locks.TakeAsync(appealIds, ct);
            await using var session = await open(messages, ct);
            foreach (var booking in batch)
            {
                session.Events.StartStream<Payment>(booking.PaymentId, booking.PaymentEvents);
                foreach (var change in booking.Donations) session.Events.Append(change.DonationId, change.ExpectedVersion, change.Events.ToArray());
                if (booking.Payer is not null) session.Store(booking.Payer);
                foreach (var change in booking.Allocations ?? []) session.Events.Append(change.AllocationId, change.ExpectedVersion, change.Events.ToArray());
                foreach (var change in booking.Refunds ?? []) session.Events.Append(change.DonationId, change.ExpectedVersion, change.Events.ToArray());
            }
            await session.SaveChangesAsync(ct);
            if (afterBatch is not null) await afterBatch(index / batchSize);
            index += batch.Length;
        }

        if (statements.Count == 0) return;
        await using (var session = await open([], ct))
        {
            foreach (var statement in statements)
            {
                session.Events.StartStream<BankStatement>(statement.Key, statement.Recorded);
                foreach (var notice in statement.Notices) session.Store(notice);
            }
            await session.SaveChangesAsync(ct);
        }
    }
}

/// <summary>
/// The rows of appeal streams that allocations and earmark decisions lock (<c>FOR UPDATE</c>, Wolverine's exclusive load)
/// before they read the fund balances, taken on a connection of their own: the import's batch is written in its own
/// session and transaction meanwhile (its fund balances computed after the lock was granted) and the lock is let go
/// after that commit. Nothing is written in the lock's transaction.
/// </summary>
public sealed class AppealLocks(IDocumentStore store)
{
    public async Task<IAsyncDisposable> TakeAsync(IReadOnlyList<string> appealIds, CancellationToken ct)
    {
        var connection = store.Storage.Database.CreateConnection();
        try
        {
            await connection.OpenAsync(ct);
            var transaction = await connection.BeginTransactionAsync(ct);
            await using var command = new Npgsql.NpgsqlCommand(
                $"select id from {store.Options.Events.DatabaseSchemaName}.mt_streams where id = any(@ids) order by id for update", connection, transaction);
            command.Parameters.AddWithValue("ids", appealIds.Select(AppealStream.IdFor).ToArray());
            await command.ExecuteNonQueryAsync(ct);
            return new Held(connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private sealed class Held(Npgsql.NpgsqlConnection connection, Npgsql.NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync(); // rolls back: nothing was written
            await connection.DisposeAsync();
        }
    }
}

/// <summary>
/// Plans the import of the uploaded files: parses nothing (the files come parsed), reads what it needs in bulk (the
/// appeals, the statements known for the accounts, which of the upload's transactions are already booked — one query —,
/// the donations named by references, earlier payments a return may give back), and decides every transaction with the
/// same deciders as the handlers. Writes nothing: <see cref="ImportPlan.WriteAsync"/> does.
/// </summary>
/// <remarks>
/// Not on Wolverine's aggregate handler workflow, on purpose: one upload touches thousands of payment streams (all new)
/// and any number of donation streams, found only while reading the file (by reference, by EndToEndId, by payer), and a
/// donation may be paid twice in one file, so its state must carry from one transaction to the next. The workflow loads
/// a fixed set of streams named by the command. So this is a plan-then-apply path by hand: the same decisions
/// (<see cref="PaymentDecider"/>, <see cref="DonationDecider"/>) and the same fold (<c>Evolve</c>) as the handlers.
/// Writing in bounded batches keeps Marten's unit of work small (its cost grows with the square of a session's
/// operations once inline snapshots are involved).
/// </remarks>
public sealed class StatementImport(IQuerySession session, DateTimeOffset now)
{
    private const int ChunkSize = 1000;
    private const int ReferenceChunkSize = 10_000;
    /// <summary>Bounds on what one chunk reads to match returns to earlier payments.</summary>
    private const int EarlierPaymentsMax = 5000;
    private const int KnownStatementsMax = 20_000;
    private const int AllocationsMax = 10_000;

    /// <summary>Bookings per transaction when the plan is written.</summary>
    public int BatchSize { get; init; } = DefaultBatchSize;

    public const int DefaultBatchSize = 1000;

    private readonly Dictionary<Guid, Donation> _donations = [];
    private readonly Dictionary<string, Donation> _byReference = [];
    /// <summary>Payments recorded in this upload, as they stand after matching (a later return may give one back).</summary>
    private readonly Dictionary<Guid, EarlierPayment> _recordedHere = [];
    private readonly List<ImportWarning> _warnings = [];
    private readonly HashSet<Guid> _seen = [];
    private HashSet<Guid> _booked = [];
    private readonly List<PlannedBooking> _bookings = [];
    private readonly List<PlannedStatement> _statements = [];
    /// <summary>Per donation: the last booking of this upload that changes it.</summary>
    private readonly Dictionary<Guid, int> _lastTouch = [];
    private readonly HashSet<Guid> _receiptsToLookAt = [];
    private List<object> _messages = [];

    /// <summary>Per appeal: which allocation holds each ordered transfer (read once, when a booking names one).</summary>
    private readonly Dictionary<string, Dictionary<Guid, Guid>> _ordersByAppeal = [];
    /// <summary>Allocations a booking of this upload changes, as they stand after it, with the stream version the plan read.</summary>
    private readonly Dictionary<Guid, (Allocation Allocation, long ReadVersion, long Appended)> _allocations = [];
    private readonly List<DisbursementIssue> _disbursementIssues = [];
    private readonly Dictionary<Guid, string> _fileOfStatement = [];
    private int _disbursementsConfirmed, _disbursementsReturned, _recoveryClaimsSettled, _refundsPaid, _refundsReturned;
    /// <summary>Per appeal: which donation holds each refund (read once, when a booking names one).</summary>
    private readonly Dictionary<string, Dictionary<Guid, Guid>> _refundsByAppeal = [];
    /// <summary>Donations whose refunds a booking of this upload pays or reopens, as they stand now in the plan, with the stream version the plan read.</summary>
    private readonly Dictionary<Guid, (Donation Donation, long ReadVersion)> _refundDonations = [];
    /// <summary>
    /// Per donation: every event this upload appends to its stream so far, in the file's order (payments matched or given
    /// back, refunds paid or reopened). A refund's change is appended at the version read plus all of them, so a donation
    /// paid and refunded in the same upload gets both facts, in order, whichever batch each lands in.
    /// </summary>
    private readonly Dictionary<Guid, List<object>> _appendedHere = [];
    /// <summary>Per donation: its stream's version when this upload first read it (before its state; see <see cref="LoadDonationsAsync"/>).</summary>
    private readonly Dictionary<Guid, long> _readVersions = [];
    /// <summary>Per appeal: which allocation holds each open recovery claim, by its reference.</summary>
    private readonly Dictionary<string, Dictionary<string, (Guid AllocationId, Guid ClaimId)>> _claimsByAppeal = [];

    private int _matched, _split, _unmatched, _duplicates, _returns, _returnedTransfers, _debits, _notBooked, _transactions, _statementsRecorded;
    private long _creditedCents;

    public async Task<ImportPlan> PlanAsync(IReadOnlyList<(string Name, CamtFile File)> files, CancellationToken ct)
    {
        var appeals = await session.Query<Appeal>().ToListAsync(ct);
        var appealByIban = appeals.GroupBy(a => a.Account.Iban.Value).ToDictionary(g => g.Key, g => g.First());

        var items = new List<(CamtKeyedItem Item, Appeal Appeal)>();
        var statements = new List<(string File, CamtStatement Statement, Appeal Appeal)>();
        foreach (var (name, file) in files)
        {
            foreach (var statement in file.Statements)
            {
                if (!appealByIban.TryGetValue(statement.AccountId, out var appeal))
                    throw DomainException.Invalid($"{name}!Stmt[{statement.Position}]/Acct/Id/IBAN",
                        $"The account {statement.AccountId} is not the account of any appeal.");
                statements.Add((name, statement, appeal));
                foreach (var item in CamtKeys.ForStatement(statement))
                {
                    items.Add((item, appeal));
                    _fileOfStatement[Recording.PaymentIdFor(item.Key)] = name;
                }
            }
        }

        await PlanStatementsAsync(statements, ct);
        _booked = await BookedAlreadyAsync(items.Where(i => Recording.IsBooked(i.Item.Entry)).Select(i => Recording.PaymentIdFor(i.Item.Key)), ct);
        foreach (var chunk in items.Chunk(ChunkSize))
        {
            await PlanChunkAsync(chunk, ct);
        }

        // A donation's receipts are looked at once, with the last booking of this upload that changes it (so a receipt
        // states what the whole upload brought), whenever the donation then wants one and has money not yet receipted,
        // even if that last booking set off nothing itself: after an interrupted import, the booking that brought the
        // money may be committed while the look at its receipts waited for a later batch; importing the file again
        // plans that later booking again, and so the look.
        var deferred = _receiptsToLookAt
            .Where(id => _donations[id] is { ReceiptWanted: true } d && ReceiptCoverage.Open(d).Count > 0)
            .Select(id => ((object)new IssueDueReceipts(id), _lastTouch[id]))
            .OrderBy(d => d.Item2).ToList();

        var result = new ImportResult(
            files.Sum(f => f.File.Statements.Count),
            files.Sum(f => f.File.Statements.Sum(s => s.Entries.Count)),
            _transactions, _matched, _unmatched, _duplicates, _returns, _creditedCents, _debits, _notBooked,
            files.Select(f => f.Name).ToList(), _split, _returnedTransfers, _statementsRecorded, _warnings,
            _disbursementsConfirmed, _disbursementsReturned, _disbursementIssues, _recoveryClaimsSettled, _refundsPaid, _refundsReturned);
        return new ImportPlan(result, _bookings, _statements, deferred, BatchSize,
            statements.Select(s => s.Appeal.AppealId).Distinct().Order(StringComparer.Ordinal).ToList());
    }

    /// <summary>Which of these payments (ids derived from the transaction keys) are booked already: one query for the upload.</summary>
    private async Task<HashSet<Guid>> BookedAlreadyAsync(IEnumerable<Guid> ids, CancellationToken ct)
    {
        var wanted = ids.Distinct().ToArray();
        if (wanted.Length == 0) return [];
        var found = await session.Query<Payment>().Where(p => p.Id.IsOneOf(wanted)).Select(p => p.Id).ToListAsync(ct);
        return found.ToHashSet();
    }

    /// <summary>
    /// Each statement new to the books becomes a fact, checked for continuity against the statements already recorded
    /// for its account (earlier ones of this upload included). A warning never refuses the file: it goes into the
    /// answer and into a notice for the treasurer. A statement recorded before is recognised and skipped silently.
    /// </summary>
    private async Task PlanStatementsAsync(IReadOnlyList<(string File, CamtStatement Statement, Appeal Appeal)> statements, CancellationToken ct)
    {
        var accounts = statements.Select(s => s.Statement.AccountId).Distinct().ToArray();
        var known = (await session.Query<BankStatement>().Where(s => s.AccountIban.IsOneOf(accounts)).Take(KnownStatementsMax).ToListAsync(ct)).ToList();
        foreach (var (file, statement, appeal) in statements)
        {
            var key = StatementContinuity.KeyFor(statement.AccountId, statement.StatementId);
            if (known.Any(k => k.Id == key)) continue;

            var recorded = StatementContinuity.Record(Recording.Statement(statement), appeal.AppealId, known, now);
            known.Add(StatementContinuity.Evolve(null, recorded)!);
            _statementsRecorded++;
            var notices = new List<TreasurerNotice>();
            foreach (var warning in recorded.Warnings)
            {
                _warnings.Add(new ImportWarning(warning.Code, file, recorded.StatementId, warning.Message, warning.MessageDe));
                notices.Add(new TreasurerNotice
                {
                    // Deterministic: the statement is recorded once, so is each of its notices.
                    Id = DeterministicId.For("notice-statement", $"{key}|{warning.Code}|{warning.MessageDe}"),
                    Kind = "statement-" + warning.Code,
                    Message = warning.MessageDe,
                    CreatedAt = now,
                });
            }
            _statements.Add(new PlannedStatement(key, recorded, notices));
        }
    }

    private async Task PlanChunkAsync((CamtKeyedItem Item, Appeal Appeal)[] chunk, CancellationToken ct)
    {
        _transactions += chunk.Length;
        var booked = chunk.Where(c => Recording.IsBooked(c.Item.Entry)).ToList();
        _notBooked += chunk.Length - booked.Count;

        var fresh = new List<(RecordedTransaction Recorded, Payment Payment)>();
        foreach (var (item, appeal) in booked)
        {
            // A transaction already stored, or already seen in this upload (a ZIP may hold one statement twice).
            if (_booked.Contains(Recording.PaymentIdFor(item.Key)) || !_seen.Add(Recording.PaymentIdFor(item.Key)))
            {
                _duplicates++;
                continue;
            }
            var recorded = Recording.Record(item, appeal.AppealId, now);
            fresh.Add((recorded, PaymentDecider.Evolve(null, recorded.Fact)!));
        }

        await LoadDonationsByReferenceAsync(fresh.SelectMany(f => f.Payment.NamedReferences.Concat(MatchingDecision.Candidates(f.Payment).Select(c => c.Reference))), ct);
        var returns = fresh.Where(f => f.Payment.Kind == PaymentKind.Return).ToList();
        var earlier = returns.Count == 0 ? [] : await LoadEarlierPaymentsAsync(returns, ct);

        foreach (var (recorded, payment) in fresh)
        {
            if (payment.Kind == PaymentKind.Credit && await ApplyToClaimAsync(payment, ct) is { } claim)
            {
                _creditedCents = checked(_creditedCents + payment.Amount.Cents);
                _recoveryClaimsSettled++;
                _bookings.Add(new PlannedBooking(payment.Id, [recorded.Fact, .. claim.PaymentEvents], [], recorded.Payer, [], claim.Allocations));
                continue;
            }
            var outcome = payment.Kind switch
            {
                PaymentKind.Credit => MatchCredit(payment),
                PaymentKind.Return => MatchReturn(payment, recorded.Payer, earlier),
                _ => MatchOutcome.Nothing,
            };
            Count(payment, outcome);
            var (paymentEvents, allocationChanges) = payment.Kind is PaymentKind.Debit or PaymentKind.ReturnedTransfer
                ? await ApplyToOrderAsync(payment, ct)
                : ([], []);
            IReadOnlyList<DonationAppend> refundChanges = [];
            if (payment.Kind is PaymentKind.Debit or PaymentKind.ReturnedTransfer && await ApplyToRefundAsync(payment, ct) is { } refund)
                (paymentEvents, refundChanges) = ([.. paymentEvents, .. refund.PaymentEvents], refund.Changes);

            _messages = [];
            var donationChanges = new List<DonationAppend>();
            foreach (var change in outcome.Donations.Where(c => c.Events.Count > 0))
            {
                Apply(_donations[change.DonationId], change.Events);
                donationChanges.Add(new DonationAppend(change.DonationId, _readVersions[change.DonationId] + AppendedHere(change.DonationId).Count, change.Events));
            }
            _bookings.Add(new PlannedBooking(payment.Id, [recorded.Fact, .. outcome.PaymentEvents, .. paymentEvents], donationChanges, recorded.Payer, _messages,
                allocationChanges, refundChanges));
            _recordedHere[payment.Id] = new EarlierPayment(payment.After(outcome.PaymentEvents, PaymentDecider.Evolve)!, recorded.Payer);
        }
    }

    /// <summary>
    /// A debit or a returned transfer whose EndToEndId names one of our ordered transfers: the debit confirms it (the money is
    /// out), the return reopens it (the money is back); anything else is reported in the summary and changes no allocation.
    /// Other debits are recorded as before.
    /// </summary>
    private async Task<(IReadOnlyList<object> PaymentEvents, IReadOnlyList<AllocationChange> Allocations)> ApplyToOrderAsync(Payment payment, CancellationToken ct)
    {
        if (!AllocationDecider.TryDisbursementIdOf(payment.EndToEndId, out var disbursementId)) return ([], []);
        var orders = await OrdersOfAsync(payment.AppealId, ct);
        var debit = payment.Kind == PaymentKind.Debit;
        if (!orders.TryGetValue(disbursementId, out var allocationId))
        {
            Issue(payment, debit, null, StatementOutcomes.UnknownOrder);
            return ([], []);
        }
        var (allocation, readVersion, appended) = await AllocationAsync(allocationId, ct);
        var decision = debit
            ? AllocationDecider.Decide(new ConfirmDisbursementByStatement(allocationId, disbursementId, payment.Amount, payment.BookingDate,
                payment.EndToEndId!, payment.Id, now), allocation)
            : AllocationDecider.Decide(new ReturnDisbursementByStatement(allocationId, disbursementId, payment.Amount, payment.BookingDate,
                payment.ReturnReasonCode, payment.Id, now), allocation);
        if (decision.Events.Count == 0)
        {
            Issue(payment, debit, allocation.Orders.First(o => o.DisbursementId == disbursementId).Amount, decision.Outcome);
            return ([], []);
        }
        _allocations[allocationId] = (allocation.After(decision.Events, AllocationDecider.Evolve)!, readVersion, appended + decision.Events.Count);
        if (debit) _disbursementsConfirmed++;
        else _disbursementsReturned++;
        return ([new PaymentAppliedToDisbursement(payment.Id, allocationId, disbursementId, decision.Outcome, now)],
            [new AllocationChange(allocationId, readVersion + appended + decision.Events.Count, decision.Events)]);
    }

    /// <summary>
    /// A debit or returned transfer whose EndToEndId names a donor's refund ("FR" and its id): the debit pays it, the return
    /// reopens it; anything else is an issue in the summary. Null when the EndToEndId is not a refund's.
    /// </summary>
    private async Task<(IReadOnlyList<object> PaymentEvents, IReadOnlyList<DonationAppend> Changes)?> ApplyToRefundAsync(Payment payment, CancellationToken ct)
    {
        if (!RefundDecider.TryRefundIdOf(payment.EndToEndId, out var refundId)) return null;
        var debit = payment.Kind == PaymentKind.Debit;
        if (!_refundsByAppeal.TryGetValue(payment.AppealId, out var refunds))
        {
            var donations = await session.Query<Donation>().Where(d => d.AppealId == payment.AppealId && d.HasRefunds).Take(AllocationsMax).ToListAsync(ct);
            _refundsByAppeal[payment.AppealId] = refunds = donations.SelectMany(d => d.Refunds.Select(r => (r.RefundId, d.Id))).ToDictionary(x => x.RefundId, x => x.Id);
        }
        if (!refunds.TryGetValue(refundId, out var donationId))
        {
            Issue(payment, debit, null, StatementOutcomes.UnknownOrder);
            return ([], []);
        }
        if (!_refundDonations.TryGetValue(donationId, out var known))
        {
            // Read as every donation of the upload is (its version first, then its state, with what this upload already
            // decided for it): a change in between makes the expected version too low, and the import is planned again.
            await LoadDonationsAsync([donationId], ct);
            var current = _donations.GetValueOrDefault(donationId) ?? throw new InvalidOperationException($"No donation {donationId}.");
            _refundDonations[donationId] = known = (current, _readVersions[donationId]);
        }
        var (donation, readVersion) = known;
        var decision = debit
            ? RefundDecider.Decide(new ConfirmRefundByStatement(refundId, payment.Amount, payment.BookingDate, payment.EndToEndId!, payment.Id, now), donation)
            : RefundDecider.Decide(new ReturnRefundByStatement(refundId, payment.Amount, payment.BookingDate, payment.ReturnReasonCode, payment.Id, now), donation);
        if (decision.Events.Count == 0)
        {
            Issue(payment, debit, donation.Refunds.First(r => r.RefundId == refundId).Amount, decision.Outcome);
            return ([], []);
        }
        var after = donation.After(decision.Events, DonationDecider.Evolve)!;
        _refundDonations[donationId] = (after, readVersion);
        AppendedHere(donationId).AddRange(decision.Events);
        // A later payment of this upload to the same donation decides on the state with the refund in it.
        if (_donations.TryGetValue(donationId, out var matched))
        {
            var current = matched.After(decision.Events, DonationDecider.Evolve)!;
            _donations[donationId] = current;
            _byReference[current.Reference] = current;
        }
        if (debit) _refundsPaid++;
        else _refundsReturned++;
        return ([new PaymentAppliedToRefund(payment.Id, donationId, refundId, decision.Outcome, now)],
            [new DonationAppend(donationId, readVersion + AppendedHere(donationId).Count, decision.Events)]);
    }

    /// <summary>A credit whose structured (or typed) RF is a recovery claim's: it pays the claim up to what is outstanding.</summary>
    private async Task<(IReadOnlyList<object> PaymentEvents, IReadOnlyList<AllocationChange> Allocations)?> ApplyToClaimAsync(Payment payment, CancellationToken ct)
    {
        if (payment.NamedReferences.Count == 0) return null;
        await OrdersOfAsync(payment.AppealId, ct);
        var claims = _claimsByAppeal[payment.AppealId];
        if (payment.NamedReferences.Select(r => claims.TryGetValue(r, out var c) ? c : ((Guid, Guid)?)null).FirstOrDefault(c => c is not null) is not { } named)
            return null;
        var (allocationId, claimId) = named;
        var (allocation, readVersion, appended) = await AllocationAsync(allocationId, ct);
        var decision = AllocationDecider.Decide(new SettleRecoveryClaim(allocationId, claimId, payment.Amount, payment.BookingDate, payment.Id, now), allocation);
        if (decision.Events.Count == 0)
        {
            var claim = allocation.RecoveryClaims.Single(r => r.ClaimId == claimId);
            _disbursementIssues.Add(new DisbursementIssue(_fileOfStatement.GetValueOrDefault(payment.Id, ""), payment.StatementId, payment.Id, claim.Reference, "credit",
                payment.Amount.Cents, claim.Outstanding.Cents, decision.Outcome,
                $"Die Gutschrift über {payment.Amount} nennt die Rückforderung {claim.Reference}, offen sind {claim.Outstanding}; sie wartet im Abgleich."));
            return null;
        }
        _allocations[allocationId] = (allocation.After(decision.Events, AllocationDecider.Evolve)!, readVersion, appended + decision.Events.Count);
        return ([new PaymentAppliedToRecoveryClaim(payment.Id, allocationId, claimId, now)],
            [new AllocationChange(allocationId, readVersion + appended + decision.Events.Count, decision.Events)]);
    }

    private void Issue(Payment payment, bool debit, Money? ordered, string outcome)
    {
        var e2e = payment.EndToEndId!;
        var amount = payment.Amount.ToString();
        var message = RefundDecider.TryRefundIdOf(e2e, out _) ? outcome switch
        {
            StatementOutcomes.AlreadyConfirmed => $"Die Rückerstattung {e2e} ist bereits als bezahlt gebucht; die Abbuchung über {amount} bucht nichts ein zweites Mal.",
            StatementOutcomes.AmountMismatch => $"Der Betrag {amount} passt nicht zur Rückerstattung {e2e} über {ordered}; bitte prüfen.",
            StatementOutcomes.NotSent => $"Die Rückerstattung {e2e} ist in keiner Zahlungsdatei; die Abbuchung über {amount} bestätigt sie nicht.",
            StatementOutcomes.NotPaid => $"Die Rückerstattung {e2e} ist nicht als bezahlt gebucht; die Rücküberweisung über {amount} wartet im Abgleich.",
            _ => $"Keine Rückerstattung hat die Referenz {e2e} ({amount}).",
        } : outcome switch
        {
            StatementOutcomes.AlreadyConfirmed => $"Die Auszahlung {e2e} ist bereits als bezahlt gebucht; die Abbuchung über {amount} bucht nichts ein zweites Mal.",
            StatementOutcomes.AmountMismatch => $"Der Betrag {amount} passt nicht zur Auszahlung {e2e} über {ordered}; bitte prüfen.",
            StatementOutcomes.NotSent => $"Die Auszahlung {e2e} ist in keiner Zahlungsdatei; die Abbuchung über {amount} bestätigt sie nicht.",
            StatementOutcomes.NotPaid => $"Die Auszahlung {e2e} ist nicht als bezahlt gebucht; die Rücküberweisung über {amount} wartet im Abgleich.",
            _ => $"Keine angewiesene Auszahlung hat die Referenz {e2e} ({amount}).",
        };
        _disbursementIssues.Add(new DisbursementIssue(_fileOfStatement.GetValueOrDefault(payment.Id, ""), payment.StatementId, payment.Id, e2e,
            debit ? "debit" : "credit", payment.Amount.Cents, ordered?.Cents, outcome, message));
    }

    /// <summary>The appeal's ordered transfers and their allocations: one query per appeal and upload (allocations are few).</summary>
    private async Task<Dictionary<Guid, Guid>> OrdersOfAsync(string appealId, CancellationToken ct)
    {
        if (_ordersByAppeal.TryGetValue(appealId, out var known)) return known;
        var allocations = await session.Query<Allocation>().Where(a => a.AppealId == appealId).Take(AllocationsMax).ToListAsync(ct);
        var orders = allocations.SelectMany(a => a.Orders.Select(o => (o.DisbursementId, a.Id))).ToDictionary(x => x.DisbursementId, x => x.Id);
        _ordersByAppeal[appealId] = orders;
        _claimsByAppeal[appealId] = allocations.SelectMany(a => a.RecoveryClaims.Select(c => (c.Reference, Claim: (a.Id, c.ClaimId))))
            .ToDictionary(x => x.Reference, x => x.Claim);
        return orders;
    }

    /// <summary>
    /// The allocation as this upload left it, or as stored: its stream version is read before its state, so a change in
    /// between makes the version the plan expects too low and the write fails (and is planned again) instead of deciding on old state.
    /// </summary>
    private async Task<(Allocation Allocation, long ReadVersion, long Appended)> AllocationAsync(Guid allocationId, CancellationToken ct)
    {
        if (_allocations.TryGetValue(allocationId, out var known)) return known;
        var state = await session.Events.FetchStreamStateAsync(allocationId, ct) ?? throw new InvalidOperationException($"No stream for allocation {allocationId}.");
        var allocation = await session.LoadAsync<Allocation>(allocationId, ct) ?? throw new InvalidOperationException($"No allocation {allocationId}.");
        return _allocations[allocationId] = (allocation, state.Version, 0);
    }

    private MatchOutcome MatchCredit(Payment payment)
    {
        var resolution = MatchingDecision.Resolve(payment, _byReference);
        if (resolution.Single is { } donation) return PaymentDecider.Decide(new MatchPayment(payment.Id, donation.Id, resolution.Method!.Value, "import", now), payment, donation);
        if (resolution.Split is { } parts)
        {
            var split = new SplitPayment(payment.Id, parts.Select(p => new PaymentPart(p.Donation.Id, p.Amount)).ToList(), MatchMethod.SplitByReferences, "import", now);
            return PaymentDecider.Decide(split, payment, parts.ToDictionary(p => p.Donation.Id, p => p.Donation));
        }
        return MatchOutcome.Nothing;
    }

    /// <summary>A return goes back on the payment it returns: by EndToEndId, else on the pledge its RF names, else by amount and payer.</summary>
    private MatchOutcome MatchReturn(Payment payment, PayerDetails? payer, IReadOnlyList<EarlierPayment> loaded)
    {
        var earlier = loaded.Where(e => !_recordedHere.ContainsKey(e.Payment.Id)).Concat(_recordedHere.Values).ToList();
        if (ReturnMatching.ByEndToEndId(payment, earlier) is { } byE2e) return ReturnOf(payment, byE2e);
        var resolution = MatchingDecision.Resolve(payment, _byReference);
        if (resolution.Single is { } donation) return PaymentDecider.Decide(new MatchPayment(payment.Id, donation.Id, resolution.Method!.Value, "import", now), payment, donation);
        if (resolution.WaitsForTreasurer) return MatchOutcome.Nothing;
        if (ReturnMatching.ByPayer(payment, payer, earlier) is { } byPayer) return ReturnOf(payment, byPayer);
        return MatchOutcome.Nothing;
    }

    private MatchOutcome ReturnOf(Payment ret, (Payment Original, MatchMethod Method) found)
        => ReturnMatching.GiveBack(ret, found.Original, _donations, found.Method, "import", now);

    private void Count(Payment payment, MatchOutcome outcome)
    {
        var matched = outcome.PaymentEvents.Count > 0;
        switch (payment.Kind)
        {
            case PaymentKind.Credit:
                _creditedCents = checked(_creditedCents + payment.Amount.Cents);
                break;
            case PaymentKind.Return:
                _returns++;
                break;
            case PaymentKind.Debit:
                _debits++;
                return;
            case PaymentKind.ReturnedTransfer:
                _returnedTransfers++;
                return;
        }
        if (matched) _matched++;
        else _unmatched++;
        if (outcome.PaymentEvents.OfType<PaymentSplit>().Any()) _split++;
    }

    private async Task LoadDonationsByReferenceAsync(IEnumerable<string> references, CancellationToken ct)
    {
        var wanted = references.Distinct().Where(r => !_byReference.ContainsKey(r)).ToArray();
        foreach (var chunk in wanted.Chunk(ReferenceChunkSize))
        {
            var ids = await session.Query<Donation>().Where(d => d.Reference.IsOneOf(chunk)).Select(d => d.Id).ToListAsync(ct);
            await LoadDonationsAsync(ids, ct);
        }
    }

    /// <summary>
    /// Donations this upload may append to, each with its stream version read before its state: a change committed in
    /// between makes the expected version too low, so the write fails and the upload is planned again, never books a
    /// decision made on an older state than the version it names. Donations read before are kept.
    /// </summary>
    private async Task LoadDonationsAsync(IEnumerable<Guid> ids, CancellationToken ct)
    {
        var wanted = ids.Where(id => !_donations.ContainsKey(id)).Distinct().ToArray();
        if (wanted.Length == 0) return;
        foreach (var (id, version) in await StreamVersions.ReadAsync(session, wanted, ct)) _readVersions.TryAdd(id, version);
        foreach (var donation in await session.LoadManyAsync<Donation>(ct, wanted))
        {
            // A refund this upload already decided for it (read on its own, before) stays in its state.
            if (_readVersions.ContainsKey(donation.Id)) Remember(donation.After(AppendedHere(donation.Id), DonationDecider.Evolve)!);
        }
    }

    /// <summary>
    /// Matched credits a return of this chunk may give back: those with the same EndToEndId, and those from a payer with
    /// the same IBAN or name (both indexed), with their payers and the donations they went to. Bounded.
    /// </summary>
    private async Task<IReadOnlyList<EarlierPayment>> LoadEarlierPaymentsAsync(IReadOnlyList<(RecordedTransaction Recorded, Payment Payment)> returns, CancellationToken ct)
    {
        var e2es = returns.Select(r => r.Payment.EndToEndId).OfType<string>().Distinct().ToArray();
        var ibans = returns.Select(r => r.Recorded.Payer?.Iban).OfType<string>().Distinct().ToArray();
        var names = returns.Select(r => r.Recorded.Payer?.NameKey).OfType<string>().Distinct().ToArray();

        var byE2e = e2es.Length == 0 ? [] : await session.Query<Payment>()
            .Where(p => p.EndToEndId.IsOneOf(e2es) && p.Status == PaymentStatus.Matched).Take(EarlierPaymentsMax).ToListAsync(ct);
        var payers = ibans.Length + names.Length == 0 ? [] : await session.Query<PayerDetails>()
            .Where(p => p.Iban.IsOneOf(ibans) || p.NameKey.IsOneOf(names)).Take(EarlierPaymentsMax).ToListAsync(ct);
        var byPayer = payers.Count == 0 ? [] : await session.LoadManyAsync<Payment>(ct, payers.Select(p => p.Id).ToArray());
        var payments = byE2e.Concat(byPayer).Where(p => p.Status == PaymentStatus.Matched && p.Kind == PaymentKind.Credit).DistinctBy(p => p.Id).ToList();
        var payerById = payers.ToDictionary(p => p.Id);
        var missingPayers = payments.Select(p => p.Id).Where(id => !payerById.ContainsKey(id)).ToArray();
        if (missingPayers.Length > 0)
            foreach (var p in await session.LoadManyAsync<PayerDetails>(ct, missingPayers)) payerById[p.Id] = p;

        await LoadDonationsAsync(payments.SelectMany(p => p.Parts).Select(p => p.DonationId), ct);
        return payments.Where(p => p.Parts.All(part => _donations.ContainsKey(part.DonationId)))
            .Select(p => new EarlierPayment(p, payerById.GetValueOrDefault(p.Id))).ToList();
    }

    private List<object> AppendedHere(Guid donationId)
    {
        if (!_appendedHere.TryGetValue(donationId, out var events)) _appendedHere[donationId] = events = [];
        return events;
    }

    private void Remember(Donation donation)
    {
        if (_donations.TryAdd(donation.Id, donation)) _byReference[donation.Reference] = donation;
    }

    /// <summary>
    /// Keeps our copy of the donation current for later payments in this upload. Cancelling receipts a return voids
    /// goes with the booking (those receipts were issued before this upload); looking for due receipts waits for the
    /// donation's last booking in this upload (<see cref="PlanAsync"/>).
    /// </summary>
    private void Apply(Donation donation, IReadOnlyList<object> events)
    {
        if (events.Count == 0) return;
        var after = donation.After(events, DonationDecider.Evolve)!;
        _donations[donation.Id] = after;
        _byReference[after.Reference] = after;
        AppendedHere(donation.Id).AddRange(events);
        if (_refundDonations.TryGetValue(donation.Id, out var refunding))
            _refundDonations[donation.Id] = (refunding.Donation.After(events, DonationDecider.Evolve)!, refunding.ReadVersion);
        _lastTouch[donation.Id] = _bookings.Count;
        _receiptsToLookAt.Add(donation.Id);
        _messages.AddRange(ReceiptTriggers.After(after, events).Where(m => m is not IssueDueReceipts));
    }
}
