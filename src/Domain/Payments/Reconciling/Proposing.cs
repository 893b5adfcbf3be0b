using FlutHilfe.Domain.Donations;

namespace FlutHilfe.Domain.Payments;

/// <summary>Why a donation is proposed for a waiting payment (several may apply).</summary>
public enum ProposalReason
{
    /// <summary>The transfer names this pledge's reference (one of several that could not be split exactly).</summary>
    NamedInTransfer,
    /// <summary>An earlier payment from the same IBAN went to this donation or to another donation of the same donor.</summary>
    PayerIbanSeenBefore,
    /// <summary>An earlier payment from a payer of the same name went to this donation or to another of the same donor.</summary>
    PayerNameSeenBefore,
    /// <summary>The payment is exactly what the pledge still waits for.</summary>
    AmountEqualsOutstanding,
    /// <summary>The payment is exactly the pledged amount.</summary>
    AmountEqualsPledge,
    /// <summary>For a return: the donation received a payment of exactly the returned amount.</summary>
    AmountEqualsEarlierPayment,
}

/// <summary>An earlier payment by a payer with the same IBAN or name, and the donation it went to (with its donor).</summary>
public sealed record PayerHistoryItem(Guid DonationId, Guid? DonorId, bool SameIban, bool SameName);

/// <param name="DaysApart">Days between the pledge and the booking (closer ranks higher among otherwise equal ones).</param>
public sealed record Proposal(Donation Donation, IReadOnlyList<ProposalReason> Reasons, int DaysApart);

/// <summary>
/// Ranks candidate donations for a payment waiting in the reconciliation queue. Proposals are never applied by
/// themselves; the treasurer decides. Order: named in the transfer, then the payer's IBAN seen on earlier payments of
/// the same donor, then the payer's name, then the amount (outstanding before pledged), then how close the pledge
/// date is to the booking date.
/// </summary>
public static class Proposing
{
    public const int ProposalsMax = 5;

    public static IReadOnlyList<Proposal> Rank(Payment payment, IEnumerable<Donation> candidates, IReadOnlyList<PayerHistoryItem> history, int take = ProposalsMax)
    {
        if (payment.Kind is not (PaymentKind.Credit or PaymentKind.Return)) return [];
        var proposals = new List<Proposal>();
        foreach (var donation in candidates.Where(d => d.AppealId == payment.AppealId).DistinctBy(d => d.Id))
        {
            var reasons = ReasonsFor(payment, donation, history);
            var named = reasons.Contains(ProposalReason.NamedInTransfer);
            var fits = payment.Kind == PaymentKind.Return ? donation.Net.IsPositive : donation.Outstanding.IsPositive || named;
            if (reasons.Count == 0 || !fits) continue;
            var days = Math.Abs(payment.BookingDate.DayNumber - DateOnly.FromDateTime(donation.PledgedAt.UtcDateTime).DayNumber);
            proposals.Add(new Proposal(donation, reasons, days));
        }
        return proposals
            .OrderByDescending(p => p.Reasons.Contains(ProposalReason.NamedInTransfer))
            .ThenByDescending(p => p.Reasons.Contains(ProposalReason.PayerIbanSeenBefore))
            .ThenByDescending(p => p.Reasons.Contains(ProposalReason.PayerNameSeenBefore))
            .ThenByDescending(p => AmountRank(p.Reasons))
            .ThenBy(p => p.DaysApart)
            .ThenBy(p => p.Donation.Reference, StringComparer.Ordinal)
            .Take(take)
            .ToList();
    }

    private static List<ProposalReason> ReasonsFor(Payment payment, Donation donation, IReadOnlyList<PayerHistoryItem> history)
    {
        var reasons = new List<ProposalReason>();
        if (payment.NamedReferences.Contains(donation.Reference)) reasons.Add(ProposalReason.NamedInTransfer);
        bool SameDonor(PayerHistoryItem h) => h.DonationId == donation.Id || (h.DonorId is { } donor && donor == donation.DonorId);
        if (history.Any(h => h.SameIban && SameDonor(h))) reasons.Add(ProposalReason.PayerIbanSeenBefore);
        if (history.Any(h => h.SameName && SameDonor(h))) reasons.Add(ProposalReason.PayerNameSeenBefore);
        if (payment.Kind == PaymentKind.Return)
        {
            if (donation.Payments.Any(p => p.Amount == payment.Amount)) reasons.Add(ProposalReason.AmountEqualsEarlierPayment);
        }
        else if (donation.Outstanding.IsPositive && donation.Outstanding == payment.Amount) reasons.Add(ProposalReason.AmountEqualsOutstanding);
        else if (donation.Pledged == payment.Amount && donation.WasPledged) reasons.Add(ProposalReason.AmountEqualsPledge);
        return reasons;
    }

    private static int AmountRank(IReadOnlyList<ProposalReason> reasons)
        => reasons.Contains(ProposalReason.AmountEqualsOutstanding) || reasons.Contains(ProposalReason.AmountEqualsEarlierPayment) ? 2
            : reasons.Contains(ProposalReason.AmountEqualsPledge) ? 1 : 0;
}
