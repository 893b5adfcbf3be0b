using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Allocations;

/// <summary>Accept the submitted proof of use, or reject it with remarks (the clerk corrects and resubmits).</summary>
public sealed record ReviewProofOfUse(Guid AllocationId, bool Accept, string? Remarks, string? ReviewedBy, DateTimeOffset ReviewedAt);

public sealed record ProofOfUseAccepted(Guid AllocationId, string AppealId, string MunicipalityId, string? Remarks, string? ReviewedBy, DateTimeOffset ReviewedAt)
    : IEventOf<Allocation>, IAllocationEvent;

public sealed record ProofOfUseRejected(Guid AllocationId, string AppealId, string MunicipalityId, string Remarks, string? ReviewedBy, DateTimeOffset ReviewedAt)
    : IEventOf<Allocation>, IAllocationEvent;

public static partial class AllocationDecider
{
    public static IReadOnlyList<object> Decide(ReviewProofOfUse c, Allocation? allocation)
    {
        var a = Existing(allocation, c.AllocationId);
        if (c.Accept && a.ProofStatus == ProofStatus.Accepted) return [];
        if (a.ProofStatus != ProofStatus.Submitted) throw DomainException.Conflict("There is no submitted proof of use to review.");
        if (!c.Accept && string.IsNullOrWhiteSpace(c.Remarks)) throw DomainException.Invalid("remarks", "A rejection needs remarks.");
        return c.Accept
            ? [new ProofOfUseAccepted(a.Id, a.AppealId, a.MunicipalityId, c.Remarks, c.ReviewedBy, c.ReviewedAt)]
            : [new ProofOfUseRejected(a.Id, a.AppealId, a.MunicipalityId, c.Remarks!, c.ReviewedBy, c.ReviewedAt)];
    }
}
