using FlutHilfe.Domain.Funds.Allocating;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Allocations;

/// <summary>The unspent, undisbursed part of an allocation goes back to the funds it came from.</summary>
public sealed record AllocationWithdrawn(Guid AllocationId, string AppealId, string MunicipalityId, Money Amount, IReadOnlyList<FundDraw> Draws, string Reason, DateTimeOffset WithdrawnAt);

/// <summary>Money transferred to the municipality.</summary>
public sealed record FundsDisbursed(Guid AllocationId, string AppealId, string MunicipalityId, Guid DisbursementId, Money Amount, DateOnly PaidOn, string BankReference, DateTimeOffset RecordedAt);

/// <summary>Unused money the municipality paid back; it returns to the funds it came from.</summary>
public sealed record UnusedFundsReturned(Guid AllocationId, string AppealId, string MunicipalityId, Guid ReturnId, Money Amount, DateOnly ReturnedOn, string BankReference, IReadOnlyList<FundDraw> Draws, DateTimeOffset RecordedAt);

/// <summary>An attached voucher: only its fingerprint and where it is stored.</summary>
public sealed record VoucherDocument(Guid DocumentId, string Sha256, string ContentType, long SizeBytes, string FileName);

/// <summary>One spending item reported by the municipality; it draws on this allocation.</summary>
public sealed record SpendingReported(
    Guid AllocationId,
    string AppealId,
    string MunicipalityId,
    Guid ItemId,
    DateOnly Date,
    string Payee,
    bool PayeeIsOrganisation,
    string Reason,
    string PurposeId,
    Money Amount,
    string VoucherNumber,
    string? Facility,
    VoucherDocument? Document,
    string? ReportedBy,
    DateTimeOffset ReportedAt);

/// <summary>A correction: the item no longer counts. Resubmission is a new item.</summary>
public sealed record SpendingWithdrawn(Guid AllocationId, string AppealId, string MunicipalityId, Guid ItemId, Money Amount, string PurposeId, string Reason, DateTimeOffset WithdrawnAt);

/// <summary>The proof of use as submitted. <see cref="Declaration"/> is null in submissions made before it was required.</summary>
public sealed record ProofOfUseSubmitted(Guid AllocationId, string AppealId, string MunicipalityId, string NarrativeReport, Money Spent, int Items, string? SubmittedBy,
    DateTimeOffset SubmittedAt, ProofDeclaration? Declaration = null);

/// <summary>
/// The clerk's declaration signed with the proof of use: the money was used only for the purpose, necessarily,
/// economically and thriftily, and the figures agree with the books and vouchers (each confirmed explicitly);
/// where, when, who and in which function.
/// </summary>
public sealed record ProofDeclaration(
    bool UsedOnlyForPurpose,
    bool NecessaryEconomicalThrifty,
    bool FiguresAgreeWithBooks,
    string Place,
    DateOnly Date,
    string SignatoryName,
    string SignatoryFunction);

public sealed record ProofOfUseAccepted(Guid AllocationId, string AppealId, string MunicipalityId, string? Remarks, string? ReviewedBy, DateTimeOffset ReviewedAt);

public sealed record ProofOfUseRejected(Guid AllocationId, string AppealId, string MunicipalityId, string Remarks, string? ReviewedBy, DateTimeOffset ReviewedAt);
