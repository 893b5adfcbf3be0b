using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Allocations;

/// <summary>Submit the proof of use: the narrative report (Sachbericht) and the clerk's signed declaration.</summary>
public sealed record SubmitProofOfUse(Guid AllocationId, string NarrativeReport, string? SubmittedBy, ProofDeclaration? Declaration, DateTimeOffset SubmittedAt);

/// <summary>The proof of use as submitted. <see cref="Declaration"/> is null in submissions made before it was required.</summary>
public sealed record ProofOfUseSubmitted(Guid AllocationId, string AppealId, string MunicipalityId, string NarrativeReport, Money Spent, int Items, string? SubmittedBy,
    DateTimeOffset SubmittedAt, ProofDeclaration? Declaration = null) : IEventOf<Allocation>, IAllocationEvent;

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

public static partial class AllocationDecider
{
    public static IReadOnlyList<object> Decide(SubmitProofOfUse c, Allocation? allocation)
    {
        var a = Existing(allocation, c.AllocationId);
        if (a.ProofStatus == ProofStatus.Submitted && a.NarrativeReport == c.NarrativeReport && a.Declaration == c.Declaration) return [];
        var declaration = c.Declaration ?? throw DomainException.Invalid("declaration", "The proof of use needs the signed declaration.");
        if (!declaration.UsedOnlyForPurpose)
            throw DomainException.Invalid("declaration.usedOnlyForPurpose", "Confirm that the money was used only for the purpose of the allocation.");
        if (!declaration.NecessaryEconomicalThrifty)
            throw DomainException.Invalid("declaration.necessaryEconomicalThrifty", "Confirm that the spending was necessary and that the money was used economically and thriftily.");
        if (!declaration.FiguresAgreeWithBooks)
            throw DomainException.Invalid("declaration.figuresAgreeWithBooks", "Confirm that the figures agree with the books and the vouchers.");
        if (declaration.Date > DateOnly.FromDateTime(c.SubmittedAt.UtcDateTime).AddDays(1))
            throw DomainException.Invalid("declaration.date", "The declaration is dated in the future.");
        if (a.ProofStatus is ProofStatus.Submitted or ProofStatus.Accepted)
            throw DomainException.Conflict($"The proof of use is already {a.ProofStatus.ToString().ToLowerInvariant()}.");
        var items = a.Items.Count(i => !i.Withdrawn);
        return [new ProofOfUseSubmitted(a.Id, a.AppealId, a.MunicipalityId, c.NarrativeReport, a.Spent, items, c.SubmittedBy, c.SubmittedAt, declaration)];
    }

    /// <summary>
    /// Whether the proof of use is late: submitted (on <paramref name="submittedOn"/>, German calendar day) after the
    /// deadline, or still not submitted (open or rejected) after it.
    /// </summary>
    public static bool IsOverdue(ProofStatus status, DateOnly? submittedOn, DateOnly deadline, DateOnly today)
        => status switch
        {
            ProofStatus.Submitted or ProofStatus.Accepted => submittedOn is { } on && on > deadline,
            _ => today > deadline,
        };
}
