namespace FlutHilfe.BankFiles;

/// <summary>Credit (money in, <c>CRDT</c>) or debit (money out, <c>DBIT</c>) from the account holder's view.</summary>
public enum CreditDebit
{
    Credit,
    Debit,
}

/// <summary>One parsed camt.053 document.</summary>
/// <param name="Version">Message version from the namespace, e.g. <c>"053.001.08"</c>.</param>
/// <param name="MessageId"><c>GrpHdr/MsgId</c>, if present.</param>
/// <param name="CreationDateTime"><c>GrpHdr/CreDtTm</c>, if present (no offset given → UTC assumed).</param>
/// <param name="Statements">All <c>Stmt</c> elements in document order (at least one).</param>
public sealed record CamtFile(
    string Version,
    string? MessageId,
    DateTimeOffset? CreationDateTime,
    IReadOnlyList<CamtStatement> Statements);

/// <param name="Position">1-based position of the statement in the file.</param>
/// <param name="StatementId"><c>Stmt/Id</c>.</param>
/// <param name="AccountId"><c>Acct/Id/IBAN</c> (spaces removed, upper case) or, without IBAN, <c>Acct/Id/Othr/Id</c>.</param>
/// <param name="AccountIdIsIban">True when <paramref name="AccountId"/> came from <c>Acct/Id/IBAN</c>.</param>
/// <param name="Currency"><c>Acct/Ccy</c>, if present (checked against the allowed currencies).</param>
/// <param name="ElectronicSequenceNumber"><c>ElctrncSeqNb</c>: the bank's running number of electronic statements of the
/// account (DK: counted per calendar year).</param>
/// <param name="LegalSequenceNumber"><c>LglSeqNb</c>: the number of the legal (paper) statement, if the bank gives it.</param>
/// <param name="FromDateTime"><c>FrToDt/FrDtTm</c>: start of the period the statement covers.</param>
/// <param name="ToDateTime"><c>FrToDt/ToDtTm</c>: end of that period.</param>
public sealed record CamtStatement(
    int Position,
    string StatementId,
    string AccountId,
    bool AccountIdIsIban,
    string? Currency,
    DateTimeOffset? CreationDateTime,
    IReadOnlyList<CamtBalance> Balances,
    IReadOnlyList<CamtEntry> Entries,
    long? ElectronicSequenceNumber = null,
    long? LegalSequenceNumber = null,
    DateTimeOffset? FromDateTime = null,
    DateTimeOffset? ToDateTime = null);

/// <param name="TypeCode"><c>Bal/Tp/CdOrPrtry/Cd</c> (or <c>Prtry</c>), e.g. OPBD, CLBD, PRCD.</param>
/// <param name="AmountCents">Signed hundredths of the currency unit: CRDT positive, DBIT negative.</param>
/// <param name="Currency"><c>Amt@Ccy</c>. Balances are informational and NOT checked against the allowed
/// currencies (some public fixtures mix SEK/CHF/JPY balances into EUR statements); compare before reconciling.</param>
public sealed record CamtBalance(string TypeCode, long AmountCents, string Currency, DateOnly Date);

