using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Receipts.Issuing;

/// <summary>
/// A receipt as a frozen fact: exactly what was printed (DESIGN §6). The donor's name and address as of
/// that moment are in <see cref="ProtectedDonor"/>, encrypted with the donor's own key (DESIGN §9): erasing the
/// key erases the person while every amount stays replayable.
/// </summary>
public sealed record ReceiptIssued(
    string Number,
    int Year,
    int Sequence,
    ReceiptKind Kind,
    string AppealId,
    IReadOnlyList<ReceiptLine> Lines,
    Money Amount,
    string AmountInWords,
    DateOnly DonationDate,
    DateOnly? PeriodFrom,
    DateOnly? PeriodTo,
    Guid DonorId,
    string ProtectedDonor,
    Issuer Issuer,
    string PurposeText,
    string Place,
    DateOnly IssueDate,
    string Signatory,
    bool WaiverOfReimbursement,
    string TemplateVersion,
    string? ReplacesNumber,
    DateTimeOffset IssuedAt);

/// <summary>The receipt's number now stands for this donation (one valid receipt per donation at a time).</summary>
public sealed record ReceiptAssigned(Guid DonationId, string Number, DateTimeOffset AssignedAt);

/// <summary>The donor asked for a receipt after pledging (donor link).</summary>
public sealed record ReceiptRequested(Guid DonationId, Guid DonorId, DateTimeOffset RequestedAt);

public sealed record ReceiptMailed(string Number, DateTimeOffset MailedAt);

/// <summary>The donor as printed: name and postal address at the moment of issue.</summary>
public sealed record PrintedDonor(string Name, string Street, string PostalCode, string City, string Country);
