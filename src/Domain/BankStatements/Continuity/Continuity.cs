using System.Globalization;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.BankStatements.Continuity;

/// <summary>A balance as the statement gives it (type code such as OPBD, PRCD or CLBD, signed amount, date).</summary>
public sealed record StatementBalance(string TypeCode, Money Amount, DateOnly Date);

/// <summary>
/// A bank statement as the books read it, whatever file it came in (src/BankFiles reads camt.053 into it): the account,
/// the bank's statement id and sequence numbers, the period, the balances and the entries.
/// </summary>
public sealed record StatementContent(
    string AccountIban,
    string StatementId,
    long? ElectronicSequenceNumber,
    long? LegalSequenceNumber,
    DateTimeOffset? From,
    DateTimeOffset? To,
    DateTimeOffset? CreatedAt,
    IReadOnlyList<StatedBalance> Balances,
    IReadOnlyList<StatedEntry> Entries);

/// <summary>A balance as stated, in any currency (only EUR balances are checked): type code, signed cents, currency, date.</summary>
public sealed record StatedBalance(string TypeCode, long AmountCents, string Currency, DateOnly Date);

/// <summary>An entry as continuity needs it: booked or not (pending and informational entries are not), its signed amount
/// (credits positive) and its booking date, else its value date.</summary>
public sealed record StatedEntry(bool Booked, long SignedAmountCents, DateOnly? Date);

/// <summary>Something the treasurer must check about a statement; never a reason to refuse it.</summary>
/// <param name="Code">balance-mismatch, balance-missing, balance-chain-broken, electronic-sequence-gap,
/// electronic-sequence-repeated, legal-sequence-gap, legal-sequence-repeated.</param>
/// <param name="Message">English, for the API.</param>
/// <param name="MessageDe">German, for the treasurer's notice.</param>
public sealed record StatementWarning(string Code, string Message, string MessageDe);

/// <summary>
/// A bank statement as a fact: which account, its sequence numbers, period, balances and the sum of its booked entries,
/// and what was noticed when it was recorded. One stream per statement (id from account and the bank's statement id), so the same
/// statement imported again is recognised and recorded once.
/// </summary>
public sealed record BankStatementRecorded(
    Guid StatementKey,
    string AppealId,
    string AccountIban,
    string StatementId,
    long? ElectronicSequenceNumber,
    long? LegalSequenceNumber,
    int SequenceYear,
    DateTimeOffset? From,
    DateTimeOffset? To,
    DateTimeOffset? CreatedAt,
    StatementBalance? Opening,
    StatementBalance? Closing,
    Money BookedTotal,
    int Entries,
    int BookedEntries,
    IReadOnlyList<StatementWarning> Warnings,
    DateTimeOffset RecordedAt) : IEventOf<BankStatement>, IAppealEvent;

/// <summary>A recorded statement (inline snapshot; the list of statements per account reads it).</summary>
public sealed record BankStatement
{
    public Guid Id { get; init; }
    public string AppealId { get; init; } = "";
    public string AccountIban { get; init; } = "";
    public string StatementId { get; init; } = "";
    public long? ElectronicSequenceNumber { get; init; }
    public long? LegalSequenceNumber { get; init; }
    public int SequenceYear { get; init; }
    public DateTimeOffset? From { get; init; }
    public DateTimeOffset? To { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public StatementBalance? Opening { get; init; }
    public StatementBalance? Closing { get; init; }
    public Money BookedTotal { get; init; }
    public int Entries { get; init; }
    public int BookedEntries { get; init; }
    public IReadOnlyList<StatementWarning> Warnings { get; init; } = [];
    public DateTimeOffset RecordedAt { get; init; }

    /// <summary>Opening + booked entries = closing (null when a balance is missing).</summary>
    public bool? Balanced => Opening is null || Closing is null ? null : Opening.Amount + BookedTotal == Closing.Amount;
}

/// <summary>A run of missing sequence numbers, inclusive.</summary>
public sealed record SequenceGap(long From, long To);

public static class StatementContinuity
{
    /// <summary>The fold of a statement's stream: a statement is recorded once and never changes, so its one event makes its state.</summary>
    public static BankStatement? Evolve(BankStatement? statement, object @event) => @event is BankStatementRecorded e ? Recorded(e) : statement;

