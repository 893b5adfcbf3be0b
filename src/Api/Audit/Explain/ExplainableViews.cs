using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Projections.Appeals.Reporting;
using FlutHilfe.Projections.Explaining;
using FlutHilfe.Projections.Funds;
using FlutHilfe.Projections.Ledger;
using FlutHilfe.Projections.Municipalities;
using FlutHilfe.Projections.Replaying;
using Marten;

namespace FlutHilfe.Api.Audit.Explain;

/// <summary>A view whose numbers can be explained: which of its documents an <c>id</c> (and <c>appealId</c>) selects, and the fold.</summary>
public interface IExplainableView
{
    string Name { get; }
    Type DocumentType { get; }
    string IdMeaning { get; }

    /// <summary>The document ids the request addresses (several when <c>appealId</c> is left out of a per-appeal view: the sum over appeals).</summary>
    Func<string, bool> Selects(string id, string? appealId);

    Task<Explanation> ExplainAsync(IQuerySession session, Func<string, bool> selects, IReadOnlyList<string> field, DateTimeOffset? asOf, CancellationToken ct);

    /// <summary>The stored documents (what the view's endpoints read); all of them without <paramref name="documentIds"/>.</summary>
    Task<IReadOnlyList<object>> StoredAsync(IQuerySession session, IReadOnlyList<string>? documentIds, CancellationToken ct);
}

public sealed class ExplainableView<TDoc, TRoute>(string name, string idMeaning, Func<string, string?, Func<string, bool>> selects) : IExplainableView
    where TDoc : class, IReadModel<TDoc, TRoute>
    where TRoute : class
{
    public string Name => name;
    public Type DocumentType => typeof(TDoc);
    public string IdMeaning => idMeaning;

    public Func<string, bool> Selects(string id, string? appealId) => selects(id, appealId);

    public async Task<Explanation> ExplainAsync(IQuerySession session, Func<string, bool> selects, IReadOnlyList<string> field, DateTimeOffset? asOf, CancellationToken ct)
        => Explainer.Explain<TDoc, TRoute>(await Explainer.EventsAsync<TRoute>(session, asOf, ct), selects, field);

    public async Task<IReadOnlyList<object>> StoredAsync(IQuerySession session, IReadOnlyList<string>? documentIds, CancellationToken ct)
        => documentIds is null
            ? (await session.Query<TDoc>().ToListAsync(ct)).Cast<object>().ToList()
            : (await session.LoadManyAsync<TDoc>(ct, documentIds.ToArray())).Cast<object>().ToList();
}

/// <summary>Every view an auditor can ask "where does this number come from?" about.</summary>
public static class ExplainableViews
{
    public static IReadOnlyList<IExplainableView> All { get; } =
    [
        new ExplainableView<MunicipalityBalance, IAllocationEvent>("municipality", "a municipality id, e.g. stolberg", PerAppeal),
        new ExplainableView<FundBalance, IFundEvent>("fund", "a fund key as /api/appeals/{appealId}/funds lists it: general, m:stolberg, p:weihnachtsfeiern, m:stolberg/p:weihnachtsfeiern", PerAppeal),
        new ExplainableView<AppealTotals, IAppealEvent>("appeal", "an appeal id", WholeAppeal),
        new ExplainableView<TransparencyReport, IAllocationEvent>("transparency", "an appeal id", WholeAppeal),
        new ExplainableView<LedgerBook, IAppealEvent>("ledger", "an appeal id", WholeAppeal),
    ];

    public static IExplainableView? Named(string? name) => All.FirstOrDefault(v => v.Name == name);

    /// <summary>Documents with id <c>{appealId}|{id}</c>; without <paramref name="appealId"/> those of every appeal.</summary>
    private static Func<string, bool> PerAppeal(string id, string? appealId)
        => appealId is null
            ? doc => doc.EndsWith("|" + id, StringComparison.Ordinal) && doc.IndexOf('|', StringComparison.Ordinal) == doc.Length - id.Length - 1
            : doc => doc == $"{appealId}|{id}";

    private static Func<string, bool> WholeAppeal(string id, string? appealId) => doc => doc == (appealId ?? id);
}
