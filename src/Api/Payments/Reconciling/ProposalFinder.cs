using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Payments;
using Marten;

namespace FlutHilfe.Api.Payments.Reconciling;

/// <summary>
/// Gathers candidate donations for a page of the reconciliation queue with a fixed number of indexed queries, whatever
/// the page size (no query per payment, no scan): the pledges the transfers name (unique index on the reference);
/// earlier payments from the same IBAN or payer name (indexes on <c>PayerDetails</c>) and the donations of the same
/// donors (index on the donor id); pledges whose outstanding or pledged amount equals a payment (indexes on both
/// amounts); for returns, earlier credits of the returned amount. The ranking itself is <see cref="Proposing"/>.
/// </summary>
public static class ProposalFinder
{
    /// <summary>Bounds on each candidate query: the queue page stays cheap however large the tables grow.</summary>
    private const int HistoryMax = 2000;
    private const int CandidatesMax = 2000;
    /// <summary>Pledges per amount considered for the amount reason (the most recent ones; the ranking then orders by date).</summary>
    private const int PerAmountMax = 10;

    private static string DonationTable(IQuerySession session)
        => session.DocumentStore.Options.FindOrResolveDocumentType(typeof(Donation)).TableName.QualifiedName;

    public static async Task<IReadOnlyDictionary<Guid, IReadOnlyList<Proposal>>> ForAsync(
        IReadOnlyList<Payment> payments, IReadOnlyDictionary<Guid, PayerDetails> payers, IQuerySession session, CancellationToken ct)
    {
        var eligible = payments.Where(p => p.Kind is PaymentKind.Credit or PaymentKind.Return).ToList();
        if (eligible.Count == 0) return new Dictionary<Guid, IReadOnlyList<Proposal>>();
        var appeals = eligible.Select(p => p.AppealId).Distinct().ToArray();
        var pageIds = payments.Select(p => p.Id).ToHashSet();

        var references = eligible.SelectMany(p => p.NamedReferences).Distinct().ToArray();
        var named = references.Length == 0 ? [] : await session.Query<Donation>().Where(d => d.Reference.IsOneOf(references)).ToListAsync(ct);

        // Earlier payments of the same payers, and the donations they went to.
        var ibans = eligible.Select(p => payers.GetValueOrDefault(p.Id)?.Iban).OfType<string>().Distinct().ToArray();
        var nameKeys = eligible.Select(p => payers.GetValueOrDefault(p.Id)?.NameKey).OfType<string>().Distinct().ToArray();
        var earlierPayers = ibans.Length + nameKeys.Length == 0 ? [] : (await session.Query<PayerDetails>()
            .Where(p => p.Iban.IsOneOf(ibans) || p.NameKey.IsOneOf(nameKeys)).Take(HistoryMax).ToListAsync(ct))
            .Where(p => !pageIds.Contains(p.Id)).ToList();
        var earlierPayments = earlierPayers.Count == 0 ? [] : (await session.LoadManyAsync<Payment>(ct, earlierPayers.Select(p => p.Id).ToArray()))
            .Where(p => p.Status == PaymentStatus.Matched && p.Kind == PaymentKind.Credit).ToList();

        // For returns: earlier credits of exactly the returned amount.
        var returnAmounts = eligible.Where(p => p.Kind == PaymentKind.Return).Select(p => p.AmountCents).Distinct().ToArray();
        var sameAmountCredits = returnAmounts.Length == 0 ? [] : await session.Query<Payment>()
            .Where(p => p.AmountCents.IsOneOf(returnAmounts) && p.Status == PaymentStatus.Matched && p.Kind == PaymentKind.Credit && p.AppealId.IsOneOf(appeals))
            .Take(CandidatesMax).ToListAsync(ct);

        var linkedIds = earlierPayments.Concat(sameAmountCredits).SelectMany(p => p.Parts).Select(p => p.DonationId).Distinct().ToArray();
        var linked = linkedIds.Length == 0 ? [] : await session.LoadManyAsync<Donation>(ct, linkedIds);
        var donorIds = linked.Select(d => d.DonorId).Where(id => id is not null).Distinct().ToArray();
        var sameDonor = donorIds.Length == 0 ? [] : await session.Query<Donation>()
            .Where(d => d.DonorId.IsOneOf(donorIds) && d.AppealId.IsOneOf(appeals)).Take(CandidatesMax).ToListAsync(ct);

        // Pledges waiting for exactly a payment's amount: the most recent few per amount (donations come in round sums, so
        // one amount may be outstanding on thousands of pledges; an index probe and a small sort per amount, no scan).
        var creditAmounts = eligible.Where(p => p.Kind == PaymentKind.Credit).Select(p => p.AmountCents).Distinct().ToArray();
        var byAmount = creditAmounts.Length == 0 ? [] : await session.QueryAsync<Donation>(
            $"""
            select x.data from unnest(?::bigint[]) as amount(cents) cross join lateral (
              select d.data from {DonationTable(session)} as d
              where (d.data ->> 'outstandingCents')::bigint = amount.cents and d.data ->> 'appealId' = any(?)
              order by d.data ->> 'pledgedAt' desc limit {PerAmountMax}) as x
            """, ct, creditAmounts, appeals);

        var donations = named.Concat(linked).Concat(sameDonor).Concat(byAmount).DistinctBy(d => d.Id).ToDictionary(d => d.Id);
        var earlierPayerById = earlierPayers.ToDictionary(p => p.Id);
        var byDonor = donations.Values.Where(d => d.DonorId is not null).ToLookup(d => d.DonorId!.Value);
        var byAmountOf = byAmount.ToLookup(d => d.OutstandingCents);
        // Earlier payments by the payer's IBAN and name, looked up once (name keys are computed, not stored per query).
        var earlierByIban = earlierPayments.Where(p => earlierPayerById[p.Id].Iban is not null).ToLookup(p => earlierPayerById[p.Id].Iban!);
        var earlierByName = earlierPayments.Select(p => (Payment: p, Key: earlierPayerById[p.Id].NameKey)).Where(x => x.Key is not null).ToLookup(x => x.Key!, x => x.Payment);
        var result = new Dictionary<Guid, IReadOnlyList<Proposal>>();
        foreach (var payment in eligible)
        {
            var payer = payers.GetValueOrDefault(payment.Id);
            var history = History(payer, earlierByIban, earlierByName, donations);
            var candidates = history.Select(h => donations.GetValueOrDefault(h.DonationId)).OfType<Donation>()
                .Concat(history.Select(h => h.DonorId).OfType<Guid>().Distinct().SelectMany<Guid, Donation>(donor => byDonor[donor]))
                .Concat(named.Where(d => payment.NamedReferences.Contains(d.Reference)))
                .Concat(payment.Kind == PaymentKind.Credit
                    ? byAmountOf[payment.AmountCents]
                    : sameAmountCredits.Where(p => p.AmountCents == payment.AmountCents).SelectMany(p => p.Parts)
                        .Select(p => donations.GetValueOrDefault(p.DonationId)).OfType<Donation>());
            result[payment.Id] = Proposing.Rank(payment, candidates, history);
        }
        return result;
    }

    private static List<PayerHistoryItem> History(PayerDetails? payer, ILookup<string, Payment> earlierByIban, ILookup<string, Payment> earlierByName,
        IReadOnlyDictionary<Guid, Donation> donations)
    {
        if (payer is null) return [];
        var sameIban = payer.Iban is { } iban ? earlierByIban[iban].Select(p => p.Id).ToHashSet() : [];
        var sameName = payer.NameKey is { } name ? earlierByName[name].Select(p => p.Id).ToHashSet() : [];
        return (payer.Iban is null ? [] : earlierByIban[payer.Iban]).Concat(payer.NameKey is null ? [] : earlierByName[payer.NameKey])
            .DistinctBy(p => p.Id)
            .SelectMany(p => p.Parts.Select(part => new PayerHistoryItem(part.DonationId, donations.GetValueOrDefault(part.DonationId)?.DonorId,
                sameIban.Contains(p.Id), sameName.Contains(p.Id))))
            .ToList();
    }
}
