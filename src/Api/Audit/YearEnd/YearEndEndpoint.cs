using FlutHilfe.Api.Appeals;
using FlutHilfe.Api.Infrastructure;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Documents.YearEnd;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Funds.Allocating;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Projections.Funds;
using FlutHilfe.Projections.Municipalities;
using FlutHilfe.Projections.Replaying;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace FlutHilfe.Api.Audit.YearEnd;

/// <summary>A fund in the year: available money on 31.12. of the year before and of the year, and what moved in between (by booking date).</summary>
public sealed record FundYearEnd(string Fund, string? MunicipalityId, string? PurposeId, string Name, long OpeningAvailableCents, long ReceivedCents,
    long RefundedCents, long AllocatedCents, long ReturnedCents, long ClosingAvailableCents);

/// <summary>A municipality in the year: open money (allocated − spent − returned) on both 31.12., and what moved in between.</summary>
public sealed record MunicipalityYearEnd(string MunicipalityId, string Name, long OpeningOpenCents, long AllocatedCents, long DisbursedCents,
    long SpentCents, long ReturnedCents, long ClosingOpenCents);

public sealed record YearEndView(string AppealId, string AppealTitle, int Year, DateOnly OpeningDate, DateOnly ClosingDate, DateTimeOffset? AsOf,
    IReadOnlyList<FundYearEnd> Funds, IReadOnlyList<MunicipalityYearEnd> Municipalities);

/// <summary>
/// The year-end report: per fund and per municipality the figures on 31.12. of the year before (opening) and of the year
/// (closing) by booking date (<c>effectiveOn</c>), and the year's movements as their difference. Both dates are the same
/// replay through the projections' own folds, so the opening figures of a year are the closing ones of the year before.
/// With <c>asOf</c>: as known at that instant.
/// </summary>
public static class YearEndEndpoint
{
    public const int YearMin = 2000;
    public const int YearMax = 9999;

    [WolverineGet("/api/appeals/{appealId}/year-end", OperationId = "getYearEnd")]
    [Authorize(Roles = Roles.TreasurerOrAuditor)]
    [EndpointSummary("Year-end report by booking date per fund and municipality: JSON, CSV (format=csv or Accept: text/csv) or German PDF (format=pdf) (treasurer, auditor)")]
    [ProducesResponseType<YearEndView>(200, "application/json")]
    [ProducesResponseType<string>(200, "text/csv")]
    [ProducesResponseType<byte[]>(200, "application/pdf")]
    public static async Task<IResult> Get(string appealId, int? year, string? format, string? asOf, HttpContext http, IQuerySession session, TimeProvider clock,
        CancellationToken ct)
    {
        var kind = Format(format, http.Request.Headers.Accept.ToString());
        if (year is not { } y) throw DomainException.Invalid("year", "year is required, e.g. year=2021.");
        if (y is < YearMin or > YearMax) throw DomainException.Invalid("year", "year must be a four-digit year.");
        var instant = AsOf.Parse(asOf, clock);
        var appeal = await AppealLookup.LoadAsync(session, appealId, ct);
        var view = await BuildAsync(appeal, y, instant, session, ct);
        if (kind == "json") return Results.Json(view);

        var document = Document(view, appeal, clock.GetUtcNow());
        var name = $"Jahresabschluss-{appealId}-{y}.{kind}";
        return kind == "pdf"
            ? Results.File(YearEndPdf.Render(document), YearEndPdf.ContentType, name)
            : Results.File(YearEndCsv.WriteUtf8(document), YearEndCsv.ContentType, name);
    }

    /// <summary>json, csv or pdf: the <c>format</c> parameter wins over the Accept header.</summary>
    private static string Format(string? format, string accept)
    {
        if (!string.IsNullOrWhiteSpace(format))
        {
            var f = format.Trim().ToLowerInvariant();
            return f is "json" or "csv" or "pdf" ? f : throw DomainException.Invalid("format", "format must be json, csv or pdf.");
        }
        if (accept.Contains("text/csv", StringComparison.OrdinalIgnoreCase)) return "csv";
        if (accept.Contains("application/pdf", StringComparison.OrdinalIgnoreCase)) return "pdf";
        return "json";
    }

