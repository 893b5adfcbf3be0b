using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Documents.ProofOfUse;

/// <summary>
/// Read model of one allocation's proof of use (Verwendungsnachweis, DESIGN §7): the narrative
/// report (Sachbericht) and the numerical proof with the voucher list (Belegliste).
/// Rendered by <see cref="ProofOfUseCsv"/> and <see cref="ProofOfUsePdf"/>; both are pure functions of this record.
/// </summary>
/// <param name="Status">"offen", "eingereicht", "angenommen" or "abgelehnt"; anything else is printed as given.</param>
/// <param name="NarrativeReport">Sachbericht; paragraphs separated by blank lines, may be null when not yet submitted.</param>
/// <param name="GeneratedAt">When the document was produced ("Stand").</param>
/// <param name="AsOf">Set for a historic view (DESIGN §8): the moment the data reflects ("Stand zum").</param>
public sealed record ProofOfUseDocument(
    Guid AllocationId, string AppealTitle, string IssuerName, string MunicipalityId, string MunicipalityName,
    string? PurposeName, Money Allocated, Money Disbursed, Money Spent, Money ReturnedUnused, Money Open,
    string DecisionReference, DateOnly DecidedOn, DateOnly Deadline, string Status /* "offen", "eingereicht", "angenommen", "abgelehnt" */,
    string? NarrativeReport /* Sachbericht, may be multi-paragraph */, DateTimeOffset? SubmittedAt, string? ReviewRemarks,
    bool IsOverdue, IReadOnlyList<VoucherLine> Vouchers, DateTimeOffset GeneratedAt, DateTimeOffset? AsOf,
    DeclarationLines? Declaration = null);

/// <summary>
/// The signed declaration of a submitted proof (the three confirmations were given, or it could not have been
/// submitted): where, when, who and in which function.
/// </summary>
public sealed record DeclarationLines(string Place, DateOnly Date, string SignatoryName, string SignatoryFunction);

/// <summary>One item of the Belegliste.</summary>
/// <param name="DocumentSha256">Hex SHA-256 of the attached voucher document; null = no document attached.</param>
/// <param name="Withdrawn">Withdrawn items are listed and marked, but not summed.</param>
/// <param name="BeforeDecision">Dated before the allocation decision (accepted, flagged).</param>
/// <param name="Prefinanced">Reported before the money was disbursed: the municipality pre-financed it (allowed, marked).</param>
public sealed record VoucherLine(int Position, DateOnly Date, string Payee, string Reason, string PurposeName, Money Amount,
    string VoucherNumber, string? Facility, string? DocumentSha256 /* null = no document attached */, bool Withdrawn,
    bool BeforeDecision = false, bool Prefinanced = false)
{
    public bool HasDocument => !string.IsNullOrWhiteSpace(DocumentSha256);
}
