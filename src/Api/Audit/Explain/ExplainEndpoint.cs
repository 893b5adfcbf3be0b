using FlutHilfe.Api.Infrastructure;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Projections.Explaining;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace FlutHilfe.Api.Audit.Explain;

public sealed record ContributionView(long Sequence, DateTimeOffset Timestamp, string EventType, Guid StreamId, string Document, long Contribution);

/// <summary>
/// A number and the ordered events that produced it. <c>unit</c> says whether <c>value</c> and each <c>contribution</c>
/// are cents or a count; the contributions add up to <c>value</c>.
/// </summary>
public sealed record ExplanationView(string View, string Id, string? AppealId, string Field, string Unit, DateTimeOffset? AsOf, long Value,
    IReadOnlyList<string> Documents, int EventsFolded, IReadOnlyList<ContributionView> Contributions);

public static class ExplainEndpoint
{
    [WolverineGet("/api/audit/explain", OperationId = "explainNumber")]
    [Authorize(Roles = Roles.TreasurerOrAuditor)]
    [EndpointSummary("The ordered events that produced one number of a view, each with its contribution (treasurer, auditor)")]
    public static async Task<ExplanationView> Get(string? view, string? id, string? field, string? appealId, string? asOf, IQuerySession session,
        TimeProvider clock, CancellationToken ct)
    {
        var explainable = ExplainableViews.Named(view) ?? throw DomainException.Invalid("view",
            $"view must be one of: {string.Join(", ", ExplainableViews.All.Select(v => v.Name))}.");
        if (string.IsNullOrWhiteSpace(id) || id.Length > 200) throw DomainException.Invalid("id", $"id is required for view {explainable.Name}: {explainable.IdMeaning}.");
        if (appealId is not null) Slug.Require(appealId, "appealId");
        if (string.IsNullOrWhiteSpace(field) || field.Length > ViewFields.PathLengthMax) throw DomainException.Invalid("field", "field is required, e.g. allocatedCents.");
        var path = ViewFields.Split(field);
        var unit = ViewFields.UnitOf(explainable.DocumentType, path) ?? throw DomainException.Invalid("field",
            $"'{field}' is no numeric field of the {explainable.Name} view.");
        var instant = AsOf.Parse(asOf, clock);

        var explanation = await explainable.ExplainAsync(session, explainable.Selects(id, appealId), path, instant, ct);
        if (explanation.DocumentIds.Count == 0)
            throw new DomainException(RefusalKind.NotFound, "id", $"The {explainable.Name} view has nothing for '{id}'" + (appealId is null ? "." : $" in appeal '{appealId}'."));
        return new ExplanationView(explainable.Name, id, appealId, field, unit == FieldUnit.Cents ? "cents" : "count", instant, explanation.Value,
            explanation.DocumentIds, explanation.EventsFolded,
            explanation.Contributions.Select(c => new ContributionView(c.Sequence, c.Timestamp, c.EventType, c.StreamId, c.DocumentId, c.Amount)).ToList());
    }
}