    private static BankStatement Recorded(BankStatementRecorded e) => new()
    {
        Id = e.StatementKey,
        AppealId = e.AppealId,
        AccountIban = e.AccountIban,
        StatementId = e.StatementId,
        ElectronicSequenceNumber = e.ElectronicSequenceNumber,
        LegalSequenceNumber = e.LegalSequenceNumber,
        SequenceYear = e.SequenceYear,
        From = e.From,
        To = e.To,
        CreatedAt = e.CreatedAt,
        Opening = e.Opening,
        Closing = e.Closing,
        BookedTotal = e.BookedTotal,
        Entries = e.Entries,
        BookedEntries = e.BookedEntries,
        Warnings = e.Warnings,
        RecordedAt = e.RecordedAt,
    };

    public static readonly string[] OpeningTypes = ["OPBD", "PRCD"];
    public const string ClosingType = "CLBD";

    public static Guid KeyFor(string accountIban, string statementId) => DeterministicId.For("bank-statement", accountIban + "|" + statementId);

    /// <summary>
    /// The fact for a parsed statement, with the warnings that follow from the statement itself and from the statements
    /// already recorded for the same account (<paramref name="known"/>, in any order; earlier ones of the same upload included).
    /// </summary>
    public static BankStatementRecorded Record(StatementContent statement, string appealId, IReadOnlyCollection<BankStatement> known, DateTimeOffset now)
    {
        var booked = statement.Entries.Where(e => e.Booked).ToList();
        var bookedTotal = new Money(booked.Sum(e => checked(e.SignedAmountCents)));
        var opening = Balance(statement, OpeningTypes);
        var closing = Balance(statement, [ClosingType]);
        var year = SequenceYear(statement, closing, booked);
        var account = statement.AccountIban;
        var statementId = Text.BankIdentifier(statement.StatementId);
        var key = KeyFor(account, statement.StatementId);
        var others = known.Where(k => k.AccountIban == account && k.Id != key).ToList();

        var warnings = new List<StatementWarning>();
        warnings.AddRange(CheckBalance(statementId, opening, closing, bookedTotal));
        warnings.AddRange(CheckSequence(statementId, statement.ElectronicSequenceNumber, year, others, k => k.ElectronicSequenceNumber, "electronic", "ElctrncSeqNb", "elektronische Auszugsnummer"));
        warnings.AddRange(CheckSequence(statementId, statement.LegalSequenceNumber, year, others, k => k.LegalSequenceNumber, "legal", "LglSeqNb", "Kontoauszugsnummer"));
        warnings.AddRange(CheckChain(statementId, statement.ElectronicSequenceNumber, year, opening, closing, others));

        return new BankStatementRecorded(key, appealId, account, statementId, statement.ElectronicSequenceNumber, statement.LegalSequenceNumber, year,
            statement.From, statement.To, statement.CreatedAt, opening, closing, bookedTotal,
            statement.Entries.Count, booked.Count, warnings, now);
    }

    /// <summary>Missing numbers between the lowest and the highest given, as runs.</summary>
    public static IReadOnlyList<SequenceGap> Gaps(IEnumerable<long> numbers)
    {
        var sorted = numbers.Distinct().Order().ToList();
        var gaps = new List<SequenceGap>();
        for (var i = 1; i < sorted.Count; i++)
        {
            if (sorted[i] > sorted[i - 1] + 1) gaps.Add(new SequenceGap(sorted[i - 1] + 1, sorted[i] - 1));
        }
        return gaps;
    }

    /// <summary>Numbers given to more than one statement.</summary>
    public static IReadOnlyList<long> Repeats(IEnumerable<long> numbers)
        => numbers.GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key).Order().ToList();

    private static StatementBalance? Balance(StatementContent statement, IReadOnlyList<string> types)
    {
        // Balances in another currency than the account's cannot be checked against EUR entries.
        foreach (var type in types)
        {
            var balance = statement.Balances.FirstOrDefault(b => b.TypeCode.Equals(type, StringComparison.OrdinalIgnoreCase) && b.Currency == "EUR");
            if (balance is not null) return new StatementBalance(type, new Money(balance.AmountCents), balance.Date);
        }
        return null;
    }

    /// <summary>DK statements count their sequence numbers per calendar year: the year of the period's end, else of the
    /// closing balance, the creation, the last booking.</summary>
    private static int SequenceYear(StatementContent statement, StatementBalance? closing, IReadOnlyList<StatedEntry> booked)
        => statement.To?.Year ?? closing?.Date.Year ?? statement.CreatedAt?.Year
           ?? booked.Select(e => e.Date).Max()?.Year ?? statement.From?.Year ?? 0;

