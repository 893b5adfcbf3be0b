using System.Globalization;
using FlutHilfe.Api.Audit.TamperEvidence;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Api.Infrastructure.Problems;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace FlutHilfe.Api.Audit.Export;

/// <summary>Which events to export; every part optional, bounds inclusive.</summary>
public sealed record EventExportFilter(long? FromSequence, long? ToSequence, DateTimeOffset? From, DateTimeOffset? To, string? StreamKind);

public static class EventExportEndpoint
{
    [WolverineGet("/api/audit/events", OperationId = "exportEvents")]
    [Authorize(Roles = Roles.TreasurerOrAuditor)]
    [EndpointSummary("The whole event log as NDJSON (or CSV with ?format=csv), streamed: sequence, stream, kind, version, type, time, data, metadata, chain hash")]
    [Produces("application/x-ndjson", "text/csv")]
    public static async Task Get(HttpContext context, string? fromSequence, string? toSequence, string? from, string? to, string? streamKind, string? format,
        EventCatalogue catalogue, CancellationToken ct)
    {
        var response = context.Response;
        if (ProblemWith(fromSequence, toSequence, from, to, streamKind, format, catalogue) is { } problem)
        {
            response.StatusCode = problem.Status ?? 422;
            await Results.Problem(problem).ExecuteAsync(context);
            return;
        }
        var filter = new EventExportFilter(Sequence(fromSequence), Sequence(toSequence), Instant(from), Instant(to), Blank(streamKind) ? null : streamKind!.Trim());
        var csv = string.Equals(format?.Trim(), "csv", StringComparison.OrdinalIgnoreCase);

        response.ContentType = csv ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8";
        response.Headers.ContentDisposition = csv ? "attachment; filename=\"events.csv\"" : "attachment; filename=\"events.ndjson\"";
        response.Headers.CacheControl = "no-store";
        await EventExport.WriteAsync(catalogue, filter, csv ? ExportFormat.Csv : ExportFormat.NdJson, response.BodyWriter, ct);
    }

    /// <summary>The first bad parameter as a problem (400 when it cannot be read, 422 when it is read but not allowed).</summary>
    public static ProblemDetails? ProblemWith(string? fromSequence, string? toSequence, string? from, string? to, string? streamKind, string? format, EventCatalogue catalogue)
    {
        foreach (var (name, value) in new[] { ("fromSequence", fromSequence), ("toSequence", toSequence) })
        {
            if (Blank(value)) continue;
            if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                return Problem.Field(name, $"{name} must be a whole number (an event's global sequence).", 400);
            if (n < 1) return Problem.Field(name, $"{name} must be at least 1.");
        }
        if (Sequence(fromSequence) is { } low && Sequence(toSequence) is { } high && high < low)
            return Problem.Field("toSequence", "toSequence must not be smaller than fromSequence.");
        foreach (var (name, value) in new[] { ("from", from), ("to", to) })
        {
            if (Blank(value)) continue;
            if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
                return Problem.Field(name, $"{name} must be an ISO 8601 instant, e.g. 2021-12-31T23:00:00Z.", 400);
        }
        if (Instant(from) is { } start && Instant(to) is { } end && end < start)
            return Problem.Field("to", "to must not lie before from.");
        if (!Blank(streamKind) && !catalogue.Kinds.Contains(streamKind!.Trim()))
            return Problem.Field("streamKind", $"streamKind must be one of: {string.Join(", ", catalogue.Kinds)}.");
        if (!Blank(format) && format!.Trim().ToLowerInvariant() is not ("csv" or "ndjson" or "json"))
            return Problem.Field("format", "format must be ndjson (the default) or csv.");
        return null;
    }

    private static bool Blank(string? value) => string.IsNullOrWhiteSpace(value);

    private static long? Sequence(string? value) => Blank(value) ? null : long.Parse(value!, NumberStyles.None, CultureInfo.InvariantCulture);

    private static DateTimeOffset? Instant(string? value)
        => Blank(value) ? null : DateTimeOffset.Parse(value!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUniversalTime();
}