/// <param name="Position">1-based position of the entry within its statement (NOT stable across statements).</param>
/// <param name="AmountCents">Entry amount in cents, never negative; see <paramref name="Direction"/>.</param>
/// <param name="Currency"><c>Amt@Ccy</c>; always one of the allowed currencies (default: EUR only).</param>
/// <param name="Status"><c>Sts</c> (.02 text) or <c>Sts/Cd</c> (.08), e.g. BOOK.</param>
/// <param name="BookingDate">Date part of <c>BookgDt/Dt</c> or <c>BookgDt/DtTm</c>. Required unless the status
/// is given and is not BOOK (pending/info entries may lack it).</param>
/// <param name="BankTransactionCode"><c>BkTxCd/Domn</c> as "PMNT/RCDT/ESCT", else <c>BkTxCd/Prtry/Cd</c>.</param>
/// <param name="ProprietaryBankTransactionCode"><c>BkTxCd/Prtry/Cd</c> (e.g. German GVC "NTRF+051").</param>
/// <param name="Transactions">Per <c>TxDtls</c>; one synthetic transaction when the entry has no details and is not a
/// batch; empty when <paramref name="IsBatchWithoutDetails"/>.</param>
/// <param name="IsBatchWithoutDetails">The entry is a batch (<c>Btch/NbOfTxs</c> &gt; 1) without <c>TxDtls</c>:
/// it cannot be matched per donation and must be kept as one unmatched item.</param>
/// <param name="BatchTransactionCount">Sum of <c>NtryDtls/Btch/NbOfTxs</c>, if any.</param>
/// <param name="ProprietaryBankTransactionCodeIssuer"><c>BkTxCd/Prtry/Issr</c>, e.g. DK (formerly ZKA) for German GVC codes.</param>
public sealed record CamtEntry(
    int Position,
    long AmountCents,
    string Currency,
    CreditDebit Direction,
    bool Reversal,
    string? Status,
    DateOnly? BookingDate,
    DateOnly? ValueDate,
    string? EntryReference,
    string? AccountServicerReference,
    string? BankTransactionCode,
    string? ProprietaryBankTransactionCode,
    string? AdditionalEntryInfo,
    IReadOnlyList<CamtTransaction> Transactions,
    bool IsBatchWithoutDetails,
    int? BatchTransactionCount,
    string? ProprietaryBankTransactionCodeIssuer = null)
{
    /// <summary>Signed amount: credits positive, debits negative; a reversal (<c>RvslInd</c>) does not change the sign
    /// because <c>CdtDbtInd</c> already states the direction of the correcting booking.</summary>
    public long SignedAmountCents => Direction == CreditDebit.Credit ? AmountCents : -AmountCents;

    /// <summary>False when the transactions' amounts do not add up to the entry amount (e.g. charges deducted or
    /// details in another currency): the caller should then not book per transaction automatically.</summary>
    public bool TransactionAmountsAddUp => IsBatchWithoutDetails || Transactions.Sum(t => t.AmountCents) == AmountCents;
}

/// <param name="Position">1-based position within the entry (stable across re-imports).</param>
/// <param name="AmountCents">From <c>TxDtls/AmtDtls/TxAmt/Amt</c>, else <c>TxDtls/Amt</c> — only when in the entry's
/// currency — else the entry amount when the entry has exactly one transaction.</param>
/// <param name="IsSynthetic">True when the entry had no <c>TxDtls</c> and this transaction stands for the whole entry.</param>
/// <param name="DebtorIban"><c>RltdPties/DbtrAcct/Id/IBAN</c>, spaces removed, upper case.</param>
/// <param name="DebtorAccountOther"><c>RltdPties/DbtrAcct/Id/Othr/Id</c> (e.g. a BBAN on German return bookings).</param>
/// <param name="StructuredReference">First non-placeholder <c>RmtInf/Strd/CdtrRefInf/Ref</c>, whatever its type.</param>
/// <param name="StructuredReferenceType"><c>CdtrRefInf/Tp/CdOrPrtry/Cd</c> (e.g. SCOR) or <c>Prtry</c> (e.g. QRR).</param>
/// <param name="UnstructuredRemittance">All <c>RmtInf/Ustrd</c>, each trimmed, joined with one space.</param>
/// <param name="ReturnReasonCode"><c>RtrInf/Rsn/Cd</c> (or <c>Prtry</c>), e.g. AC04, MD06.</param>
/// <param name="StructuredReferences">Every non-placeholder <c>RmtInf/Strd/CdtrRefInf/Ref</c> in document order (one
/// transfer may name several pledges); <paramref name="StructuredReference"/> is the first of them.</param>
/// <param name="ProprietaryBankTransactionCode"><c>TxDtls/BkTxCd/Prtry/Cd</c> (some banks give the GVC per transaction).</param>
/// <param name="ProprietaryBankTransactionCodeIssuer"><c>TxDtls/BkTxCd/Prtry/Issr</c>.</param>
/// <param name="HasReturnInformation">The transaction carries <c>RtrInf</c> (a return), even without a reason code.</param>
public sealed record CamtTransaction(
    int Position,
    long AmountCents,
    bool IsSynthetic,
    string? EndToEndId,
    string? MandateId,
    string? AccountServicerReference,
    string? DebtorName,
    string? DebtorIban,
    string? DebtorAccountOther,
    string? UltimateDebtorName,
    string? CreditorName,
    string? CreditorIban,
    string? StructuredReference,
    string? StructuredReferenceType,
    string? UnstructuredRemittance,
    string? ReturnReasonCode,
    string? BankTransactionCode,
    string? AdditionalTransactionInfo,
    IReadOnlyList<string>? StructuredReferences = null,
    string? ProprietaryBankTransactionCode = null,
    string? ProprietaryBankTransactionCodeIssuer = null,
    bool HasReturnInformation = false);
