using FlutHilfe.Api.Donations.Viewing;
using System.Security.Claims;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Pledging;
using FlutHilfe.Domain.Donations.Receiving;
using FlutHilfe.Domain.Donations.Tracing;
using FlutHilfe.Domain.EarmarkDecisions;
using FlutHilfe.Api.EarmarkDecisions;
using FlutHilfe.Domain.Funds.Allocating;
using FlutHilfe.Domain.Shared;
using Marten;
using Marten.Events;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace FlutHilfe.Api.Donations.Tracing;

public sealed record AttributionRuleView(string Name, int Version, string Description);

/// <summary>The part of a spending item this donation paid; the payee only when it is an organisation.</summary>
public sealed record TracedSpendingView(Guid ItemId, DateOnly Date, string PurposeId, string? PurposeName, string Reason, string? Payee, string? Facility, long AmountCents);

public sealed record TracedAllocationView(Guid AllocationId, string MunicipalityId, string MunicipalityName, string? PurposeId, string? PurposeName,
    string DecisionReference, DateOnly DecidedOn, IReadOnlyList<string> Funds, long AmountCents, long SpentCents, long UnspentCents,
    IReadOnlyList<TracedSpendingView> Spending);

public sealed record UnallocatedView(string Fund, long AmountCents, string FundName);

/// <summary>Money moved to another fund by the answer to an earmark question (<c>byDefault</c>: the appeal's default after the deadline).</summary>
public sealed record RedirectedView(Guid DecisionId, string FromFund, string FromFundName, string ToFund, string ToFundName, long AmountCents,
    DateOnly RedirectedOn, bool ByDefault, string? Reason);

/// <summary>Money given back to the donor at an earmark question (<c>paidOn</c>: when the statement showed the transfer; null while it waits).</summary>
public sealed record RefundedView(Guid DecisionId, string FromFund, string FromFundName, long AmountCents, DateOnly RefundedOn, DateOnly? PaidOn, string? Reason);

/// <summary>
/// Where a donation's money went: <c>paidCents</c> = Σ allocations' <c>amountCents</c> + <c>unallocatedCents</c> + <c>refundedCents</c>.
/// <c>redirected</c> says which money changed its fund by an earmark decision; it is counted where it is now.
/// </summary>
public sealed record DonationTraceView(Guid DonationId, string AppealId, AttributionRuleView Rule, long PaidCents, long AllocatedCents, long UnallocatedCents,
    long RefundedCents, IReadOnlyList<TracedAllocationView> Allocations, IReadOnlyList<UnallocatedView> Unallocated, IReadOnlyList<RedirectedView> Redirected,
    IReadOnlyList<RefundedView> Refunded);

public static class DonationTraceEndpoint
{
    public const string RuleDescription =
        "FIFO per fund: money enters its fund in booking order; allocations draw on the oldest money first; spending items consume an "
        + "allocation's money in the order it was drawn; money going back from an allocation is its newest and returns to its place in the fund; "
        + "an answer to an earmark question takes the donation's own money out of its fund (what waits there first) and puts a redirection into "
        + "its new fund as booked on the day of the answer, a refund out of every fund.";

    [WolverineGet("/api/donations/{donationId}/trace", OperationId = "traceDonation")]
    [AllowAnonymous]
    [EndpointSummary("Which allocations and spending items a donation's money funded, under the declared FIFO-per-fund rule (donor link's token, or auditor)")]
    [ProducesResponseType<DonationTraceView>(200)]
    [ProducesResponseType<ProblemDetails>(404)]
    public static async Task<DonationTraceView> Get(Guid donationId, string? token, ClaimsPrincipal user, IQuerySession session, DonorAccess access, CancellationToken ct)
    {
        var donation = await session.LoadAsync<Donation>(donationId, ct);
        var allowed = donation is not null && (user.IsInRole(Roles.Auditor) || access.Allows(token, donation));
        if (!allowed) throw DomainException.NotFound("No such donation.");
        return await TraceAsync(donation!, session, ct);
    }

    /// <summary>The trace from the log itself (no projection is read but the appeal's names), so a rebuild cannot change it.</summary>
    public static async Task<DonationTraceView> TraceAsync(Donation donation, IQuerySession session, CancellationToken ct)
    {
        Type[] moneyFacts =
        [
            typeof(DonationPaymentReceived), typeof(DonationPaymentWithdrawn), typeof(DonationPaymentReturned), typeof(FundsAllocated),
            typeof(AllocationWithdrawn), typeof(UnusedFundsReturned), typeof(SpendingReported), typeof(SpendingWithdrawn),
            typeof(EarmarkDecisionStarted), typeof(EarmarkQuestionAnswered), typeof(RefundPaid), typeof(RefundReturned),
        ];
        var events = await session.Events.QueryAllRawEvents().Where(e => e.EventTypesAre(moneyFacts)).OrderBy(e => e.Sequence).ToListAsync(ct);
        var log = events.Where(e => e.Data is IAppealEvent a ? a.AppealId == donation.AppealId : e.Data is EarmarkQuestionAnswered q && q.AppealId == donation.AppealId)
            .Select(e => new SequencedEvent(e.Sequence, e.Data));
        var trace = FifoAttribution.Trace(donation.Id, log);
        var appeal = await session.LoadAsync<Appeal>(AppealStream.IdFor(donation.AppealId), ct);
        string? Purpose(string? id) => id is null ? null : appeal?.FindPurpose(id)?.Name;
        string FundName(string key) => appeal is null ? key : AnswerEarmarkQuestionEndpoint.FundName(appeal, key);

        return new DonationTraceView(donation.Id, donation.AppealId, new AttributionRuleView(trace.Rule, trace.RuleVersion, RuleDescription), trace.Paid.Cents,
            trace.Allocated.Cents, trace.UnallocatedTotal.Cents, trace.Refunded.Cents,
            trace.Allocations.Select(a => new TracedAllocationView(a.AllocationId, a.MunicipalityId, appeal?.FindMunicipality(a.MunicipalityId)?.Name ?? a.MunicipalityId,
                a.PurposeId, Purpose(a.PurposeId), a.DecisionReference, a.DecidedOn, a.FundKeys, a.Amount.Cents, a.Spent.Cents, a.Unspent.Cents,
                a.Spending.Select(s => new TracedSpendingView(s.ItemId, s.Date, s.PurposeId, Purpose(s.PurposeId), s.Reason, s.Payee, s.Facility, s.Amount.Cents)).ToList()))
                .ToList(),
            trace.Unallocated.Select(r => new UnallocatedView(r.FundKey, r.Amount.Cents, FundName(r.FundKey))).ToList(),
            trace.Redirections.Select(r => new RedirectedView(r.DecisionId, r.FromFundKey, FundName(r.FromFundKey), r.ToFundKey, FundName(r.ToFundKey), r.Amount.Cents,
                r.On, r.ByDefault, r.Reason)).ToList(),
            trace.Refunds.Select(r => new RefundedView(r.DecisionId, r.FromFundKey, FundName(r.FromFundKey), r.Amount.Cents, r.On, r.PaidOn, r.Reason)).ToList());
    }
}
