using FlutHilfe.Api.Notices;
using FlutHilfe.Api.Receipts;
using FlutHilfe.BankFiles;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.BankStatements.Continuity;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Payments;
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
/// <c>Warnings</c>: continuity findings (balances, sequence numbers), which never refuse the file.
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
    IReadOnlyList<ImportWarning> Warnings);

/// <summary>
/// Records every new statement and every new transaction of the uploaded files, and matches the transactions, all in
/// the caller's session (one transaction per upload: all or nothing).
/// </summary>
/// <remarks>
/// Not on Wolverine's aggregate handler workflow, on purpose: one upload touches thousands of payment streams (all new)
/// and any number of donation streams, found only while reading the file (by reference, by EndToEndId, by payer), and a
/// donation may be paid twice in one file, so its state must carry from one transaction to the next. The workflow loads
/// a fixed set of streams named by the command. So this is a plan-then-apply path by hand: the same decisions
/// (<see cref="PaymentDecider"/>, <see cref="DonationDecider"/>) and the same fold (<c>Evolve</c>) as the handlers,
/// applied chunk by chunk to a session the endpoint commits once.
/// </remarks>
public sealed class StatementImport(IDocumentSession session, DateTimeOffset now)
{
    private const int ChunkSize = 1000;
    /// <summary>Bounds on what one chunk reads to match returns to earlier payments.</summary>
    private const int EarlierPaymentsMax = 5000;
    private const int KnownStatementsMax = 20_000;

    private readonly Dictionary<Guid, Donation> _donations = [];
    private readonly Dictionary<string, Donation> _byReference = [];
    /// <summary>Payments recorded in this upload, as they stand after matching (a later return may give one back).</summary>
    private readonly Dictionary<Guid, EarlierPayment> _recordedHere = [];
    private readonly List<ImportWarning> _warnings = [];
    private readonly HashSet<Guid> _seen = [];

    /// <summary>Messages for the outbox (issue or cancel receipts), sent only if the import commits.</summary>
    public List<object> Messages { get; } = [];

    private int _matched, _split, _unmatched, _duplicates, _returns, _returnedTransfers, _debits, _notBooked, _transactions, _statementsRecorded;
    private long _creditedCents;