    public static async Task<YearEndView> BuildAsync(Appeal appeal, int year, DateTimeOffset? asOf, IQuerySession session, CancellationToken ct)
    {
        var appealId = appeal.AppealId;
        bool Wanted(string id) => id.StartsWith(appealId + "|", StringComparison.Ordinal);
        // One read of the log; each closing day is a filter of it, folded by the projections' own functions.
        var events = await AsOfReplay.LoadAsync<IAppealEvent>(session, asOf, ct);
        var opening = new DateOnly(year - 1, 12, 31);
        var closing = new DateOnly(year, 12, 31);
        var fundsThen = AsOfReplay.Fold<FundBalance, IFundEvent>(BusinessDates.EffectiveOn(events, opening), Wanted);
        var fundsNow = AsOfReplay.Fold<FundBalance, IFundEvent>(BusinessDates.EffectiveOn(events, closing), Wanted);
        var townsThen = AsOfReplay.Fold<MunicipalityBalance, IAllocationEvent>(BusinessDates.EffectiveOn(events, opening), Wanted);
        var townsNow = AsOfReplay.Fold<MunicipalityBalance, IAllocationEvent>(BusinessDates.EffectiveOn(events, closing), Wanted);

        var funds = fundsThen.Keys.Union(fundsNow.Keys).Select(id =>
        {
            var then = fundsThen.GetValueOrDefault(id);
            var now = fundsNow.GetValueOrDefault(id);
            var any = now ?? then!;
            return new FundYearEnd(any.FundKey, any.MunicipalityId, any.PurposeId, FundName(appeal, any.Fund),
                Cents(then, f => f.Available), Delta(then, now, f => f.Confirmed), Delta(then, now, f => f.Refunded), Delta(then, now, f => f.Allocated),
                Delta(then, now, f => f.Returned), Cents(now, f => f.Available));
        }).OrderBy(f => FundSelection.Specificity(new Domain.Funds.Fund(f.MunicipalityId, f.PurposeId)) switch { 3 => 0, var s => 4 - s })
          .ThenBy(f => f.Name, StringComparer.Ordinal).ToList();

        var municipalities = townsThen.Keys.Union(townsNow.Keys).Select(id =>
        {
            var then = townsThen.GetValueOrDefault(id);
            var now = townsNow.GetValueOrDefault(id);
            var municipalityId = (now ?? then)!.MunicipalityId;
            return new MunicipalityYearEnd(municipalityId, appeal.FindMunicipality(municipalityId)?.Name ?? municipalityId,
                Cents(then, m => m.Open), Delta(then, now, m => m.Allocated), Delta(then, now, m => m.Disbursed), Delta(then, now, m => m.Spent),
                Delta(then, now, m => m.Returned), Cents(now, m => m.Open));
        }).OrderBy(m => m.Name, StringComparer.Ordinal).ToList();

        return new YearEndView(appealId, appeal.Title, year, opening, closing, asOf, funds, municipalities);
    }

    /// <summary>The German name of a fund: general, a municipality, a purpose, or both.</summary>
    public static string FundName(Appeal appeal, Domain.Funds.Fund fund)
    {
        var municipality = fund.MunicipalityId is { } m ? appeal.FindMunicipality(m)?.Name ?? m : null;
        var purpose = fund.PurposeId is { } p ? appeal.FindPurpose(p)?.Name ?? p : null;
        return (municipality, purpose) switch
        {
            ({ } a, { } b) => $"{a} · {b}",
            ({ } a, null) => $"{a} (jeder Zweck)",
            (null, { } b) => $"{b} (jede Gemeinde)",
            _ => "Allgemeiner Fonds",
        };
    }

    private static YearEndDocument Document(YearEndView v, Appeal appeal, DateTimeOffset now) => new(
        v.AppealTitle, appeal.Issuer.Name, v.Year, v.AsOf, now,
        v.Funds.Select(f => new YearEndLine(f.Name, new Money(f.OpeningAvailableCents), new Money(f.ReceivedCents), new Money(f.RefundedCents),
            new Money(f.AllocatedCents), null, null, new Money(f.ReturnedCents), new Money(f.ClosingAvailableCents))).ToList(),
        v.Municipalities.Select(m => new YearEndLine(m.Name, new Money(m.OpeningOpenCents), null, null, new Money(m.AllocatedCents),
            new Money(m.DisbursedCents), new Money(m.SpentCents), new Money(m.ReturnedCents), new Money(m.ClosingOpenCents))).ToList());

    private static long Cents<T>(T? snapshot, Func<T, Money> pick) where T : class => snapshot is null ? 0 : pick(snapshot).Cents;

    private static long Delta<T>(T? then, T? now, Func<T, Money> pick) where T : class => checked(Cents(now, pick) - Cents(then, pick));
}
