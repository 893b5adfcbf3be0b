using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Donations;
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
    DateTimeOffset IssuedAt,
    PrintedUse? Use = null,
    string? MachineNote = null) : IEventOf<Receipt>, IAppealEvent;

/// <summary>
/// The receipt's number now covers these payments of the donation. <see cref="PaymentIds"/> is null in events written
/// before receipts covered payments: such a receipt covered every payment the donation had then.
/// </summary>
public sealed record ReceiptAssigned(Guid DonationId, string Number, DateTimeOffset AssignedAt, IReadOnlyList<Guid>? PaymentIds = null) : IEventOf<Donation>;

/// <summary>The donor asked for a receipt after pledging (donor link).</summary>
public sealed record ReceiptRequested(Guid DonationId, Guid DonorId, DateTimeOffset RequestedAt) : IEventOf<Donation>;

public sealed record ReceiptMailed(string Number, DateTimeOffset MailedAt) : IEventOf<Receipt>;

/// <summary>
/// The printed statement on the use of the gift (BMF template): used directly by the issuer, or passed on to
/// <see cref="Recipient"/> as the donor specified. <see cref="Exemption"/> is printed only for a recipient that is a
/// tax-exempt corporation (the template's "die/der vom Finanzamt … befreit ist").
/// </summary>
public sealed record PrintedUse(bool PassedOn, string? Recipient, Appeals.RecipientExemption? Exemption);

/// <summary>The donor as printed: name and postal address at the moment of issue.</summary>
public sealed record PrintedDonor(string Name, string Street, string PostalCode, string City, string Country);
