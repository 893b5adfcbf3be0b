using FlutHilfe.Api.Appeals;
using FlutHilfe.Api.Appeals.Reporting;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Projections.Funds;
using Marten;

namespace FlutHilfe.Api.Pages.Aufrufe;

/// <summary>One municipality's line on the appeal page: money earmarked for it and received, allocated to it, spent by it.</summary>
public sealed record MunicipalityProgress(string? MunicipalityId, string Name, string? District, Money Received, Money Allocated, Money Spent)
{
    public Money Largest => new[] { Received, Allocated, Spent }.Max();
}

/// <summary>
/// The public figures of an appeal as the appeal page shows them. Received per municipality is what donors earmarked for
/// it and paid (the funds' confirmed money less refunds); money without a municipality is its own line. Allocated and
/// spent come from the public totals the API serves. No personal data.
/// </summary>
public sealed record AppealFigures(Appeal Appeal, TotalsView Totals, IReadOnlyList<MunicipalityProgress> Municipalities)
{
    public Money Scale => Municipalities.Select(m => m.Largest).DefaultIfEmpty(Money.Zero).Max();

    /// <summary>The appeal named in the URL, or (for "/") the one opened last that still takes pledges.</summary>
    public static async Task<Appeal?> FindAsync(IQuerySession session, string? appealId, CancellationToken ct)
    {
        if (appealId is not null) return Slug.IsValid(appealId) ? await session.LoadAsync<Appeal>(AppealStream.IdFor(appealId), ct) : null;
        var appeals = await session.Query<Appeal>().OrderByDescending(a => a.OpenedAt).Take(100).ToListAsync(ct);
        return appeals.FirstOrDefault(a => !a.IsClosed) ?? appeals.FirstOrDefault();
    }

    public static async Task<AppealFigures> LoadAsync(IQuerySession session, Appeal appeal, TimeProvider clock, CancellationToken ct)
    {
        var totals = await PublicFiguresEndpoints.Totals(appeal.AppealId, null, null, session, clock, ct);
        var funds = await session.Query<FundBalance>().Where(f => f.AppealId == appeal.AppealId).ToListAsync(ct);
        Money ReceivedFor(string? municipality) => funds.Where(f => f.MunicipalityId == municipality)
            .Aggregate(Money.Zero, (sum, f) => sum + f.Confirmed - f.Refunded);
        var perMunicipality = totals.Municipalities.ToDictionary(m => m.MunicipalityId);

        var lines = new List<MunicipalityProgress>
        {
            new(null, "Ohne Festlegung auf eine Kommune", "wird nach Bedarf zugewiesen", ReceivedFor(null), Money.Zero, Money.Zero),
        };
        lines.AddRange(appeal.Municipalities.Select(m =>
        {
            var t = perMunicipality.GetValueOrDefault(m.Id);
            return new MunicipalityProgress(m.Id, m.Name, m.District, ReceivedFor(m.Id), new Money(t?.AllocatedCents ?? 0), new Money(t?.SpentCents ?? 0));
        }));
        return new AppealFigures(appeal, totals, lines);
    }
}
