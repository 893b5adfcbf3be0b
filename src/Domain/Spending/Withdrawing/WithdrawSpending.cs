using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Allocations;

/// <summary>Withdraw a spending item with a reason; it is reported anew as a new item.</summary>
public sealed record WithdrawSpending(Guid AllocationId, Guid ItemId, string Reason, DateTimeOffset WithdrawnAt);

/// <summary>A correction: the item no longer counts. Resubmission is a new item.</summary>
public sealed record SpendingWithdrawn(Guid AllocationId, string AppealId, string MunicipalityId, Guid ItemId, Money Amount, string PurposeId, string Reason,
    DateTimeOffset WithdrawnAt) : IEventOf<Allocation>, IAllocationEvent;

public static partial class AllocationDecider
{
    public static IReadOnlyList<object> Decide(WithdrawSpending c, Allocation? allocation)
    {
        var a = Existing(allocation, c.AllocationId);
        var item = a.Items.FirstOrDefault(i => i.ItemId == c.ItemId) ?? throw DomainException.NotFound($"No spending item {c.ItemId}.");
        if (item.Withdrawn) return [];
        if (a.ProofStatus is ProofStatus.Submitted or ProofStatus.Accepted)
            throw DomainException.Conflict("The proof of use is submitted or accepted: items cannot be withdrawn.");
        return [new SpendingWithdrawn(a.Id, a.AppealId, a.MunicipalityId, item.ItemId, item.Amount, item.PurposeId, c.Reason, c.WithdrawnAt)];
    }
}
