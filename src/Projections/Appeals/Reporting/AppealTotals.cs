using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Donations.Pledging;
using FlutHilfe.Domain.Donations.Receiving;
using FlutHilfe.Domain.Donations.Reminding;
using FlutHilfe.Domain.Funds.Allocating;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Projections.Replaying;
using JasperFx.Events;

namespace FlutHilfe.Projections.Appeals.Reporting;

public sealed record MunicipalityTotals(Money Allocated, Money Spent, Money Returned);

/// <summary>The public figures of an appeal. No personal data: only sums and counts.</summary>
public sealed record AppealTotals : IReadModel<AppealTotals, IAppealEvent>
{
    public string Id { get; init; } = "";
    public Money Pledged { get; init; }
    public int Pledges { get; init; }
    /// <summary>Money received net of withdrawn matches (bank returns are shown separately).</summary>
    public Money Received { get; init; }
    public Money ReturnedByBank { get; init; }
    /// <summary>Donations registered: pledges plus payments booked as donations without pledge.</summary>
    public int Donations { get; init; }
    public Money Allocated { get; init; }
    public Money Spent { get; init; }
    public Money ReturnedByMunicipalities { get; init; }
    public IReadOnlyDictionary<string, MunicipalityTotals> PerMunicipality { get; init; } = new Dictionary<string, MunicipalityTotals>();

    public static IReadOnlyList<string> IdsFor(IAppealEvent e) => [e.AppealId];

    public static AppealTotals? Fold(AppealTotals? snapshot, string id, IEvent e)
    {
        var t = snapshot ?? new AppealTotals { Id = id };
        return e.Data switch
        {
            DonationPledged x => t with { Pledged = t.Pledged + x.Amount, Pledges = t.Pledges + 1, Donations = t.Donations + 1 },
            DonationBookedFromPayment => t with { Donations = t.Donations + 1 },
            // An expired pledge leaves "pledged" (and the counts); money that still arrives for it brings it back.
            PledgeExpired x => t with { Pledged = t.Pledged - x.Amount, Pledges = t.Pledges - 1, Donations = t.Donations - 1 },
            ExpiredPledgePaid x => t with { Pledged = t.Pledged + x.Amount, Pledges = t.Pledges + 1, Donations = t.Donations + 1 },
            DonationPaymentReceived x => t with { Received = t.Received + x.Amount },
            DonationPaymentWithdrawn x => t with { Received = t.Received - x.Amount },
            DonationPaymentReturned x => t with { ReturnedByBank = t.ReturnedByBank + x.Amount },
            FundsAllocated x => Municipality(t with { Allocated = t.Allocated + x.Amount }, x.MunicipalityId, m => m with { Allocated = m.Allocated + x.Amount }),
            AllocationWithdrawn x => Municipality(t with { Allocated = t.Allocated - x.Amount }, x.MunicipalityId, m => m with { Allocated = m.Allocated - x.Amount }),
            SpendingReported x => Municipality(t with { Spent = t.Spent + x.Amount }, x.MunicipalityId, m => m with { Spent = m.Spent + x.Amount }),
            SpendingWithdrawn x => Municipality(t with { Spent = t.Spent - x.Amount }, x.MunicipalityId, m => m with { Spent = m.Spent - x.Amount }),
            UnusedFundsReturned x => Municipality(t with { ReturnedByMunicipalities = t.ReturnedByMunicipalities + x.Amount }, x.MunicipalityId, m => m with { Returned = m.Returned + x.Amount }),
            _ => snapshot,
        };
    }

    private static AppealTotals Municipality(AppealTotals t, string municipalityId, Func<MunicipalityTotals, MunicipalityTotals> change)
        => t with { PerMunicipality = t.PerMunicipality.With(municipalityId, new MunicipalityTotals(Money.Zero, Money.Zero, Money.Zero), change) };
}

/// <summary>Kept by the async daemon; every event of an appeal is routed to its totals, the fold counts what it knows.</summary>
public sealed partial class AppealTotalsProjection : ReadModelProjection<AppealTotals, IAppealEvent>;