    public async Task<ImportResult> RunAsync(IReadOnlyList<(string Name, CamtFile File)> files, CancellationToken ct)
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
                items.AddRange(CamtKeys.ForStatement(statement).Select(i => (i, appeal)));
            }
        }

        await RecordStatementsAsync(statements, ct);
        foreach (var chunk in items.Chunk(ChunkSize))
        {
            await ImportChunkAsync(chunk, ct);
        }

        return new ImportResult(
            files.Sum(f => f.File.Statements.Count),
            files.Sum(f => f.File.Statements.Sum(s => s.Entries.Count)),
            _transactions, _matched, _unmatched, _duplicates, _returns, _creditedCents, _debits, _notBooked,
            files.Select(f => f.Name).ToList(), _split, _returnedTransfers, _statementsRecorded, _warnings);
    }

    /// <summary>
    /// Each statement new to the books becomes a fact, checked for continuity against the statements already recorded
    /// for its account (earlier ones of this upload included). A warning never refuses the file: it goes into the
    /// answer and into a notice for the treasurer. A statement recorded before is recognised and skipped silently.
    /// </summary>
    private async Task RecordStatementsAsync(IReadOnlyList<(string File, CamtStatement Statement, Appeal Appeal)> statements, CancellationToken ct)
    {
        var accounts = statements.Select(s => s.Statement.AccountId).Distinct().ToArray();
        var known = (await session.Query<BankStatement>().Where(s => s.AccountIban.IsOneOf(accounts)).Take(KnownStatementsMax).ToListAsync(ct)).ToList();
        foreach (var (file, statement, appeal) in statements)
        {
            var key = StatementContinuity.KeyFor(statement.AccountId, statement.StatementId);
            if (known.Any(k => k.Id == key)) continue;

            var recorded = StatementContinuity.Record(Recording.Statement(statement), appeal.AppealId, known, now);
            session.Events.StartStream<BankStatement>(key, recorded);
            known.Add(StatementContinuity.Evolve(null, recorded)!);
            _statementsRecorded++;
            foreach (var warning in recorded.Warnings)
            {
                _warnings.Add(new ImportWarning(warning.Code, file, recorded.StatementId, warning.Message, warning.MessageDe));
                session.Store(new TreasurerNotice
                {
                    // Deterministic: the statement is recorded once, so is each of its notices.
                    Id = DeterministicId.For("notice-statement", $"{key}|{warning.Code}|{warning.MessageDe}"),
                    Kind = "statement-" + warning.Code,
                    Message = warning.MessageDe,
                    CreatedAt = now,
                });
            }
        }
    }

    private async Task ImportChunkAsync((CamtKeyedItem Item, Appeal Appeal)[] chunk, CancellationToken ct)
    {
        _transactions += chunk.Length;
        var booked = chunk.Where(c => Recording.IsBooked(c.Item.Entry)).ToList();
        _notBooked += chunk.Length - booked.Count;

        var ids = booked.Select(c => Recording.PaymentIdFor(c.Item.Key)).ToArray();
        var existing = (await session.LoadManyAsync<Payment>(ct, ids)).Select(p => p.Id).ToHashSet();

        var fresh = new List<(RecordedTransaction Recorded, Payment Payment)>();
        foreach (var (item, appeal) in booked)
        {
            // A transaction already stored, or already seen in this upload (a ZIP may hold one statement twice).
            if (existing.Contains(Recording.PaymentIdFor(item.Key)) || !_seen.Add(Recording.PaymentIdFor(item.Key)))
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
            var outcome = payment.Kind switch
            {
                PaymentKind.Credit => MatchCredit(payment),
                PaymentKind.Return => MatchReturn(payment, recorded.Payer, earlier),
                _ => MatchOutcome.Nothing,
            };
            Count(payment, outcome);

            session.Events.StartStream<Payment>(payment.Id, [recorded.Fact, .. outcome.PaymentEvents]);
            foreach (var change in outcome.Donations) Append(_donations[change.DonationId], change.Events);
            if (recorded.Payer is not null) session.Store(recorded.Payer);
            _recordedHere[payment.Id] = new EarlierPayment(payment.After(outcome.PaymentEvents, PaymentDecider.Evolve)!, recorded.Payer);
        }
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
        foreach (var chunk in wanted.Chunk(ChunkSize))
        {
            var found = await session.Query<Donation>().Where(d => d.Reference.IsOneOf(chunk)).ToListAsync(ct);
            foreach (var donation in found) Remember(donation);
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

        var donationIds = payments.SelectMany(p => p.Parts).Select(p => p.DonationId).Where(id => !_donations.ContainsKey(id)).Distinct().ToArray();
        if (donationIds.Length > 0)
            foreach (var d in await session.LoadManyAsync<Donation>(ct, donationIds)) Remember(d);
        return payments.Where(p => p.Parts.All(part => _donations.ContainsKey(part.DonationId)))
            .Select(p => new EarlierPayment(p, payerById.GetValueOrDefault(p.Id))).ToList();
    }

    private void Remember(Donation donation)
    {
        if (_donations.TryAdd(donation.Id, donation)) _byReference[donation.Reference] = donation;
    }

    /// <summary>Appends to the donation stream and keeps our copy current for later payments in this upload.</summary>
    private void Append(Donation donation, IReadOnlyList<object> events)
    {
        if (events.Count == 0) return;
        session.Events.Append(donation.Id, events);
        var after = donation.After(events, DonationDecider.Evolve)!;
        _donations[donation.Id] = after;
        _byReference[after.Reference] = after;
        Messages.AddRange(ReceiptTriggers.After(after, events));
    }
}
