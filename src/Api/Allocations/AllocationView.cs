using System.Security.Claims;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Shared;
using Marten;

namespace FlutHilfe.Api.Allocations;

public sealed record SpendingItemView(Guid ItemId, DateOnly Date, string Payee, bool PayeeIsOrganisation, string Reason, string PurposeId,
    long AmountCents, string VoucherNumber, string? Facility, string? DocumentSha256, bool Withdrawn, string? WithdrawalReason);

/// <summary>One payment file a transfer went into: <c>sent</c>, <c>paid</c>, <c>returned</c> (with the bank's reason code), <c>rejected</c>.</summary>
public sealed record OrderSendingView(Guid PaymentFileId, string Outcome, string? ReasonCode);

/// <summary>
/// A transfer ordered for a SEPA payment file: <c>ordered</c> (waiting for a file; also after a return or a refused file),
/// <c>sentToBank</c>, <c>paid</c>. <see cref="Sendings"/>: every file it went into and what became of it there.
/// </summary>
public sealed record DisbursementOrderView(Guid DisbursementId, long AmountCents, string PayeeName, string PayeeIban, string? PayeeBic, string RemittanceText,
    DateTimeOffset OrderedAt, string Status, Guid? PaymentFileId, string EndToEndId, DateOnly? RequestedExecutionDate, IReadOnlyList<OrderSendingView>? Sendings = null)
{
    public static DisbursementOrderView From(DisbursementOrder o) => new(o.DisbursementId, o.Amount.Cents, o.Payee.Name, o.Payee.Iban.Value, o.Payee.Bic?.Value,
        o.RemittanceText, o.OrderedAt, o.Status switch
        {
            DisbursementOrderStatus.Ordered => "ordered",
            DisbursementOrderStatus.SentToBank => "sentToBank",
            _ => "paid",
        }, o.PaymentFileId, AllocationDecider.EndToEndIdOf(o.DisbursementId), o.RequestedExecutionDate,
        o.SentIn.Select(s => new OrderSendingView(s.PaymentFileId, s.Outcome.ToString().ToLowerInvariant(), s.ReasonCode)).ToList());
}

/// <summary>An allocation with its spending items and ordered transfers: the answer of every command on an allocation.</summary>
public sealed record AllocationView(
    Guid AllocationId, string AppealId, string MunicipalityId, string? PurposeId, long AllocatedCents, long WithdrawnCents, long DisbursedCents,
    long SpentCents, long ReturnedCents, long OpenCents, string DecisionReference, DateOnly DecidedOn, string ProofStatus,
    IReadOnlyList<SpendingItemView> Items, long OrderedCents = 0, IReadOnlyList<DisbursementOrderView>? DisbursementOrders = null)
{
    public static AllocationView From(Allocation a) => new(
        a.Id, a.AppealId, a.MunicipalityId, a.PurposeId, a.Allocated.Cents, a.Withdrawn.Cents, a.Disbursed.Cents, a.Spent.Cents,
        a.ReturnedUnused.Cents, a.Open.Cents, a.DecisionReference, a.DecidedOn, a.ProofStatus.ToString().ToLowerInvariant(),
        a.Items.Select(i => new SpendingItemView(i.ItemId, i.Date, i.Payee, i.PayeeIsOrganisation, i.Reason, i.PurposeId, i.Amount.Cents,
            i.VoucherNumber, i.Facility, i.Document?.Sha256, i.Withdrawn, i.WithdrawalReason)).ToList(),
        a.OrderedUnpaid.Cents, a.Orders.Select(DisbursementOrderView.From).ToList());
}

public static class AllocationLookup
{
    /// <summary>
    /// The allocation (its inline snapshot) when <paramref name="user"/> may act on it: its own municipality's clerk, and
    /// with <paramref name="staffMayToo"/> treasury and audit; else a 404 or 403 refusal. Endpoints check this before the
    /// command runs (commands carry no caller).
    /// </summary>
    public static async Task<Allocation> LoadForAsync(IQuerySession session, Guid allocationId, ClaimsPrincipal user, bool staffMayToo, CancellationToken ct)
    {
        var allocation = await session.LoadAsync<Allocation>(allocationId, ct) ?? throw DomainException.NotFound($"No allocation {allocationId}.");
        Access.RequireMunicipality(user, allocation.MunicipalityId, staffMayToo);
        return allocation;
    }
}
