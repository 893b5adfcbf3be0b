using FlutHilfe.Api.Appeals.Reporting;
using FlutHilfe.Api.Audit.YearEnd;
using FlutHilfe.Api.Funds.GettingBalances;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Api.Pages.Intern;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Projections.Municipalities;
using FlutHilfe.Projections.Replaying;
using Marten;
using Microsoft.AspNetCore.Authorization;

namespace FlutHilfe.Api.Pages.Pruefung;

/// <summary>
/// Balances of an appeal on a chosen day by one of the two clocks (<see cref="AuditPage"/>): totals, what each fund held, and
/// what each municipality had been allocated, paid, spent and paid back. The same replay as the API's <c>asOf</c> and
/// <c>effectiveOn</c>: the events let through, folded by the projections' own functions. Without a day: the current figures.
/// Every figure links to its explanation; the year-end reports of each year of the appeal download from here (the API's
/// year-end endpoint, served under the page's cookie sign-in).
/// </summary>
[Authorize(Roles = Roles.Auditor)]
public sealed class BalancesModel(IQuerySession session, TimeProvider clock, ILogger<BalancesModel> logger) : AuditPage(logger)
{
    public IReadOnlyList<Appeal> Appeals { get; private set; } = [];
    public Appeal? Appeal { get; private set; }
    public TotalsView? Totals { get; private set; }
    public IReadOnlyList<FundView> Funds { get; private set; } = [];
    public IReadOnlyList<MunicipalityBalance> Municipalities { get; private set; } = [];

    /// <summary>The years of the appeal (opening year to this year), newest first, for the year-end reports.</summary>
    public IReadOnlyList<int> Years { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Appeals = await session.Query<Appeal>().OrderBy(a => a.OpenedAt).Take(100).ToListAsync(ct);
        Appeal = AppealId is null ? Appeals.FirstOrDefault() : Appeals.FirstOrDefault(a => a.AppealId == AppealId);
        if (Appeal is null) return AppealId is null ? Page() : NotFound();
        AppealId = Appeal.AppealId;
        var opened = TimeZoneInfo.ConvertTime(Appeal.OpenedAt, Berlin).Year;
        var thisYear = TodayInGermany(clock).Year;
        Years = Enumerable.Range(opened, Math.Clamp(thisYear - opened + 1, 1, 50)).Reverse().ToList();

        ReadDay(clock);
        if (!ModelState.IsValid) return Page();

        var appealId = Appeal.AppealId;
        Totals = await PublicFiguresEndpoints.Totals(appealId, AsOfParameter, EffectiveOnParameter, session, clock, ct);
        Funds = await FundsEndpoint.Get(appealId, AsOfParameter, EffectiveOnParameter, session, clock, ct);
        Municipalities = (await AsOfReplay.CurrentOrAsOfAsync<MunicipalityBalance, IAllocationEvent>(session, new ReplayWindow(AsOf, EffectiveOn),
                id => id.StartsWith(appealId + "|", StringComparison.Ordinal),
                async (s, c) => await s.Query<MunicipalityBalance>().Where(b => b.AppealId == appealId).ToListAsync(c), ct))
            .OrderBy(b => StaffTexts.Municipality(Appeal, b.MunicipalityId), StringComparer.Ordinal).ToList();
        return Page();
    }

    /// <summary>The year-end report of a year as PDF or CSV: the API's endpoint itself (<c>GET /api/appeals/{id}/year-end</c>).</summary>
    public async Task<IActionResult> OnGetJahresabschlussAsync(int? jahr, string? format, CancellationToken ct)
    {
        if (AppealId is null || format is not ("pdf" or "csv")) return NotFound();
        try
        {
            var result = await YearEndEndpoint.Get(AppealId, jahr, format, null, HttpContext, session, clock, ct);
            await result.ExecuteAsync(HttpContext);
            return new EmptyResult();
        }
        catch (DomainException)
        {
            return NotFound();
        }
    }

    public string YearEndLink(int year, string format) => $"/pruefung/salden?handler=Jahresabschluss&aufruf={Uri.EscapeDataString(Appeal!.AppealId)}&jahr={year}&format={format}";

    public static Money Sum(IEnumerable<MunicipalityBalance> balances, Func<MunicipalityBalance, Money> pick) => balances.Aggregate(Money.Zero, (s, b) => s + pick(b));
}
