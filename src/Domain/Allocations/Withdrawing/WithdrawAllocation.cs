using FlutHilfe.Domain.Funds;
using FlutHilfe.Domain.Funds.Allocating;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Allocations;

/// <summary>Give back the unspent, undisbursed part of an allocation (all of it when <see cref="Amount"/> is null).</summary>
public sealed record WithdrawAllocation(Guid AllocationId, Money? Amount, string Reason, DateTimeOffset WithdrawnAt);

/// <summary>The unspent, undisbursed part of an allocation goes back to the funds it came from.</summary>
public sealed record AllocationWithdrawn(Guid AllocationId, string AppealId, string MunicipalityId, Money Amount, IReadOnlyList<FundDraw> Draws, string Reason,
    DateTimeOffset WithdrawnAt) : IEventOf<Allocation>, IAllocationEvent, IFundEvent
{
    public IEnumerable<Fund> Funds() => Draws.Select(d => d.Fund);
}

public static partial class AllocationDecider
{
    /// <summary>Only the unspent, undisbursed part can be withdrawn; it goes back to the funds it came from.</summary>
    public static IReadOnlyList<object> Decide(WithdrawAllocation c, Allocation? allocation)
    {
        var a = Existing(allocation, c.AllocationId);
        var withdrawable = a.Withdrawable;
        var amount = c.Amount ?? withdrawable;
        if (!amount.IsPositive) throw DomainException.Conflict("Nothing of this allocation can be withdrawn: it is disbursed or spent.", "amountCents");
        if (amount > withdrawable) throw DomainException.Conflict($"Only {withdrawable} of this allocation is neither disbursed nor spent.", "amountCents");
        return [new AllocationWithdrawn(a.Id, a.AppealId, a.MunicipalityId, amount, BackToFunds(a, amount), c.Reason, c.WithdrawnAt)];
    }
}
