using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace FlutHilfe.BankFiles;

/// <summary>One bookable item of a statement with its idempotency key: a transaction, or a batch entry without
/// details (<see cref="Transaction"/> null) that is booked as one unmatched item.</summary>
public sealed record CamtKeyedItem(string Key, CamtStatement Statement, CamtEntry Entry, CamtTransaction? Transaction, int Occurrence);

/// <summary>
/// Composite idempotency keys for bank bookings (DESIGN §5: <c>AcctSvcrRef</c> alone is not safe).
/// <para>The key is the lower-case hex SHA-256 of a canonical string made of: scheme version, account (IBAN
/// normalised), booking date (value date if no booking date), direction, reversal flag, entry amount, entry
/// <c>AcctSvcrRef</c>, batch marker; per transaction: its position within the entry, amount, tx <c>AcctSvcrRef</c>,
/// <c>EndToEndId</c>, <c>MndtId</c>, structured reference, unstructured text (whitespace collapsed), debtor and creditor
/// IBAN, return reason; and an occurrence number.</para>
/// <para>NOT in the key: the entry position within the statement (changes when a later statement repeats
/// bookings), statement id, names (banks render them differently between versions .02/.08), status, value date,
/// bank transaction codes and free "additional info" texts.</para>
/// <para>Occurrence: two genuinely distinct bookings can be identical in every keyed field (same day, amount, no
/// references at all). <see cref="ForFile"/> counts identical canonical strings within one statement in document
/// order and appends the count (1, 2, …), so two identical entries in one statement stay distinct while the same
/// statement imported twice (or a later statement repeating both) yields the same keys. Residual risk, accepted and
/// documented: if two such indistinguishable bookings are split across two statements (e.g. intra-day statements
/// that both hold one of them), the second one is taken for a duplicate and not booked; the closing-balance
/// reconciliation shows the difference to the treasurer. The opposite risk — counting a donation twice — is worse
/// (wrong tax receipts), which is why the key leans towards fields the bank reproduces identically.</para>
/// </summary>
public static partial class CamtKeys
{
    public const string Scheme = "camt-key-v1";

    /// <summary>Key for one transaction of an entry (pass null for a batch entry without details).
    /// Pure function of its inputs.</summary>
    public static string TransactionKey(string accountId, CamtEntry entry, CamtTransaction? transaction, int occurrence = 1) =>
        Key(CanonicalString(accountId, entry, transaction), occurrence);

    /// <summary>The canonical string (without the occurrence suffix) that is hashed.</summary>
    public static string CanonicalString(string accountId, CamtEntry entry, CamtTransaction? transaction)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accountId);
        ArgumentNullException.ThrowIfNull(entry);
        var sb = new StringBuilder(256);
        Append(sb, Scheme);
        Append(sb, CamtParser.NormalizeIban(accountId));
        Append(sb, (entry.BookingDate ?? entry.ValueDate)?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Append(sb, entry.Direction == CreditDebit.Credit ? "C" : "D");
        Append(sb, entry.Reversal ? "R" : "N");
        Append(sb, entry.Currency);
        Append(sb, entry.AmountCents.ToString(CultureInfo.InvariantCulture));
        Append(sb, entry.AccountServicerReference);
        if (transaction is null)
        {
            Append(sb, "batch");
            Append(sb, entry.BatchTransactionCount?.ToString(CultureInfo.InvariantCulture));
            return sb.ToString();
        }

        Append(sb, "tx");
        Append(sb, transaction.Position.ToString(CultureInfo.InvariantCulture));
        Append(sb, transaction.AmountCents.ToString(CultureInfo.InvariantCulture));
        Append(sb, transaction.AccountServicerReference);
        Append(sb, transaction.EndToEndId);
        Append(sb, transaction.MandateId);
        Append(sb, transaction.StructuredReference);
        Append(sb, transaction.UnstructuredRemittance is null ? null : Whitespace().Replace(transaction.UnstructuredRemittance.Trim(), " "));
        Append(sb, CamtParser.NormalizeIban(transaction.DebtorIban));
        Append(sb, CamtParser.NormalizeIban(transaction.CreditorIban));
        Append(sb, transaction.ReturnReasonCode);
        return sb.ToString();
    }

    /// <summary>All bookable items of a file with keys (occurrence counter per statement, see the class remarks).</summary>
    public static IReadOnlyList<CamtKeyedItem> ForFile(CamtFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var result = new List<CamtKeyedItem>();
        foreach (var statement in file.Statements)
        {
            result.AddRange(ForStatement(statement));
        }

        return result;
    }

    public static IReadOnlyList<CamtKeyedItem> ForStatement(CamtStatement statement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var result = new List<CamtKeyedItem>();
        foreach (var entry in statement.Entries)
        {
            IEnumerable<CamtTransaction?> items = entry.IsBatchWithoutDetails ? [null] : (IEnumerable<CamtTransaction?>)entry.Transactions;
            foreach (var tx in items)
            {
                var canonical = CanonicalString(statement.AccountId, entry, tx);
                var occurrence = seen.GetValueOrDefault(canonical) + 1;
                seen[canonical] = occurrence;
                result.Add(new CamtKeyedItem(Key(canonical, occurrence), statement, entry, tx, occurrence));
            }
        }

        return result;
    }

    // Each field: '-' for null, else "<length>:<value>"; fields separated by '|'. Unambiguous for any content.
    private static void Append(StringBuilder sb, string? value)
    {
        if (sb.Length > 0)
        {
            sb.Append('|');
        }

        if (value is null)
        {
            sb.Append('-');
        }
        else
        {
            sb.Append(value.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(value);
        }
    }

    private static string Key(string canonical, int occurrence) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical + "|occ=" + occurrence.ToString(CultureInfo.InvariantCulture))));

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Whitespace();
}
