using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.BankStatements.Importing;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Payments;
using FlutHilfe.Domain.Shared;
using JasperFx.Events;
using Marten;

namespace FlutHilfe.Api.BankStatements.Importing;

/// <summary>The import's answer; counted per transaction (<c>TxDtls</c>).</summary>
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
    IReadOnlyList<string> Files);

/// <summary>
/// Records every new transaction of the uploaded files as a payment stream and matches it, all in the
/// caller's session (one transaction per upload: all or nothing).
/// </summary>
public sealed class StatementImport(IDocumentSession session, DateTimeOffset now)
{
    private const int ChunkSize = 1000;
    private readonly Dictionary<Guid, Donation> _donations = [];
    private readonly HashSet<Guid> _seen = [];

    /// <summary>Messages for the outbox (issue or cancel receipts), sent only if the import commits.</summary>
    public List<object> Messages { get; } = [];

    private int _matched, _unmatched, _duplicates, _returns, _debits, _notBooked, _transactions;
    private long _creditedCents;

    public async Task<ImportResult> RunAsync(IReadOnlyList<(string Name, CamtFile File)> files, CancellationToken ct)
    {
        var appeals = await session.Query<Appeal>().ToListAsync(ct);
        var appealByIban = appeals.GroupBy(a => a.Account.Iban.Value).ToDictionary(g => g.Key, g => g.First());

        var items = new List<(CamtKeyedItem Item, Appeal Appeal)>();
        foreach (var (name, file) in files)
        {
            foreach (var statement in file.Statements)
            {
                if (!appealByIban.TryGetValue(statement.AccountId, out var appeal))
                    throw DomainException.Invalid($"{name}!Stmt[{statement.Position}]/Acct/Id/IBAN",
                        $"The account {statement.AccountId} is not the account of any appeal.");
                items.AddRange(CamtKeys.ForStatement(statement).Select(i => (i, appeal)));
            }
        }

        foreach (var chunk in items.Chunk(ChunkSize))
        {
            await ImportChunkAsync(chunk, ct);
        }

        return new ImportResult(
            files.Sum(f => f.File.Statements.Count),
            files.Sum(f => f.File.Statements.Sum(s => s.Entries.Count)),
            _transactions, _matched, _unmatched, _duplicates, _returns, _creditedCents, _debits, _notBooked,
            files.Select(f => f.Name).ToList());
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
            var recorded = Recording.Record(item, appeal.Slug, now);
            fresh.Add((recorded, Payment.Create(recorded.Fact)));
        }

        await LoadDonationsAsync(fresh.SelectMany(f => MatchingDecision.Candidates(f.Payment)).Select(c => c.Reference), ct);

        foreach (var (recorded, payment) in fresh)
        {
            var paymentEvents = new List<object> { recorded.Fact };
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
                    break;
            }

            if (payment.Kind is PaymentKind.Credit or PaymentKind.Return && FindDonation(payment) is { } found
                && found.Donation.AppealId == payment.AppealId)
            {
                var outcome = MatchingDecision.Match(payment, found.Donation, found.Method, "import", now);
                paymentEvents.AddRange(outcome.PaymentEvents);
                Append(found.Donation, outcome.DonationEvents);
                _matched++;
            }
            else if (payment.Kind != PaymentKind.Debit)
            {
                _unmatched++;
            }

            session.Events.StartStream<Payment>(payment.Id, paymentEvents);
            if (recorded.Payer is not null) session.Store(recorded.Payer);
        }
    }

    private async Task LoadDonationsAsync(IEnumerable<string> references, CancellationToken ct)
    {
        var wanted = references.Distinct().Where(r => !_byReference.ContainsKey(r)).ToArray();
        foreach (var chunk in wanted.Chunk(ChunkSize))
        {
            var found = await session.Query<Donation>().Where(d => d.Reference.IsOneOf(chunk)).ToListAsync(ct);
            foreach (var donation in found)
            {
                _byReference[donation.Reference] = donation.Id;
                _donations.TryAdd(donation.Id, donation);
            }
        }
    }

    private readonly Dictionary<string, Guid> _byReference = [];

    private (Donation Donation, MatchMethod Method)? FindDonation(Payment payment)
    {
        foreach (var (reference, method) in MatchingDecision.Candidates(payment))
        {
            if (_byReference.TryGetValue(reference, out var id)) return (_donations[id], method);
        }
        return null;
    }

    /// <summary>Appends to the donation stream and keeps our copy current for later payments in this upload.</summary>
    private void Append(Donation donation, IReadOnlyList<object> events)
    {
        if (events.Count == 0) return;
        session.Events.Append(donation.Id, events);
        var after = events.Aggregate(donation, DonationEvolution.Apply);
        _donations[donation.Id] = after;
        Messages.AddRange(Receipts.ReceiptTriggers.After(after, events));
    }
}
