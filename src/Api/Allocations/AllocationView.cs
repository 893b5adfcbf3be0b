using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Shared;
using Marten;

namespace FlutHilfe.Api.Allocations;

public sealed record SpendingItemView(Guid ItemId, DateOnly Date, string Payee, bool PayeeIsOrganisation, string Reason, string PurposeId,
    long AmountCents, string VoucherNumber, string? Facility, string? DocumentSha256, bool Withdrawn, string? WithdrawalReason);

/// <summary>An allocation with its spending items: the answer of every command on an allocation.</summary>
public sealed record AllocationView(
    Guid AllocationId, string AppealId, string MunicipalityId, string? PurposeId, long AllocatedCents, long WithdrawnCents, long DisbursedCents,
    long SpentCents, long ReturnedCents, long OpenCents, string DecisionReference, DateOnly DecidedOn, string ProofStatus,
    IReadOnlyList<SpendingItemView> Items)
{
    public static AllocationView From(Allocation a) => new(
        a.Id, a.AppealId, a.MunicipalityId, a.PurposeId, a.Allocated.Cents, a.Withdrawn.Cents, a.Disbursed.Cents, a.Spent.Cents,
        a.ReturnedUnused.Cents, a.Open.Cents, a.DecisionReference, a.DecidedOn, a.ProofStatus.ToString().ToLowerInvariant(),
        a.Items.Select(i => new SpendingItemView(i.ItemId, i.Date, i.Payee, i.PayeeIsOrganisation, i.Reason, i.PurposeId, i.Amount.Cents,
            i.VoucherNumber, i.Facility, i.Document?.Sha256, i.Withdrawn, i.WithdrawalReason)).ToList());
}

public static class AllocationLookup
{
    /// <summary>The allocation (its inline snapshot), or a 404 refusal. Endpoints read it to check who may act before the command runs.</summary>
    public static async Task<Allocation> LoadAsync(IQuerySession session, Guid allocationId, CancellationToken ct)
        => await session.LoadAsync<Allocation>(allocationId, ct) ?? throw DomainException.NotFound($"No allocation {allocationId}.");
}
