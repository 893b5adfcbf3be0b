using FlutHilfe.Api.Infrastructure;
using FlutHilfe.Api.Infrastructure.Auth;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace FlutHilfe.Api.Notices;

/// <summary>Something the treasurer must look at, e.g. a receipt cancelled by a bank return or a gap in the statements.</summary>
public sealed class TreasurerNotice
{
    public Guid Id { get; set; }
    public string Kind { get; set; } = "";
    public string Message { get; set; } = "";
    public string? ReceiptNumber { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public bool Acknowledged { get; set; }
}

public static class TreasurerNoticesEndpoint
{
    [WolverineGet("/api/notices", OperationId = "listTreasurerNotices")]
    [Authorize(Roles = Roles.TreasurerOrAuditor)]
    [EndpointSummary("Notices for the treasurer, e.g. receipts cancelled by bank returns (treasurer, auditor)")]
    public static async Task<IReadOnlyList<TreasurerNotice>> Get(IQuerySession session, CancellationToken ct)
        => await session.Query<TreasurerNotice>().OrderByDescending(n => n.CreatedAt).Take(500).ToListAsync(ct);
}

public sealed class Configuration : IFeatureConfiguration
{
    public void ConfigureStore(StoreOptions options) => options.Schema.For<TreasurerNotice>();
}
