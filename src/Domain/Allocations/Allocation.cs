using FlutHilfe.Domain.Funds.Allocating;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Allocations;

public enum ProofStatus
{
    Open,
    Submitted,
    Accepted,
    Rejected,
}

/// <summary>
/// A spending item. <c>Prefinanced</c>: when it was reported, the money disbursed to the municipality did not cover it
/// (the municipality pre-financed it); decided in the fold, in event order.
/// </summary>
public sealed record SpendingItem(
    Guid ItemId,
    DateOnly Date,
    string Payee,
    bool PayeeIsOrganisation,
    string Reason,
    string PurposeId,
    Money Amount,
    string VoucherNumber,
    string? Facility,
    VoucherDocument? Document,
    DateTimeOffset ReportedAt,
    bool Withdrawn,
    string? WithdrawalReason,
    bool Prefinanced = false)
{
    /// <summary>Dated before the committee's allocation decision: accepted, but flagged for the treasurer.</summary>
    public bool BeforeDecision(DateOnly decidedOn) => Date < decidedOn;
}

/// <summary>State of one allocation, folded from its own stream (spending is serialized here).</summary>
public sealed record Allocation
{
    public Guid Id { get; init; }
    public string AppealId { get; init; } = "";
    public string MunicipalityId { get; init; } = "";
    public string? PurposeId { get; init; }
    public Money Allocated { get; init; }
    /// <summary>What is still drawn from each fund (after withdrawals and returns).</summary>
    public IReadOnlyList<FundDraw> Draws { get; init; } = [];
    public string DecisionReference { get; init; } = "";
    public DateOnly DecidedOn { get; init; }
    public DateTimeOffset AllocatedAt { get; init; }
    public Money Withdrawn { get; init; }
    public Money Disbursed { get; init; }
    public Money ReturnedUnused { get; init; }
    public IReadOnlyList<SpendingItem> Items { get; init; } = [];
    public ProofStatus ProofStatus { get; init; }
    public string? NarrativeReport { get; init; }
    public DateTimeOffset? SubmittedAt { get; init; }
    public ProofDeclaration? Declaration { get; init; }
    public string? ReviewRemarks { get; init; }
    public IReadOnlyList<Guid> DisbursementIds { get; init; } = [];
    public IReadOnlyList<Guid> ReturnIds { get; init; } = [];

    /// <summary>What the allocation is worth now.</summary>
    public Money Net => Allocated - Withdrawn;
    public Money Spent => Items.Where(i => !i.Withdrawn).Aggregate(Money.Zero, (s, i) => s + i.Amount);
    /// <summary>Money still to be spent or returned.</summary>
    public Money Open => Net - Spent - ReturnedUnused;

    public bool Permits(string purposeId) => PurposeId is null || PurposeId == purposeId;

    public static Allocation Create(FundsAllocated e) => new()
    {
        Id = e.AllocationId,
        AppealId = e.AppealId,
        MunicipalityId = e.MunicipalityId,
        PurposeId = e.PurposeId,
        Allocated = e.Amount,
        Draws = e.Draws,
        DecisionReference = e.DecisionReference,
        DecidedOn = e.DecidedOn,
        AllocatedAt = e.AllocatedAt,
    };

    public Allocation Apply(AllocationWithdrawn e) => this with { Withdrawn = Withdrawn + e.Amount, Draws = Subtract(Draws, e.Draws) };

    public Allocation Apply(FundsDisbursed e) => this with { Disbursed = Disbursed + e.Amount, DisbursementIds = [.. DisbursementIds, e.DisbursementId] };

    public Allocation Apply(UnusedFundsReturned e) => this with { ReturnedUnused = ReturnedUnused + e.Amount, Draws = Subtract(Draws, e.Draws), ReturnIds = [.. ReturnIds, e.ReturnId] };

    public Allocation Apply(SpendingReported e) => this with
    {
        Items = [.. Items, new SpendingItem(e.ItemId, e.Date, e.Payee, e.PayeeIsOrganisation, e.Reason, e.PurposeId, e.Amount, e.VoucherNumber, e.Facility, e.Document,
            e.ReportedAt, false, null, Prefinanced: Disbursed < Spent + e.Amount)],
    };

    public Allocation Apply(SpendingWithdrawn e) => this with
    {
        Items = Items.Select(i => i.ItemId == e.ItemId ? i with { Withdrawn = true, WithdrawalReason = e.Reason } : i).ToList(),
    };

    public Allocation Apply(ProofOfUseSubmitted e) => this with
    {
        ProofStatus = ProofStatus.Submitted, NarrativeReport = e.NarrativeReport, SubmittedAt = e.SubmittedAt, ReviewRemarks = null, Declaration = e.Declaration,
    };

    public Allocation Apply(ProofOfUseAccepted e) => this with { ProofStatus = ProofStatus.Accepted, ReviewRemarks = e.Remarks };

    public Allocation Apply(ProofOfUseRejected e) => this with { ProofStatus = ProofStatus.Rejected, ReviewRemarks = e.Remarks };

    private static IReadOnlyList<FundDraw> Subtract(IReadOnlyList<FundDraw> draws, IReadOnlyList<FundDraw> taken)
        => draws.Select(d => d with { Amount = d.Amount - taken.Where(t => t.FundKey == d.FundKey).Aggregate(Money.Zero, (s, t) => s + t.Amount) })
            .ToList();
}

public static class AllocationEvolution
{
    public static Allocation? Apply(Allocation? a, object e) => e switch
    {
        FundsAllocated x => Allocation.Create(x),
        AllocationWithdrawn x => a!.Apply(x),
        FundsDisbursed x => a!.Apply(x),
        UnusedFundsReturned x => a!.Apply(x),
        SpendingReported x => a!.Apply(x),
        SpendingWithdrawn x => a!.Apply(x),
        ProofOfUseSubmitted x => a!.Apply(x),
        ProofOfUseAccepted x => a!.Apply(x),
        ProofOfUseRejected x => a!.Apply(x),
        _ => a,
    };
}
