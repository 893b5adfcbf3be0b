using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Allocations;

/// <summary>Record a transfer of allocated money to the municipality. <see cref="DisbursementId"/> makes a retry harmless.</summary>
public sealed record DisburseFunds(Guid AllocationId, Guid DisbursementId, Money Amount, DateOnly PaidOn, string BankReference, DateTimeOffset RecordedAt);

/// <summary>Money transferred to the municipality.</summary>
public sealed record FundsDisbursed(Guid AllocationId, string AppealId, string MunicipalityId, Guid DisbursementId, Money Amount, DateOnly PaidOn, string BankReference,
    DateTimeOffset RecordedAt) : IEventOf<Allocation>, IAllocationEvent;

public static partial class AllocationDecider
{
    public static IReadOnlyList<object> Decide(DisburseFunds c, Allocation? allocation)
    {
        var a = Existing(allocation, c.AllocationId);
        // The treasurer records that the bank paid an ordered transfer: once (the statement's debit may have confirmed it
        // already, see ConfirmingByStatement); a transfer paid, returned and sent again can be paid again.
        if (a.Orders.FirstOrDefault(o => o.DisbursementId == c.DisbursementId) is { } order)
        {
            if (order.Status == DisbursementOrderStatus.Paid) return [];
            if (!c.Amount.IsPositive) throw DomainException.Invalid("amountCents", "The amount must be at least 1 cent.");
            if (c.Amount != order.Amount)
                throw DomainException.Conflict($"The transfer {EndToEndIdOf(order.DisbursementId)} was ordered for {order.Amount}, not {c.Amount}.", "amountCents");
            return [new FundsDisbursed(a.Id, a.AppealId, a.MunicipalityId, c.DisbursementId, c.Amount, c.PaidOn, c.BankReference, c.RecordedAt)];
        }
        if (a.DisbursementIds.Contains(c.DisbursementId)) return [];
        if (!c.Amount.IsPositive) throw DomainException.Invalid("amountCents", "The amount must be at least 1 cent.");
        if (a.Disbursed + a.OrderedUnpaid + c.Amount > a.Net)
            throw DomainException.Conflict($"Disbursing {c.Amount} would exceed the allocation ({a.Disbursed} of {a.Net} already disbursed).", "amountCents");
        return [new FundsDisbursed(a.Id, a.AppealId, a.MunicipalityId, c.DisbursementId, c.Amount, c.PaidOn, c.BankReference, c.RecordedAt)];
    }
}
