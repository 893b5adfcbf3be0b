using FlutHilfe.Domain.Receipts;

namespace FlutHilfe.Api.Receipts;

/// <summary>A receipt number in the register: its state, and for a cancelled one the number that replaced it.</summary>
public sealed record ReceiptRegisterLine(string Number, int Sequence, string State, string Kind, long AmountCents, DateOnly IssueDate,
    int Donations, string? ReplacesNumber, string? ReplacedBy, string? CancellationReason, bool Mailed)
{
    public static ReceiptRegisterLine From(Receipt r, string? replacedBy) => new(r.Number, r.Sequence, r.State.ToString().ToLowerInvariant(),
        r.Kind.ToString().ToLowerInvariant(), r.Amount.Cents, r.IssueDate, r.Lines.Count, r.ReplacesNumber, replacedBy, r.CancellationReason, r.Mailed);
}

public sealed record ReceiptIssuedView(string Number, string PdfUrl)
{
    public static ReceiptIssuedView For(string number) => new(number, $"/api/receipts/{number}.pdf");
}
