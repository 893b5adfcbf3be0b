using FlutHilfe.Domain.Funds;
using FlutHilfe.Domain.Funds.Allocating;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Allocations;

/// <summary>
/// Give back the unspent, undisbursed part of an allocation (all of it when <see cref="Amount"/> is null).
/// <see cref="WithdrawalId"/> makes a retry harmless.
/// </summary>
public sealed record WithdrawAllocation(Guid AllocationId, Guid WithdrawalId, Money? Amount, string Reason, DateTimeOffset WithdrawnAt);

/// <summary>
/// The unspent, undisbursed part of an allocation goes back to the funds it came from. <see cref="WithdrawalId"/> is the
/// command's operation id (last, optional: withdrawals recorded before it existed carry none).
/// </summary>
public sealed record AllocationWithdrawn(Guid AllocationId, string AppealId, string MunicipalityId, Money Amount, IReadOnlyList<FundDraw> Draws, string Reason,
    DateTimeOffset WithdrawnAt, Guid WithdrawalId = default) : IEventOf<Allocation>, IAllocationEvent, IFundEvent
{
    public IEnumerable<Fund> Funds() => Draws.Select(d => d.Fund);
}

public static partial class AllocationDecider
{
    /// <summary>
    /// Only the unspent, undisbursed part can be withdrawn; it goes back to the funds it came from. The same withdrawal
    /// again decides nothing, before any check (a retry answers like the first attempt, even when nothing is left now).
    /// </summary>
    public static IReadOnlyList<object> Decide(WithdrawAllocation c, Allocation? allocation)
    {
        var a = Existing(allocation, c.AllocationId);
        if (c.WithdrawalId == Guid.Empty) throw DomainException.Invalid("withdrawalId", "A withdrawal needs its own id.");
        if (a.WithdrawalIds.Contains(c.WithdrawalId)) return [];
        var withdrawable = a.Withdrawable;
        var amount = c.Amount ?? withdrawable;
        if (!amount.IsPositive) throw DomainException.Conflict("Nothing of this allocation can be withdrawn: it is disbursed or spent.", "amountCents");
        if (amount > withdrawable) throw DomainException.Conflict($"Only {withdrawable} of this allocation is neither disbursed nor spent.", "amountCents");
        return [new AllocationWithdrawn(a.Id, a.AppealId, a.MunicipalityId, amount, BackToFunds(a, amount), c.Reason, c.WithdrawnAt, c.WithdrawalId)];
    }
}
