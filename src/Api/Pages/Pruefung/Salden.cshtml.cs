using System.Globalization;
using FlutHilfe.Api.Appeals.Reporting;
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
/// Balances of an appeal as known at the end of a chosen day (German time): totals, what each fund held, and what each
/// municipality had been allocated, paid, spent and paid back. The same as-of replay as the API's <c>asOf</c>: the events
/// recorded up to that instant, folded by the projections' own functions. Without a day: the current figures.
/// </summary>
[Authorize(Roles = Roles.Auditor)]
public sealed class BalancesModel(IQuerySession session, TimeProvider clock, ILogger<BalancesModel> logger) : StaffPage(logger)
{
    [BindProperty(SupportsGet = true, Name = "aufruf")] public string? AppealId { get; set; }
    [BindProperty(SupportsGet = true, Name = "stichtag")] public string? Day { get; set; }

    public IReadOnlyList<Appeal> Appeals { get; private set; } = [];
    public Appeal? Appeal { get; private set; }
    /// <summary>The instant the figures are as of; null: now (the stored read models).</summary>
    public DateTimeOffset? AsOf { get; private set; }
    public TotalsView? Totals { get; private set; }
    public IReadOnlyList<FundView> Funds { get; private set; } = [];
    public IReadOnlyList<MunicipalityBalance> Municipalities { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Appeals = await session.Query<Appeal>().OrderBy(a => a.OpenedAt).Take(100).ToListAsync(ct);
        Appeal = AppealId is null ? Appeals.FirstOrDefault() : Appeals.FirstOrDefault(a => a.AppealId == AppealId);
        if (Appeal is null) return AppealId is null ? Page() : NotFound();

        if (!string.IsNullOrWhiteSpace(Day))
        {
            if (ParseDate(Day) is not { } day) Refuse("stichtag", "Bitte ein Datum (TT.MM.JJJJ).");
            else if (EndOf(day) is var end && day > TodayInGermany(clock)) Refuse("stichtag", "Der Stichtag liegt in der Zukunft.");
            else AsOf = end < clock.GetUtcNow() ? end : clock.GetUtcNow();
        }
        if (!ModelState.IsValid) return Page();

        var asOf = AsOf?.ToString("O", CultureInfo.InvariantCulture);
        var appealId = Appeal.AppealId;
        Totals = await PublicFiguresEndpoints.Totals(appealId, asOf, null, session, clock, ct);
        Funds = await FundsEndpoint.Get(appealId, asOf, null, session, clock, ct);
        Municipalities = (await AsOfReplay.CurrentOrAsOfAsync<MunicipalityBalance, IAllocationEvent>(session, AsOf,
                id => id.StartsWith(appealId + "|", StringComparison.Ordinal),
                async (s, c) => await s.Query<MunicipalityBalance>().Where(b => b.AppealId == appealId).ToListAsync(c), ct))
            .OrderBy(b => StaffTexts.Municipality(Appeal, b.MunicipalityId), StringComparer.Ordinal).ToList();
        return Page();
    }

    /// <summary>The last instant of a German calendar day.</summary>
    private static DateTimeOffset EndOf(DateOnly day)
    {
        var next = day.AddDays(1).ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(next, Berlin.GetUtcOffset(next)).AddTicks(-1).ToUniversalTime();
    }

    public static Money Sum(IEnumerable<MunicipalityBalance> balances, Func<MunicipalityBalance, Money> pick) => balances.Aggregate(Money.Zero, (s, b) => s + pick(b));
}
