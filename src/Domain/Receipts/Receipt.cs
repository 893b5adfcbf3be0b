using FlutHilfe.Domain.Receipts.Cancelling;
using FlutHilfe.Domain.Receipts.Issuing;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Receipts;

public enum ReceiptKind
{
    Single,
    Collective,
}

public enum ReceiptState
{
    Valid,
    Cancelled,
}

/// <summary>
/// One payment (a Zuwendung) on a receipt; a collective receipt lists several in its annex. <see cref="PaymentId"/> is
/// null on receipts issued before receipts covered payments: those lines stand for the whole donation.
/// </summary>
public sealed record ReceiptLine(Guid DonationId, DateOnly Date, Money Amount, Guid? PaymentId = null);

/// <summary>State of one receipt number, folded by <see cref="ReceiptDecider.Evolve"/>: its frozen facts and its fate. Also the register's read model.</summary>
public sealed record Receipt
{
    public Guid Id { get; init; }
    public string Number { get; init; } = "";
    public int Year { get; init; }
    public int Sequence { get; init; }
    public ReceiptKind Kind { get; init; }
    public string AppealId { get; init; } = "";
    public Money Amount { get; init; }
    public IReadOnlyList<ReceiptLine> Lines { get; init; } = [];
    /// <summary>The period a Sammelbestätigung states.</summary>
    public DateOnly? PeriodFrom { get; init; }
    public DateOnly? PeriodTo { get; init; }
    public DateOnly IssueDate { get; init; }
    public ReceiptState State { get; init; }
    public string? CancellationReason { get; init; }
    public DateTimeOffset? CancelledAt { get; init; }
    public string? ReplacesNumber { get; init; }
    public bool Mailed { get; init; }
    public Guid DonorId { get; init; }
}

public static class ReceiptStream
{
    /// <summary>One stream per number: starting a second stream for a number collides, so a number is never given twice.</summary>
    public static Guid IdFor(string number) => DeterministicId.For("receipt", number);
}

/// <summary>Receipt numbers: <c>YYYY-NNNNNN</c>, gapless per year.</summary>
public static class ReceiptNumber
{
    public const int SequenceMax = 999_999;

    public static string Format(int year, int sequence)
    {
        Invariant.That(sequence is > 0 and <= SequenceMax, "Receipt sequence within six digits.");
        return $"{year:0000}-{sequence:000000}";
    }

    public static bool IsWellFormed(string? number)
        => number is { Length: 11 } && number[4] == '-' && number[..4].All(char.IsAsciiDigit) && number[5..].All(char.IsAsciiDigit);
}
