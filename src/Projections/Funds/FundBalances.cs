using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Receiving;
using FlutHilfe.Domain.EarmarkDecisions;
using FlutHilfe.Domain.Funds;
using FlutHilfe.Domain.Funds.Allocating;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Projections.Replaying;
using JasperFx.Events;

namespace FlutHilfe.Projections.Funds;

/// <summary>
/// Money per appeal and fund (DESIGN §3): available = confirmed − refunded − allocated + returned.
/// Kept inline, in the same transaction as each payment fact, so allocations can rely on it.
/// </summary>
public sealed record FundBalance : IReadModel<FundBalance, IFundEvent>
{
    /// <summary><c>{appealId}|{fundKey}</c></summary>
    public string Id { get; init; } = "";
    public string AppealId { get; init; } = "";
    public string FundKey { get; init; } = "";
    public string? MunicipalityId { get; init; }
    public string? PurposeId { get; init; }
    /// <summary>Money received from donors (matched payments).</summary>
    public Money Confirmed { get; init; }
    /// <summary>Money the bank took back (returns, reversals).</summary>
    public Money Refunded { get; init; }
    public Money Allocated { get; init; }
    /// <summary>Unused money municipalities paid back.</summary>
    public Money Returned { get; init; }
    public Money Available => Confirmed - Refunded - Allocated + Returned;
    /// <summary>
    /// The part of <see cref="Available"/> held for donors asked by an open earmark question: it stays in the fund but is spent
    /// on nothing else (no allocation, no further decision) until the question is answered or its default applied.
    /// </summary>
    public Money Held { get; init; }
    /// <summary>What may be allocated or decided on now.</summary>
    public Money Free => Available - Held;
    /// <summary>A bank return after allocation may overdraw a fund: recorded, and flagged to the treasurer.</summary>
    public bool IsOverdrawn => Available.IsNegative;
    public int Payments { get; init; }

    public Fund Fund => new(MunicipalityId, PurposeId);

    public static string IdFor(string appealId, Fund fund) => $"{appealId}|{fund.Key}";

    /// <summary>Which fund balances an event touches.</summary>
    public static IReadOnlyList<string> IdsFor(IFundEvent e) => e.Funds().Select(f => IdFor(e.AppealId, f)).Distinct().ToList();

    /// <summary>The fold, shared by the inline projection and the as-of replay.</summary>
    // No assertion on Available here: the allocation decision refuses overdrafts under the appeal lock, but a bank
    // return is an external fact that may land between that check and this projection and legitimately overdraw.
    public static FundBalance? Fold(FundBalance? snapshot, string id, IEvent e)
    {
        var b = snapshot ?? New(id);
        return e.Data switch
        {
            DonationPaymentReceived r => b with { Confirmed = b.Confirmed + Share(r.Allocation, b), Payments = b.Payments + 1 },
            DonationPaymentWithdrawn w => b with { Confirmed = b.Confirmed - Share(w.Allocation, b), Payments = b.Payments - 1 },
            DonationPaymentReturned r => b with { Refunded = b.Refunded + Share(r.Allocation, b) },
            FundsAllocated a => b with { Allocated = b.Allocated + Share(a.Draws, b) },
            AllocationWithdrawn w => b with { Allocated = b.Allocated - Share(w.Draws, b) },
            UnusedFundsReturned r => b with { Returned = b.Returned + Share(r.Draws, b) },
            // An earmark that cannot be met: a redirection moves the donor's confirmed money to another fund; a refund leaves the
            // fund when the donor chose it (committed to the donor like an ordered transfer).
            // Asking holds the money; the answer (or the default) releases it as it moves it.
            EarmarkQuestionAsked q when q.FundKey == b.FundKey => b with { Held = b.Held + q.Amount },
            EarmarkQuestionAnswered { Choice: EarmarkChoice.Refund } a when a.FromFundKey == b.FundKey => Released(b with { Refunded = b.Refunded + a.Amount }, a.Amount),
            EarmarkQuestionAnswered a when a.FromFundKey == b.FundKey => Released(b with { Confirmed = b.Confirmed - a.Amount }, a.Amount),
            EarmarkQuestionAnswered a when a.ToFundKey == b.FundKey => b with { Confirmed = b.Confirmed + a.Amount },
            _ => snapshot,
        };
    }

    /// <summary>
    /// The answer releases what its question held. Never below zero: a balance stored before questions held money (a store
    /// not rebuilt since) must not make the donor's answer fail; `audit verify` shows such a balance until it is rebuilt.
    /// </summary>
    private static FundBalance Released(FundBalance b, Money amount)
    {
        var held = b.Held - amount;
        return b with { Held = held.IsNegative ? Money.Zero : held };
    }

    private static FundBalance New(string id)
    {
        var separator = id.IndexOf('|', StringComparison.Ordinal);
        var fundKey = id[(separator + 1)..];
        var fund = Fund.FromKey(fundKey);
        return new FundBalance { Id = id, AppealId = id[..separator], FundKey = fundKey, MunicipalityId = fund.MunicipalityId, PurposeId = fund.PurposeId };
    }

    private static Money Share(IReadOnlyList<FundDraw> draws, FundBalance b)
        => draws.Where(d => d.FundKey == b.FundKey).Aggregate(Money.Zero, (sum, d) => sum + d.Amount);

    private static Money Share(IReadOnlyList<Earmark> allocation, FundBalance b)
        => allocation.Where(a => a.Fund.Key == b.FundKey).Aggregate(Money.Zero, (sum, a) => sum + a.Amount);
}

/// <summary>Kept inline: every event that moves money into or out of a fund updates that fund's balance.</summary>
public sealed partial class FundBalanceProjection : ReadModelProjection<FundBalance, IFundEvent>;
