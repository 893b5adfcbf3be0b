using System.Globalization;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Projections.Replaying;

namespace FlutHilfe.Api.Infrastructure;

/// <summary>The <c>asOf</c> query parameter: an ISO 8601 instant in the past.</summary>
public static class AsOf
{
    public static DateTimeOffset? Parse(string? asOf, TimeProvider clock)
    {
        if (string.IsNullOrWhiteSpace(asOf)) return null;
        if (!DateTimeOffset.TryParse(asOf, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
            throw DomainException.Invalid("asOf", "asOf must be an ISO 8601 instant, e.g. 2021-12-31T23:59:59Z.");
        if (instant > clock.GetUtcNow()) throw DomainException.Invalid("asOf", "asOf lies in the future.");
        // PostgreSQL stores instants in UTC; an offset such as +01:00 would otherwise fail the query (a 500).
        return instant.ToUniversalTime();
    }
}

/// <summary>The <c>effectiveOn</c> query parameter: a business (booking/value) date, ISO 8601 <c>yyyy-MM-dd</c>.</summary>
public static class EffectiveOn
{
    public static DateOnly? Parse(string? effectiveOn)
    {
        if (string.IsNullOrWhiteSpace(effectiveOn)) return null;
        if (!DateOnly.TryParseExact(effectiveOn.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) || day.Year < 1900)
            throw DomainException.Invalid("effectiveOn", "effectiveOn must be an ISO 8601 date, e.g. 2021-12-31.");
        return day;
    }
}

/// <summary>Both clocks of a read: <c>asOf</c> (recorded by then) and <c>effectiveOn</c> (business date on or before).</summary>
public static class Clocks
{
    public static ReplayWindow Parse(string? asOf, string? effectiveOn, TimeProvider clock)
        => new(AsOf.Parse(asOf, clock), EffectiveOn.Parse(effectiveOn));
}
