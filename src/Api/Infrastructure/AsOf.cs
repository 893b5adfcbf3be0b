using System.Globalization;
using FlutHilfe.Domain.Shared;

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
