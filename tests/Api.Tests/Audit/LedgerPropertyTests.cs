using CsCheck;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Projections.Appeals.Reporting;
using FlutHilfe.Projections.Funds;
using FlutHilfe.Projections.Ledger;
using FlutHilfe.Projections.Municipalities;
using FlutHilfe.Projections.Replaying;
using JasperFx.Events;

namespace FlutHilfe.Api.Tests.Audit;

/// <summary>
/// Over random valid money histories: after every event the trial balance is zero and the ledger agrees with the fund,
/// municipality and appeal views folded from the same events by their own folds.
/// </summary>
public class LedgerPropertyTests
{
    [Fact]
    public void the_trial_balance_is_zero_and_the_ledger_agrees_with_the_views_after_every_event()
    {
        MoneyHistories.Gen.Sample(events =>
        {
            for (var n = 1; n <= events.Count; n++) Check(events.Take(n).ToList());
        }, iter: 300);
    }

    [Fact]
    public void every_money_fact_posts_a_balanced_entry()
    {
        MoneyHistories.Gen.Sample(events =>
        {
            foreach (var e in events)
            {
                var legs = PostingRules.For(e.Data);
                legs.ShouldNotBeEmpty(e.EventTypeName);
                PostingRules.Sum(legs).ShouldBe(Money.Zero, e.EventTypeName);
            }
        }, iter: 200);
    }

    private static Dictionary<string, TDoc> Fold<TDoc, TRoute>(IReadOnlyList<IEvent> events) where TDoc : class, IReadModel<TDoc, TRoute> where TRoute : class
    {
        var docs = new Dictionary<string, TDoc>();
        foreach (var e in events)
        {
            if (e.Data is not TRoute routed) continue;
            foreach (var id in TDoc.IdsFor(routed))
            {
                if (TDoc.Fold(docs.GetValueOrDefault(id), id, e) is { } next) docs[id] = next;
            }
        }
        return docs;
    }

    private static void Check(IReadOnlyList<IEvent> events)
    {
        var book = Fold<LedgerBook, IAppealEvent>(events).GetValueOrDefault(MoneyHistories.Appeal) ?? new LedgerBook();
        long Balance(string account) => book.Balances.GetValueOrDefault(account).Cents;

        book.Balances.Values.Sum(m => m.Cents).ShouldBe(0, "trial balance");
        foreach (var fund in Fold<FundBalance, IFundEvent>(events).Values)
            (-Balance(Accounts.Fund(fund.FundKey))).ShouldBe(fund.Available.Cents, fund.FundKey);

        var municipalities = Fold<MunicipalityBalance, IAllocationEvent>(events).Values.ToList();
        foreach (var m in municipalities)
        {
            (-Balance(Accounts.Allocated(m.MunicipalityId))).ShouldBe((m.Allocated - m.Returned).Cents, "allocated " + m.MunicipalityId);
            Balance(Accounts.Disbursed(m.MunicipalityId)).ShouldBe((m.Disbursed - m.Spent - m.Returned).Cents, "disbursed " + m.MunicipalityId);
            Balance(Accounts.Spent(m.MunicipalityId)).ShouldBe(m.Spent.Cents, "spent " + m.MunicipalityId);
            (-Balance(Accounts.Allocated(m.MunicipalityId)) - Balance(Accounts.Spent(m.MunicipalityId))).ShouldBe(m.Open.Cents, "open " + m.MunicipalityId);
        }

        var totals = Fold<AppealTotals, IAppealEvent>(events).GetValueOrDefault(MoneyHistories.Appeal) ?? new AppealTotals();
        var disbursed = municipalities.Sum(m => m.Disbursed.Cents);
        Balance(Accounts.Bank).ShouldBe(totals.Received.Cents - totals.ReturnedByBank.Cents - disbursed + totals.ReturnedByMunicipalities.Cents, "bank");
    }
}
