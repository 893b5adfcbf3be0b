using FlutHilfe.Domain.Funds.Allocating;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Allocations;

/// <summary>
/// Every decision on an allocation's stream (DESIGN §3, §7): <c>Decide(command, allocation)</c>, pure, with ids and time
/// inside the command. A repeated command decides nothing; an illegal one is refused with a <see cref="DomainException"/>.
/// One part per feature folder: Funds/Allocating starts the stream; Allocations/Withdrawing, Disbursing, Returning;
/// Disbursing also orders transfers for SEPA payment files (PaymentFiles sends them); Spending/Reporting, Withdrawing; ProofOfUse/Submitting, Reviewing. The state is folded by <see cref="Evolve"/>.
/// </summary>
public static partial class AllocationDecider
{
    /// <summary>The one fold of an allocation's stream: Marten's snapshot, the command handlers and the specs use it.</summary>
    public static Allocation? Evolve(Allocation? allocation, object @event) => (allocation, @event) switch
    {
        (_, FundsAllocated e) => Started(e),
        ({ } a, AllocationWithdrawn e) => a with
        {
            Withdrawn = a.Withdrawn + e.Amount, Draws = Subtract(a.Draws, e.Draws),
            WithdrawalIds = e.WithdrawalId == Guid.Empty ? a.WithdrawalIds : [.. a.WithdrawalIds, e.WithdrawalId],
        },
        ({ } a, FundsDisbursed e) => a with
        {
            Disbursed = a.Disbursed + e.Amount,
            DisbursementIds = a.DisbursementIds.Contains(e.DisbursementId) ? a.DisbursementIds : [.. a.DisbursementIds, e.DisbursementId],
            Orders = a.Orders.Select(o => o.DisbursementId == e.DisbursementId
                ? o with { Status = DisbursementOrderStatus.Paid, Sendings = Sending(o, SendingOutcome.Paid) }
                : o).ToList(),
        },
        ({ } a, DisbursementReturned e) => a with
        {
            Disbursed = a.Disbursed - e.Amount,
            Orders = a.Orders.Select(o => o.DisbursementId == e.DisbursementId
                ? o with { Status = DisbursementOrderStatus.Ordered, Sendings = Sending(o, SendingOutcome.Returned, e.ReasonCode), PaymentFileId = null }
                : o).ToList(),
        },
        ({ } a, DisbursementRejected e) => a with
        {
            Orders = a.Orders.Select(o => o.DisbursementId == e.DisbursementId
                ? o with { Status = DisbursementOrderStatus.Ordered, Sendings = Sending(o, SendingOutcome.Rejected), PaymentFileId = null }
                : o).ToList(),
        },
        ({ } a, DisbursementOrdered e) => a with { Orders = [.. a.Orders, new DisbursementOrder(e.DisbursementId, e.Amount, e.Payee, e.RemittanceText, e.RecordedAt)] },
        ({ } a, DisbursementSentToBank e) => a with
        {
            Orders = a.Orders.Select(o => o.DisbursementId == e.DisbursementId
                ? o with
                {
                    Status = DisbursementOrderStatus.SentToBank, PaymentFileId = e.PaymentFileId, EndToEndId = e.EndToEndId, RequestedExecutionDate = e.RequestedExecutionDate,
                    Sendings = [.. o.SentIn, new OrderSending(e.PaymentFileId, SendingOutcome.Sent)],
                }
                : o).ToList(),
        },
        ({ } a, RecoveryClaimRaised e) => a with
        {
            RecoveryClaims = [.. a.RecoveryClaims, new RecoveryClaim(e.ClaimId, e.Amount, e.DueOn, e.Reference, e.Reason, e.RecordedAt, Money.Zero)],
        },
        ({ } a, RecoveryClaimSettled e) => a with
        {
            RecoveryClaims = a.RecoveryClaims.Select(r => r.ClaimId == e.ClaimId ? r with { Settled = r.Settled + e.Amount } : r).ToList(),
        },
        ({ } a, UnusedFundsReturned e) => a with { ReturnedUnused = a.ReturnedUnused + e.Amount, Draws = Subtract(a.Draws, e.Draws), ReturnIds = [.. a.ReturnIds, e.ReturnId] },
        ({ } a, SpendingReported e) => a with
        {
            Items = [.. a.Items, new SpendingItem(e.ItemId, e.Date, e.Payee, e.PayeeIsOrganisation, e.Reason, e.PurposeId, e.Amount, e.VoucherNumber, e.Facility,
                e.Document, e.ReportedAt, false, null, Prefinanced: a.Disbursed < a.Spent + e.Amount)],
        },
        ({ } a, SpendingWithdrawn e) => a with
        {
            Items = a.Items.Select(i => i.ItemId == e.ItemId ? i with { Withdrawn = true, WithdrawalReason = e.Reason } : i).ToList(),
        },
        ({ } a, ProofOfUseSubmitted e) => a with
        {
            ProofStatus = ProofStatus.Submitted, NarrativeReport = e.NarrativeReport, SubmittedAt = e.SubmittedAt, ReviewRemarks = null, Declaration = e.Declaration,
        },
        ({ } a, ProofOfUseAccepted e) => a with { ProofStatus = ProofStatus.Accepted, ReviewRemarks = e.Remarks },
        ({ } a, ProofOfUseRejected e) => a with { ProofStatus = ProofStatus.Rejected, ReviewRemarks = e.Remarks },
        ({ } a, ProofOfUseReminderSent e) => a with { RemindersSent = [.. a.RemindersSent, e.Stage] },
        _ => allocation,
    };

    /// <summary>The order's sendings with the outcome of the file it is in now (paid by hand before any file: none).</summary>
    private static IReadOnlyList<OrderSending> Sending(DisbursementOrder o, SendingOutcome outcome, string? reasonCode = null)
        => o.PaymentFileId is { } file
            ? o.SentIn.Select(s => s.PaymentFileId == file && s.Outcome is SendingOutcome.Sent or SendingOutcome.Paid ? s with { Outcome = outcome, ReasonCode = reasonCode } : s).ToList()
            : o.SentIn;

    private static Allocation Started(FundsAllocated e) => new()
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

    private static IReadOnlyList<FundDraw> Subtract(IReadOnlyList<FundDraw> draws, IReadOnlyList<FundDraw> taken)
        => draws.Select(d => d with { Amount = d.Amount - taken.Where(t => t.FundKey == d.FundKey).Aggregate(Money.Zero, (s, t) => s + t.Amount) })
            .ToList();

    /// <summary>The allocation the command addresses, or a 404 refusal.</summary>
    private static Allocation Existing(Allocation? allocation, Guid allocationId)
        => allocation ?? throw DomainException.NotFound($"No allocation {allocationId}.");

    /// <summary>Splits money going back over the funds the allocation still draws on, by largest remainder.</summary>
    public static IReadOnlyList<FundDraw> BackToFunds(Allocation a, Money amount)
    {
        var draws = a.Draws.Where(d => d.Amount.IsPositive).ToList();
        Invariant.That(draws.Count > 0, "An allocation with money left draws on at least one fund.");
        var parts = LargestRemainder.Allocate(amount, draws.Select(d => d.Amount.Cents).ToList());
        var back = draws.Select((d, i) => d with { Amount = parts[i] }).Where(d => d.Amount.IsPositive).ToList();
        Invariant.That(back.All(b => b.Amount <= draws.First(d => d.FundKey == b.FundKey).Amount), "Nothing goes back to a fund that it did not come from.");
        return back;
    }
}
