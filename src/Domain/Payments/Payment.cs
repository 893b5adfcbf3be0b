using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Payments;

public enum PaymentKind
{
    /// <summary>Money in: a candidate for a donation.</summary>
    Credit,
    /// <summary>Money the bank took back from a donation (return or reversal).</summary>
    Return,
    /// <summary>Other money out: recorded, never touches donations.</summary>
    Debit,
    /// <summary>A batch booked without transaction details: cannot be matched per donation.</summary>
    BatchWithoutDetails,
    /// <summary>
    /// Money of ours coming back: a transfer we sent that was returned (<c>PMNT/ICDT/RRTN</c>, DK GVC 159 as a credit,
    /// a credit with <c>RtrInf</c>) or a reversed debit. Never a donation; it waits visibly for the treasury until
    /// money-out handling books it against the transfer it belongs to.
    /// </summary>
    ReturnedTransfer,
}

public enum PaymentStatus
{
    Unmatched,
    Matched,
    /// <summary>Debits that are not returns, and our own transfers applied to their orders: nothing to match.</summary>
    NotApplicable,
}

public enum MatchMethod
{
    StructuredReference,
    ReferenceInRemittanceText,
    EndToEndId,
    Treasurer,
    BookedAsDonation,
    /// <summary>A transfer naming several pledges whose outstanding amounts add up to it exactly, split across them.</summary>
    SplitByReferences,
    /// <summary>A return matched to the payment it gives back by the EndToEndId both carry.</summary>
    OriginalPaymentByEndToEndId,
    /// <summary>A return matched to the one earlier payment of the same amount from the same IBAN.</summary>
    OriginalPaymentByPayerIban,
    /// <summary>A return matched to the one earlier payment of the same amount from a payer of the same name.</summary>
    OriginalPaymentByPayerName,
}

/// <summary>One booked bank transaction (one <c>TxDtls</c>), as a fact. Payer data lives in <c>PayerDetails</c>.</summary>
public sealed record BankTransactionRecorded(
    Guid PaymentId,
    string AppealId,
    string TransactionKey,
    string StatementId,
    string AccountIban,
    PaymentKind Kind,
    bool Reversal,
    Money Amount,
    DateOnly BookingDate,
    DateOnly? ValueDate,
    string? AccountServicerReference,
    string? EndToEndId,
    string? StructuredReference,
    /// <summary>A valid RF reference found in the free remittance text (the text itself is personal data).</summary>
    string? ReferenceInText,
    string? ReturnReasonCode,
    string? BankTransactionCode,
    int BatchTransactionCount,
    DateTimeOffset RecordedAt,
    /// <summary>Every valid RF the transfer names (structured references first, then those typed into the text),
    /// each once. Absent on facts recorded before several references were kept.</summary>
    IReadOnlyList<string>? NamedReferences = null,
    /// <summary>What marked a return or returned transfer: RvslInd, RtrInf, BkTxCd/Domn or BkTxCd/Prtry.</summary>
    string? ReturnSignal = null) : IEventOf<Payment>, IAppealEvent;

/// <param name="ReturnOf">For a return: the payment it gives back, when it was found.</param>
public sealed record PaymentMatched(Guid PaymentId, Guid DonationId, MatchMethod Method, string? MatchedBy, DateTimeOffset MatchedAt, Guid? ReturnOf = null) : IEventOf<Payment>;

public sealed record PaymentUnmatched(Guid PaymentId, Guid DonationId, string Reason, string? UnmatchedBy, DateTimeOffset UnmatchedAt) : IEventOf<Payment>;

/// <summary>One donation's share of a payment booked on several donations.</summary>
public sealed record PaymentPart(Guid DonationId, Money Amount);

/// <summary>
/// A payment booked on several donations at once (a transfer naming several pledges, or the return of such a
/// transfer). Each donation stream gets its own fact for its part; the parts add up to the payment.
/// </summary>
public sealed record PaymentSplit(Guid PaymentId, IReadOnlyList<PaymentPart> Parts, MatchMethod Method, string? SplitBy, DateTimeOffset SplitAt, Guid? ReturnOf = null)
    : IEventOf<Payment>;

/// <summary>A split undone as a whole: every part leaves its donation and the payment waits in the queue again.</summary>
public sealed record PaymentSplitUndone(Guid PaymentId, IReadOnlyList<PaymentPart> Parts, string Reason, string? UndoneBy, DateTimeOffset UndoneAt) : IEventOf<Payment>;

