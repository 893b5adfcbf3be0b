using FlutHilfe.Domain.Payments;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.BankStatements.Importing;

/// <summary>A keyed transaction turned into a fact and its personal data.</summary>
public sealed record RecordedTransaction(BankTransactionRecorded Fact, PayerDetails? Payer);

public static class Recording
{
    /// <summary>Only booked entries count; pending or informational ones are reported but not recorded.</summary>
    public static bool IsBooked(CamtEntry entry) => entry.Status is null || entry.Status.Equals("BOOK", StringComparison.OrdinalIgnoreCase);

    /// <summary>Payment ids derive from the composite key, so a re-import collides instead of duplicating.</summary>
    public static Guid PaymentIdFor(string transactionKey) => DeterministicId.For("bank-transaction", transactionKey);

    public static RecordedTransaction Record(CamtKeyedItem item, string appealId, DateTimeOffset now)
    {
        var (entry, tx) = (item.Entry, item.Transaction);
        var kind = Classify(entry, tx);
        var amount = new Money(tx is null || entry.IsBatchWithoutDetails ? entry.AmountCents : tx.AmountCents);
        var bookingDate = entry.BookingDate ?? entry.ValueDate
            ?? throw new CamtFormatException($"Stmt[{item.Statement.Position}]/Ntry[{entry.Position}]/BookgDt", "a booked entry needs a booking date");

        var paymentId = PaymentIdFor(item.Key);
        var fact = new BankTransactionRecorded(
            paymentId, appealId, item.Key, item.Statement.StatementId, item.Statement.AccountId, kind, entry.Reversal, amount,
            bookingDate, entry.ValueDate,
            tx?.AccountServicerReference ?? entry.AccountServicerReference,
            tx?.EndToEndId,
            tx?.StructuredReference,
            CreditorReference.FindIn(tx?.UnstructuredRemittance).Select(r => r.Value).FirstOrDefault(),
            tx?.ReturnReasonCode,
            tx?.BankTransactionCode ?? entry.BankTransactionCode ?? entry.ProprietaryBankTransactionCode,
            entry.BatchTransactionCount ?? (entry.IsBatchWithoutDetails ? 0 : 1),
            now);

        // For money in, the counterparty is the debtor; for money out (a return), the creditor.
        var (name, iban) = entry.Direction == CreditDebit.Credit
            ? (tx?.DebtorName, tx?.DebtorIban ?? tx?.DebtorAccountOther)
            : (tx?.CreditorName ?? tx?.DebtorName, tx?.CreditorIban ?? tx?.DebtorIban);
        var payer = name is null && iban is null && tx?.UnstructuredRemittance is null && tx?.UltimateDebtorName is null
            ? null
            : new PayerDetails(paymentId, name, iban, tx?.UnstructuredRemittance, tx?.UltimateDebtorName);
        return new RecordedTransaction(fact, payer);
    }

    /// <summary>
    /// A debit with a return reason or the reversal flag takes money back from a donation; other debits
    /// never touch donations; credits are candidates; a batch without details cannot be matched per donation.
    /// </summary>
    public static PaymentKind Classify(CamtEntry entry, CamtTransaction? tx)
    {
        if (entry.IsBatchWithoutDetails) return PaymentKind.BatchWithoutDetails;
        if (entry.Direction == CreditDebit.Debit)
            return entry.Reversal || tx?.ReturnReasonCode is not null ? PaymentKind.Return : PaymentKind.Debit;
        return PaymentKind.Credit;
    }
}
