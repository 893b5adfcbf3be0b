using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Funds.Allocating;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Projections.Replaying;
using JasperFx.Events;

namespace FlutHilfe.Projections.Municipalities;

/// <summary>Money of one purpose line (or "any" for allocations without purpose).</summary>
public sealed record PurposeAmounts(Money Allocated, Money Disbursed, Money Spent, Money Returned)
{
    public static readonly PurposeAmounts Zero = new(Money.Zero, Money.Zero, Money.Zero, Money.Zero);
    public Money Open => Allocated - Spent - Returned;
}

public sealed record AllocationSummary(Guid AllocationId, string? PurposeId, Money Allocated, Money Disbursed, Money Spent, Money Returned,
    string ProofStatus, int ItemsWithoutDocument, string DecisionReference, DateOnly DecidedOn);

/// <summary>
/// What one municipality received and accounted for in one appeal: allocated (net of withdrawals), disbursed,
/// spent, returned, open — in total, per purpose and per allocation. Read-only: maintained by the async daemon.
/// </summary>
public sealed record MunicipalityBalance : IReadModel<MunicipalityBalance, IAllocationEvent>
{
    /// <summary><c>{appealId}|{municipalityId}</c></summary>
    public string Id { get; init; } = "";
    public string AppealId { get; init; } = "";
    public string MunicipalityId { get; init; } = "";
    public Money Allocated { get; init; }
    public Money Disbursed { get; init; }
    public Money Spent { get; init; }
    public Money Returned { get; init; }
    public Money Open => Allocated - Spent - Returned;
    public int ItemsWithoutDocument { get; init; }
    public IReadOnlyDictionary<string, PurposeAmounts> PerPurpose { get; init; } = new Dictionary<string, PurposeAmounts>();
    public IReadOnlyList<AllocationSummary> Allocations { get; init; } = [];

    public static string IdFor(string appealId, string municipalityId) => $"{appealId}|{municipalityId}";

    public const string AnyPurpose = "any";

    /// <summary>The fold, shared by the daemon projection and the as-of replay.</summary>
    public static MunicipalityBalance? Fold(MunicipalityBalance? snapshot, string id, IEvent e)
    {
        var b = snapshot ?? New(id);
        return e.Data switch
        {
            FundsAllocated x => b with
            {
                Allocated = b.Allocated + x.Amount,
                PerPurpose = b.PerPurpose.With(x.PurposeId ?? AnyPurpose, PurposeAmounts.Zero, p => p with { Allocated = p.Allocated + x.Amount }),
                Allocations = [.. b.Allocations, new AllocationSummary(x.AllocationId, x.PurposeId, x.Amount, Money.Zero, Money.Zero, Money.Zero, "open", 0, x.DecisionReference, x.DecidedOn)],
            },
            AllocationWithdrawn x => WithAllocation(b with { Allocated = b.Allocated - x.Amount }, x.AllocationId,
                a => a with { Allocated = a.Allocated - x.Amount }, (p, a) => p with { Allocated = p.Allocated - x.Amount }),
            FundsDisbursed x => WithAllocation(b with { Disbursed = b.Disbursed + x.Amount }, x.AllocationId,
                a => a with { Disbursed = a.Disbursed + x.Amount }, (p, a) => p with { Disbursed = p.Disbursed + x.Amount }),
            DisbursementReturned x => WithAllocation(b with { Disbursed = b.Disbursed - x.Amount }, x.AllocationId,
                a => a with { Disbursed = a.Disbursed - x.Amount }, (p, a) => p with { Disbursed = p.Disbursed - x.Amount }),
            UnusedFundsReturned x => WithAllocation(b with { Returned = b.Returned + x.Amount }, x.AllocationId,
                a => a with { Returned = a.Returned + x.Amount }, (p, a) => p with { Returned = p.Returned + x.Amount }),
            SpendingReported x => WithAllocation(b with { Spent = b.Spent + x.Amount, ItemsWithoutDocument = b.ItemsWithoutDocument + (x.Document is null ? 1 : 0) },
                x.AllocationId, a => a with { Spent = a.Spent + x.Amount, ItemsWithoutDocument = a.ItemsWithoutDocument + (x.Document is null ? 1 : 0) },
                (p, a) => p with { Spent = p.Spent + x.Amount }),
            SpendingWithdrawn x => WithAllocation(b with { Spent = b.Spent - x.Amount }, x.AllocationId,
                a => a with { Spent = a.Spent - x.Amount }, (p, a) => p with { Spent = p.Spent - x.Amount }),
            ProofOfUseSubmitted x => WithAllocation(b, x.AllocationId, a => a with { ProofStatus = "submitted" }, null),
            ProofOfUseAccepted x => WithAllocation(b, x.AllocationId, a => a with { ProofStatus = "accepted" }, null),
            ProofOfUseRejected x => WithAllocation(b, x.AllocationId, a => a with { ProofStatus = "rejected" }, null),
            _ => snapshot,
        };
    }

    /// <summary>Which balance an event touches: its municipality's in its appeal.</summary>
    public static IReadOnlyList<string> IdsFor(IAllocationEvent e) => [IdFor(e.AppealId, e.MunicipalityId)];

    private static MunicipalityBalance New(string id)
    {
        var separator = id.IndexOf('|', StringComparison.Ordinal);
        return new MunicipalityBalance { Id = id, AppealId = id[..separator], MunicipalityId = id[(separator + 1)..] };
    }

    private static MunicipalityBalance WithAllocation(MunicipalityBalance b, Guid allocationId, Func<AllocationSummary, AllocationSummary> change,
        Func<PurposeAmounts, AllocationSummary, PurposeAmounts>? perPurpose)
    {
        var allocation = b.Allocations.FirstOrDefault(a => a.AllocationId == allocationId);
        if (allocation is null) return b;
        var result = b with { Allocations = b.Allocations.Select(a => a.AllocationId == allocationId ? change(a) : a).ToList() };
        return perPurpose is null ? result : result with { PerPurpose = result.PerPurpose.With(allocation.PurposeId ?? AnyPurpose, PurposeAmounts.Zero, p => perPurpose(p, allocation)) };
    }
}

/// <summary>Kept by the async daemon from the events of every allocation.</summary>
public sealed partial class MunicipalityBalanceProjection : ReadModelProjection<MunicipalityBalance, IAllocationEvent>;
