using FlutHilfe.Domain.Shared;
using FlutHilfe.Projections.Replaying;
using JasperFx.Events;

namespace FlutHilfe.Projections.Ledger;

/// <summary>
/// The double-entry ledger of one appeal: every money fact posts a balanced entry (<see cref="PostingRules"/>), so the
/// balances always add up to zero. Kept by the async daemon; the trial balance as of a past instant replays the same fold.
/// </summary>
public sealed record LedgerBook : IReadModel<LedgerBook, IAppealEvent>
{
    /// <summary>The appeal id.</summary>
    public string Id { get; init; } = "";
    /// <summary>Signed balance per account (debit positive).</summary>
    public IReadOnlyDictionary<string, Money> Balances { get; init; } = new Dictionary<string, Money>();
    public int Entries { get; init; }

    public static IReadOnlyList<string> IdsFor(IAppealEvent e) => [e.AppealId];

    public static LedgerBook? Fold(LedgerBook? snapshot, string id, IEvent e)
    {
        var legs = PostingRules.For(e.Data);
        if (legs.Count == 0) return snapshot;
        Invariant.That(PostingRules.Sum(legs) == Money.Zero, $"The entry of {e.EventTypeName} is balanced.");
        var book = snapshot ?? new LedgerBook { Id = id };
        var balances = new Dictionary<string, Money>(book.Balances);
        foreach (var leg in legs) balances[leg.Account] = balances.GetValueOrDefault(leg.Account) + leg.Amount;
        Invariant.That(balances.Values.Aggregate(Money.Zero, (s, m) => s + m) == Money.Zero, "The trial balance is zero.");
        return book with { Balances = balances, Entries = book.Entries + 1 };
    }
}

/// <summary>Kept by the async daemon from every money fact of an appeal.</summary>
public sealed partial class LedgerProjection : ReadModelProjection<LedgerBook, IAppealEvent>;
