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

/// <summary>State of one allocation, folded from its own stream by <see cref="AllocationDecider.Evolve"/> (spending is serialized here).</summary>
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
    public IReadOnlyList<Guid> WithdrawalIds { get; init; } = [];
    /// <summary>Transfers approved for a SEPA payment file, in order; a paid one also counts in <see cref="Disbursed"/>.</summary>
    public IReadOnlyList<DisbursementOrder> Orders { get; init; } = [];
    /// <summary>Claims on money the municipality did not use (after the proof-of-use review).</summary>
    public IReadOnlyList<RecoveryClaim> RecoveryClaims { get; init; } = [];
    /// <summary>The steps of the proof-of-use deadline already taken (reminders, overdue notice), each once.</summary>
    public IReadOnlyList<ProofReminderStage> RemindersSent { get; init; } = [];

    /// <summary>What the allocation is worth now.</summary>
    public Money Net => Allocated - Withdrawn;
    public Money Spent => Items.Where(i => !i.Withdrawn).Aggregate(Money.Zero, (s, i) => s + i.Amount);
    /// <summary>Money still to be spent or returned.</summary>
    public Money Open => Net - Spent - ReturnedUnused;
    /// <summary>Ordered transfers the bank has not yet confirmed: committed, not yet disbursed.</summary>
    public Money OrderedUnpaid => Orders.Where(o => o.Status != DisbursementOrderStatus.Paid).Aggregate(Money.Zero, (s, o) => s + o.Amount);
    /// <summary>What can go back to the funds: neither disbursed nor ordered nor spent.</summary>
    public Money Withdrawable => Net - Disbursed - OrderedUnpaid < Open ? Net - Disbursed - OrderedUnpaid : Open;

    public bool Permits(string purposeId) => PurposeId is null || PurposeId == purposeId;
}
