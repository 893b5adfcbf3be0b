using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Receiving;
using FlutHilfe.Domain.Funds;
using FlutHilfe.Domain.Shared;
using JasperFx.Events;
using Marten.Events.Projections;

namespace FlutHilfe.Projections.Funds;

/// <summary>
/// Money per appeal and fund (DESIGN §3): available = confirmed − refunded − allocated + returned.
/// Kept inline, in the same transaction as each payment fact, so allocations can rely on it.
/// </summary>
public sealed record FundBalance
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
    /// <summary>A bank return after allocation may overdraw a fund: recorded, and flagged to the treasurer.</summary>
    public bool IsOverdrawn => Available.IsNegative;
    public int Payments { get; init; }

    public static string IdFor(string appealId, Fund fund) => $"{appealId}|{fund.Key}";
}

public sealed partial class FundBalanceProjection : MultiStreamProjection<FundBalance, string>
{
    public FundBalanceProjection()
    {
        Identities<DonationPaymentReceived>(e => Ids(e.AppealId, e.Allocation));
        Identities<DonationPaymentWithdrawn>(e => Ids(e.AppealId, e.Allocation));
        Identities<DonationPaymentReturned>(e => Ids(e.AppealId, e.Allocation));
    }

    private static IReadOnlyList<string> Ids(string appealId, IReadOnlyList<Earmark> allocation)
        => allocation.Select(a => FundBalance.IdFor(appealId, a.Fund)).Distinct().ToList();

    public override FundBalance? Evolve(FundBalance? snapshot, string id, IEvent e)
    {
        var balance = snapshot ?? New(id);
        return e.Data switch
        {
            DonationPaymentReceived r => balance with { Confirmed = balance.Confirmed + Share(r.Allocation, balance), Payments = balance.Payments + 1 },
            DonationPaymentWithdrawn w => balance with { Confirmed = balance.Confirmed - Share(w.Allocation, balance), Payments = balance.Payments - 1 },
            DonationPaymentReturned r => balance with { Refunded = balance.Refunded + Share(r.Allocation, balance) },
            _ => balance,
        };
    }

    private static FundBalance New(string id)
    {
        var separator = id.IndexOf('|', StringComparison.Ordinal);
        var fundKey = id[(separator + 1)..];
        string? municipality = null, purpose = null;
        foreach (var part in fundKey.Split('/'))
        {
            if (part.StartsWith("m:", StringComparison.Ordinal)) municipality = part[2..];
            if (part.StartsWith("p:", StringComparison.Ordinal)) purpose = part[2..];
        }
        return new FundBalance { Id = id, AppealId = id[..separator], FundKey = fundKey, MunicipalityId = municipality, PurposeId = purpose };
    }

    private static Money Share(IReadOnlyList<Earmark> allocation, FundBalance balance)
        => allocation.Where(a => a.Fund.Key == balance.FundKey).Aggregate(Money.Zero, (sum, a) => sum + a.Amount);
}