    private static IEnumerable<StatementWarning> CheckBalance(string statementId, StatementBalance? opening, StatementBalance? closing, Money bookedTotal)
    {
        if (opening is null || closing is null)
        {
            var missing = opening is null && closing is null ? "opening and closing balance" : opening is null ? "opening balance (OPBD/PRCD)" : "closing balance (CLBD)";
            var missingDe = opening is null && closing is null ? "Anfangs- und Endsaldo" : opening is null ? "Anfangssaldo (OPBD/PRCD)" : "Endsaldo (CLBD)";
            yield return new StatementWarning("balance-missing",
                $"Statement {statementId} has no {missing} in EUR; its entries cannot be checked against its balances.",
                $"Kontoauszug {statementId}: {missingDe} in EUR fehlt; die Buchungen lassen sich nicht gegen die Salden prüfen.");
            yield break;
        }
        var expected = opening.Amount + bookedTotal;
        if (expected != closing.Amount)
        {
            yield return new StatementWarning("balance-mismatch",
                $"Statement {statementId}: opening balance {opening.Amount} + booked entries {bookedTotal} = {expected}, but the closing balance is {closing.Amount} (difference {closing.Amount - expected}).",
                $"Kontoauszug {statementId}: Anfangssaldo {opening.Amount} + Buchungen {bookedTotal} = {expected}, der Endsaldo ist aber {closing.Amount} (Differenz {closing.Amount - expected}).");
        }
    }

    private static IEnumerable<StatementWarning> CheckSequence(string statementId, long? number, int year, IReadOnlyList<BankStatement> others,
        Func<BankStatement, long?> numberOf, string kind, string element, string nameDe)
    {
        if (number is not { } n) yield break;
        var sameYear = others.Where(o => o.SequenceYear == year && numberOf(o) is not null).ToList();
        var repeated = sameYear.Where(o => numberOf(o) == n).Select(o => o.StatementId).ToList();
        if (repeated.Count > 0)
        {
            yield return new StatementWarning($"{kind}-sequence-repeated",
                $"Statement {statementId}: {element} {n} ({year}) was already given to statement {string.Join(", ", repeated)}.",
                $"Kontoauszug {statementId}: Die {nameDe} {n} ({year}) trägt bereits Auszug {string.Join(", ", repeated)}.");
            yield break;
        }
        var highest = sameYear.Select(o => numberOf(o)!.Value).DefaultIfEmpty(0).Max();
        if (sameYear.Count > 0 && n > highest + 1)
        {
            var missing = n - 1 == highest + 1 ? (highest + 1).ToString(CultureInfo.InvariantCulture) : $"{highest + 1}–{n - 1}";
            yield return new StatementWarning($"{kind}-sequence-gap",
                $"Statement {statementId}: {element} {n} follows {highest} ({year}); missing: {missing}.",
                $"Kontoauszug {statementId}: Die {nameDe} {n} folgt auf {highest} ({year}); es fehlt: {missing}.");
        }
    }

    /// <summary>The previous statement's closing balance is this one's opening balance; this closing balance the next one's opening.</summary>
    private static IEnumerable<StatementWarning> CheckChain(string statementId, long? number, int year, StatementBalance? opening, StatementBalance? closing,
        IReadOnlyList<BankStatement> others)
    {
        if (number is not { } n) yield break;
        var previous = others.FirstOrDefault(o => o.SequenceYear == year && o.ElectronicSequenceNumber == n - 1);
        if (previous?.Closing is { } before && opening is not null && before.Amount != opening.Amount)
        {
            yield return new StatementWarning("balance-chain-broken",
                $"Statement {statementId} opens with {opening.Amount}, but statement {previous.StatementId} before it closed with {before.Amount}.",
                $"Kontoauszug {statementId} beginnt mit {opening.Amount}, der vorige Auszug {previous.StatementId} endete aber mit {before.Amount}.");
        }
        var next = others.FirstOrDefault(o => o.SequenceYear == year && o.ElectronicSequenceNumber == n + 1);
        if (next?.Opening is { } after && closing is not null && after.Amount != closing.Amount)
        {
            yield return new StatementWarning("balance-chain-broken",
                $"Statement {statementId} closes with {closing.Amount}, but statement {next.StatementId} after it opened with {after.Amount}.",
                $"Kontoauszug {statementId} endet mit {closing.Amount}, der folgende Auszug {next.StatementId} begann aber mit {after.Amount}.");
        }
    }
}
