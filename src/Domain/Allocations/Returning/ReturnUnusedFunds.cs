using FlutHilfe.Domain.Funds;
using FlutHilfe.Domain.Funds.Allocating;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Allocations;

/// <summary>Record unused money the municipality paid back. <see cref="ReturnId"/> makes a retry harmless.</summary>
public sealed record ReturnUnusedFunds(Guid AllocationId, Guid ReturnId, Money Amount, DateOnly ReturnedOn, string BankReference, DateTimeOffset RecordedAt);

/// <summary>Unused money the municipality paid back; it returns to the funds it came from.</summary>
public sealed record UnusedFundsReturned(Guid AllocationId, string AppealId, string MunicipalityId, Guid ReturnId, Money Amount, DateOnly ReturnedOn,
    string BankReference, IReadOnlyList<FundDraw> Draws, DateTimeOffset RecordedAt) : IEventOf<Allocation>, IAllocationEvent, IFundEvent
{
    public IEnumerable<Fund> Funds() => Draws.Select(d => d.Fund);
}

public static partial class AllocationDecider
{
    /// <summary>Money paid back can only be money that was disbursed and not spent.</summary>
    public static IReadOnlyList<object> Decide(ReturnUnusedFunds c, Allocation? allocation)
    {
        var a = Existing(allocation, c.AllocationId);
        if (a.ReturnIds.Contains(c.ReturnId)) return [];
        if (!c.Amount.IsPositive) throw DomainException.Invalid("amountCents", "The amount must be at least 1 cent.");
        var unused = a.Disbursed - a.Spent - a.ReturnedUnused;
        if (c.Amount > unused) throw DomainException.Conflict($"Only {unused} was disbursed and not spent.", "amountCents");
        return [new UnusedFundsReturned(a.Id, a.AppealId, a.MunicipalityId, c.ReturnId, c.Amount, c.ReturnedOn, c.BankReference, BackToFunds(a, c.Amount),
            c.RecordedAt)];
    }
}
