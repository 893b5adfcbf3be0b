using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Domain.BankStatements.Continuity;
using FlutHilfe.Domain.Shared;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace FlutHilfe.Api.BankStatements.Listing;

public sealed record BalanceView(string Type, long AmountCents, DateOnly Date);

public sealed record StatementWarningView(string Code, string Message, string? MessageDe = null);

public sealed record StatementView(
    Guid Id,
    string StatementId,
    long? ElectronicSequenceNumber,
    long? LegalSequenceNumber,
    int SequenceYear,
    DateTimeOffset? From,
    DateTimeOffset? To,
    BalanceView? Opening,
    BalanceView? Closing,
    long BookedTotalCents,
    int Entries,
    bool? Balanced,
    IReadOnlyList<StatementWarningView> Warnings,
    DateTimeOffset RecordedAt);

/// <summary>Missing or doubled sequence numbers of one year (<c>kind</c>: electronic = ElctrncSeqNb, legal = LglSeqNb).</summary>
public sealed record SequenceView(int Year, string Kind, long? First, long? Last, IReadOnlyList<SequenceGap> Gaps, IReadOnlyList<long> Repeated);

public sealed record AccountStatementsView(string AccountIban, string AppealId, int Statements, IReadOnlyList<SequenceView> Sequences, IReadOnlyList<StatementView> Items);

public static class BankStatementsEndpoint
{
    public const int StatementsMax = 5000;

    /// <summary>
    /// The recorded statements per account, in sequence, with their balances and warnings, and per year the gaps and
    /// repeats in the sequence numbers (computed from every statement recorded, so a late statement closes its gap).
    /// </summary>
    [WolverineGet("/api/bank-statements", OperationId = "listBankStatements")]
    [Authorize(Roles = Roles.TreasurerOrAuditor)]
    [EndpointSummary("Imported bank statements per account with balances, sequence numbers and gaps (treasurer, auditor)")]
    [ProducesResponseType<IReadOnlyList<AccountStatementsView>>(200)]
    public static async Task<IReadOnlyList<AccountStatementsView>> Get(string? accountIban, int? year, IQuerySession session, CancellationToken ct)
    {
        var query = session.Query<BankStatement>().AsQueryable();
        if (!string.IsNullOrWhiteSpace(accountIban))
        {
            var iban = string.Concat(accountIban.Where(c => !char.IsWhiteSpace(c))).ToUpperInvariant();
            if (iban.Length > 34) throw DomainException.Invalid("accountIban", "accountIban has at most 34 characters.");
            query = query.Where(s => s.AccountIban == iban);
        }
        if (year is { } y)
        {
            if (y is < 1900 or > 9999) throw DomainException.Invalid("year", "year must be a four-digit year.");
            query = query.Where(s => s.SequenceYear == y);
        }
        var statements = await query.OrderBy(s => s.AccountIban).ThenBy(s => s.SequenceYear).ThenBy(s => s.ElectronicSequenceNumber)
            .ThenBy(s => s.RecordedAt).Take(StatementsMax).ToListAsync(ct);

        return statements.GroupBy(s => s.AccountIban).Select(account => new AccountStatementsView(
            account.Key, account.First().AppealId, account.Count(),
            account.GroupBy(s => s.SequenceYear).OrderBy(g => g.Key).SelectMany(g => new[]
            {
                Sequence(g.Key, "electronic", g.Select(s => s.ElectronicSequenceNumber)),
                Sequence(g.Key, "legal", g.Select(s => s.LegalSequenceNumber)),
            }).OfType<SequenceView>().ToList(),
            account.Select(View).ToList())).ToList();
    }

    private static SequenceView? Sequence(int year, string kind, IEnumerable<long?> numbers)
    {
        var given = numbers.OfType<long>().ToList();
        return given.Count == 0 ? null
            : new SequenceView(year, kind, given.Min(), given.Max(), StatementContinuity.Gaps(given), StatementContinuity.Repeats(given));
    }

    private static StatementView View(BankStatement s) => new(
        s.Id, s.StatementId, s.ElectronicSequenceNumber, s.LegalSequenceNumber, s.SequenceYear, s.From, s.To,
        Balance(s.Opening), Balance(s.Closing), s.BookedTotal.Cents, s.Entries, s.Balanced,
        s.Warnings.Select(w => new StatementWarningView(w.Code, w.Message, w.MessageDe)).ToList(), s.RecordedAt);

    private static BalanceView? Balance(StatementBalance? b) => b is null ? null : new BalanceView(b.TypeCode, b.Amount.Cents, b.Date);
}
