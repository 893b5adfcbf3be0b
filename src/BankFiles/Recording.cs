using FlutHilfe.Domain.BankStatements.Continuity;
using FlutHilfe.Domain.Payments;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.BankFiles;

/// <summary>A keyed transaction turned into a fact and its personal data.</summary>
public sealed record RecordedTransaction(BankTransactionRecorded Fact, PayerDetails? Payer);

/// <summary>
/// The seam between camt.053 and the books: a parsed statement becomes the domain's <see cref="StatementContent"/>, a
/// keyed booking becomes a <see cref="BankTransactionRecorded"/> fact with its payer. Identifiers are cut to
/// <see cref="Text.BankIdentifierLengthMax"/> before they reach a fact or a response.
/// </summary>
public static class Recording
{
    /// <summary>Only booked entries count; pending or informational ones are reported but not recorded.</summary>
    public static bool IsBooked(CamtEntry entry) => entry.Status is null || entry.Status.Equals("BOOK", StringComparison.OrdinalIgnoreCase);

    /// <summary>Payment ids derive from the composite key, so a re-import collides instead of duplicating.</summary>
    public static Guid PaymentIdFor(string transactionKey) => DeterministicId.For("bank-transaction", transactionKey);

    /// <summary>The statement as the continuity checks read it.</summary>
    public static StatementContent Statement(CamtStatement statement) => new(
        statement.AccountId, statement.StatementId, statement.ElectronicSequenceNumber, statement.LegalSequenceNumber,
        statement.FromDateTime, statement.ToDateTime, statement.CreationDateTime,
        [.. statement.Balances.Select(b => new StatedBalance(b.TypeCode, b.AmountCents, b.Currency, b.Date))],
        [.. statement.Entries.Select(e => new StatedEntry(IsBooked(e), e.SignedAmountCents, e.BookingDate ?? e.ValueDate))]);

    public static RecordedTransaction Record(CamtKeyedItem item, string appealId, DateTimeOffset now)
    {
        var (entry, tx) = (item.Entry, item.Transaction);
        var kind = Classify(entry, tx);
        var amount = new Money(tx is null || entry.IsBatchWithoutDetails ? entry.AmountCents : tx.AmountCents);
        var bookingDate = entry.BookingDate ?? entry.ValueDate
            ?? throw new CamtFormatException($"Stmt[{item.Statement.Position}]/Ntry[{entry.Position}]/BookgDt", "a booked entry needs a booking date");

        var paymentId = PaymentIdFor(item.Key);
        var fact = new BankTransactionRecorded(
            paymentId, appealId, item.Key, Text.BankIdentifier(item.Statement.StatementId), item.Statement.AccountId, kind, entry.Reversal, amount,
            bookingDate, entry.ValueDate,
            Text.BankIdentifier(tx?.AccountServicerReference ?? entry.AccountServicerReference),
            Text.BankIdentifier(tx?.EndToEndId),
            Text.BankIdentifier(tx?.StructuredReference),
            CreditorReference.FindIn(tx?.UnstructuredRemittance).Select(r => r.Value).FirstOrDefault(),
            Text.BankIdentifier(tx?.ReturnReasonCode),
            Text.BankIdentifier(tx?.BankTransactionCode ?? entry.BankTransactionCode ?? entry.ProprietaryBankTransactionCode),
            entry.BatchTransactionCount ?? (entry.IsBatchWithoutDetails ? 0 : 1),
            now,
            NamedReferences(tx),
            kind is PaymentKind.Return or PaymentKind.ReturnedTransfer ? ReturnCodes.Signal(entry, tx) : null);

        // For money in, the counterparty is the debtor; for money out (a return), the creditor.
        var (name, iban) = entry.Direction == CreditDebit.Credit
            ? (tx?.DebtorName, tx?.DebtorIban ?? tx?.DebtorAccountOther)
            : (tx?.CreditorName ?? tx?.DebtorName, tx?.CreditorIban ?? tx?.DebtorIban);
        var payer = name is null && iban is null && tx?.UnstructuredRemittance is null && tx?.UltimateDebtorName is null
            ? null
            : PayerDetails.Capped(paymentId, name, Text.BankIdentifier(iban), tx?.UnstructuredRemittance, tx?.UltimateDebtorName);
        return new RecordedTransaction(fact, payer);
    }

    /// <summary>
    /// Every valid RF a transfer names, each once: the structured references (there may be several <c>CdtrRefInf</c>)
    /// first, then those the donor typed into the free text ("RF18 5390 … rf71 2348 231", spaces and lower case allowed).
    /// </summary>
    public static IReadOnlyList<string> NamedReferences(CamtTransaction? tx)
    {
        if (tx is null) return [];
        var structured = (tx.StructuredReferences ?? (tx.StructuredReference is null ? [] : [tx.StructuredReference]))
            .Select(MatchingDecision.Normalize).OfType<string>();
        var inText = CreditorReference.FindIn(tx.UnstructuredRemittance).Select(r => r.Value);
        return structured.Concat(inText).Distinct().Take(20).ToList();
    }

    /// <summary>
    /// Money out marked as a return (<c>RvslInd</c>, <c>RtrInf</c>, or only its bank transaction code, see
    /// <see cref="ReturnCodes"/>) takes money back from a donation; other debits never touch donations. Money in
    /// marked the same way is ours coming back (a returned transfer): never a donation. Other credits are candidates;
    /// a batch without details cannot be matched per donation.
    /// </summary>
    public static PaymentKind Classify(CamtEntry entry, CamtTransaction? tx)
    {
        if (entry.IsBatchWithoutDetails) return PaymentKind.BatchWithoutDetails;
        var isReturn = ReturnCodes.Signal(entry, tx) is not null;
        if (entry.Direction == CreditDebit.Debit) return isReturn ? PaymentKind.Return : PaymentKind.Debit;
        return isReturn ? PaymentKind.ReturnedTransfer : PaymentKind.Credit;
    }
}
