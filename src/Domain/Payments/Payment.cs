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
}

public enum PaymentStatus
{
    Unmatched,
    Matched,
    /// <summary>Debits that are not returns: nothing to match.</summary>
    NotApplicable,
}

public enum MatchMethod
{
    StructuredReference,
    ReferenceInRemittanceText,
    EndToEndId,
    Treasurer,
    BookedAsDonation,
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
    DateTimeOffset RecordedAt);

public sealed record PaymentMatched(Guid PaymentId, Guid DonationId, MatchMethod Method, string? MatchedBy, DateTimeOffset MatchedAt);

public sealed record PaymentUnmatched(Guid PaymentId, Guid DonationId, string Reason, string? UnmatchedBy, DateTimeOffset UnmatchedAt);

/// <summary>State of one bank transaction and its match; also the reconciliation queue's read model.</summary>
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
    public string? ReturnReasonCode { get; init; }
    public int BatchTransactionCount { get; init; }
    public PaymentStatus Status { get; init; }
    public Guid? DonationId { get; init; }
    public MatchMethod? Method { get; init; }
    public DateTimeOffset RecordedAt { get; init; }

    public static Payment Create(BankTransactionRecorded e) => new()
    {
        Id = e.PaymentId,
        AppealId = e.AppealId,
        TransactionKey = e.TransactionKey,
        StatementId = e.StatementId,
        Kind = e.Kind,
        Reversal = e.Reversal,
        Amount = e.Amount,
        AmountCents = e.Amount.Cents,
        BookingDate = e.BookingDate,
        ValueDate = e.ValueDate,
        EndToEndId = e.EndToEndId,
        StructuredReference = e.StructuredReference,
        ReferenceInText = e.ReferenceInText,
        ReturnReasonCode = e.ReturnReasonCode,
        BatchTransactionCount = e.BatchTransactionCount,
        Status = e.Kind == PaymentKind.Debit ? PaymentStatus.NotApplicable : PaymentStatus.Unmatched,
        RecordedAt = e.RecordedAt,
    };

    public Payment Apply(PaymentMatched e) => this with { Status = PaymentStatus.Matched, DonationId = e.DonationId, Method = e.Method };

    public Payment Apply(PaymentUnmatched e) => this with { Status = PaymentStatus.Unmatched, DonationId = null, Method = null };
}

/// <summary>Personal data of a bank transaction (payer name, IBAN, free text), kept out of the event log.</summary>
public sealed record PayerDetails(Guid Id, string? Name, string? Iban, string? RemittanceText, string? UltimateDebtorName);