/// <summary>State of one bank transaction and its match, folded by <see cref="PaymentDecider.Evolve"/>; also the reconciliation queue's read model.</summary>
public sealed record Payment
{
    public Guid Id { get; init; }
    public string AppealId { get; init; } = "";
    public string TransactionKey { get; init; } = "";
    public string StatementId { get; init; } = "";
    public PaymentKind Kind { get; init; }
    public bool Reversal { get; init; }
    public Money Amount { get; init; }
    public long AmountCents { get; init; }
    public DateOnly BookingDate { get; init; }
    public DateOnly? ValueDate { get; init; }
    public string? EndToEndId { get; init; }
    public string? StructuredReference { get; init; }
    public string? ReferenceInText { get; init; }
    /// <summary>Every valid RF the transfer names (see <see cref="BankTransactionRecorded.NamedReferences"/>).</summary>
    public IReadOnlyList<string> NamedReferences { get; init; } = [];
    public string? ReturnReasonCode { get; init; }
    public string? ReturnSignal { get; init; }
    public string? BankTransactionCode { get; init; }
    public int BatchTransactionCount { get; init; }
    public PaymentStatus Status { get; init; }
    /// <summary>The donation when the payment is matched to one; null when unmatched or split.</summary>
    public Guid? DonationId { get; init; }
    /// <summary>The stored parts of the match (absent in snapshots written before splits existed: see <see cref="Parts"/>).</summary>
    public IReadOnlyList<PaymentPart> MatchParts { get; init; } = [];

    /// <summary>Where the money went: one part for a plain match, several for a split, none when unmatched.</summary>
    public IReadOnlyList<PaymentPart> Parts => MatchParts.Count > 0 ? MatchParts
        : Status == PaymentStatus.Matched && DonationId is { } donation ? [new PaymentPart(donation, Amount)] : [];
    public MatchMethod? Method { get; init; }
    public Guid? ReturnOf { get; init; }
    /// <summary>For our own transfers (a debit that paid one, a credit that brought one back): the allocation and the order.</summary>
    public Guid? AllocationId { get; init; }
    public Guid? DisbursementId { get; init; }
    public DateTimeOffset RecordedAt { get; init; }

    public bool IsSplit => Parts.Count > 1;
}

/// <summary>
/// Personal data of a bank transaction (payer name, IBAN, free text), kept out of the event log. Texts are capped at
/// their SEPA lengths (names 70, remittance text 140); the lengths the bank delivered are kept beside them.
/// </summary>
public sealed record PayerDetails(Guid Id, string? Name, string? Iban, string? RemittanceText, string? UltimateDebtorName,
    int? NameLength = null, int? RemittanceTextLength = null, int? UltimateDebtorNameLength = null)
{
    public const int NameLengthMax = 70;
    public const int RemittanceTextLengthMax = 140;

    /// <summary>The name reduced for comparison: SEPA form, upper case, its words sorted, so that "Jürgen Müller",
    /// "MUELLER, JUERGEN" and "Müller Jürgen" compare equal (banks write names in either order). Indexed.</summary>
    public string? NameKey => KeyFor(Name);

    public static string? KeyFor(string? name)
    {
        if (name is null) return null;
        var words = SepaText.ForPayload(name).ToUpperInvariant()
            .Split(' ', '/', '-', '?', ':', '(', ')', '.', ',', '\'', '+')
            .Where(w => w.Length > 0).Order(StringComparer.Ordinal);
        var key = string.Join(' ', words);
        return key.Length == 0 ? null : key;
    }

    /// <summary>Caps imported texts and notes the lengths the bank delivered.</summary>
    public static PayerDetails Capped(Guid id, string? name, string? iban, string? remittanceText, string? ultimateDebtorName)
    {
        var (cappedName, nameLength) = Text.Capped(name, NameLengthMax);
        var (cappedText, textLength) = Text.Capped(remittanceText, RemittanceTextLengthMax);
        var (cappedUltimate, ultimateLength) = Text.Capped(ultimateDebtorName, NameLengthMax);
        return new PayerDetails(id, cappedName, iban, cappedText, cappedUltimate, nameLength, textLength, ultimateLength);
    }
}
