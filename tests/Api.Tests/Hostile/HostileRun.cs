using JasperFx.Events.Daemon;
using Marten;
using Marten.Events;
using System.Text;
using CsCheck;
using Npgsql;
using Wolverine.Tracking;

namespace FlutHilfe.Api.Tests.Hostile;

/// <summary>What a run of generated requests found.</summary>
public sealed class HostileReport
{
    public int Requests { get; set; }
    public Dictionary<int, int> Statuses { get; } = [];
    public Dictionary<string, int> PerEndpoint { get; } = [];
    public List<string> Findings { get; } = [];
    public int ServerErrors { get; set; }

    public override string ToString()
    {
        var text = new StringBuilder();
        text.AppendLine($"{Requests} hostile requests to {PerEndpoint.Count} command endpoints, {ServerErrors} × 5xx");
        text.AppendLine("statuses: " + string.Join(", ", Statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} × {s.Value}")));
        foreach (var finding in Findings.Take(40)) text.AppendLine(finding);
        return text.ToString();
    }
}

/// <summary>
/// Sends generated requests one at a time and checks each answer: never a 5xx; every 4xx is an RFC 9457 problem
/// and leaves the event log and every document table as they were. Each request runs in a tracked Wolverine session,
/// so the messages a success sets off are done before the next request starts.
/// </summary>
public sealed class HostileRun(AppFixture app, World world)
{
    private string? _fingerprintSql;

    public async Task<HostileReport> RunAsync(IReadOnlyList<CommandEndpoint> endpoints, int perEndpoint, ulong seed)
    {
        var report = new HostileReport();
        var pcg = new PCG(7, seed);
        var generators = endpoints.Select(e => HostileRequests.For(e, world)).ToList();
        for (var round = 0; round < perEndpoint; round++)
        {
            for (var i = 0; i < endpoints.Count; i++)
            {
                var hostile = generators[i].Generate(pcg, null, out _);
                await SendAsync(hostile, report);
            }
        }
        return report;
    }

    private async Task SendAsync(HostileCase hostile, HostileReport report)
    {
        var before = await FingerprintAsync();
        IScenarioResult? result = null;
        var tracked = await app.Host.TrackActivity().Timeout(TimeSpan.FromSeconds(60)).DoNotAssertOnExceptionsDetected()
            .ExecuteAndWaitAsync((Func<Wolverine.IMessageContext, Task>)(async _ => result = await app.Host.Scenario(s =>
            {
                switch (hostile.Endpoint.Method)
                {
                    case "PUT": s.Put.Url(hostile.Path); break;
                    case "PATCH": s.Patch.Url(hostile.Path); break;
                    case "DELETE": s.Delete.Url(hostile.Path); break;
                    default: s.Post.Url(hostile.Path); break;
                }
                s.ConfigureHttpContext(c =>
                {
                    c.Request.Body = new MemoryStream(hostile.Body);
                    c.Request.ContentLength = hostile.Body.Length;
                    c.Request.ContentType = hostile.ContentType;
                });
                if (hostile.Caller.Role is { } role) s.WithBearer(app.Token(role, role == "municipality" ? world.MunicipalityId : null));
                if (hostile.IdempotencyKey is { } key) s.WithRequestHeader("Idempotency-Key", key);
                s.IgnoreStatusCode();
            })));

        var status = result!.Context.Response.StatusCode;
        report.Requests++;
        report.Statuses[status] = report.Statuses.GetValueOrDefault(status) + 1;
        report.PerEndpoint[hostile.Endpoint.ToString()] = report.PerEndpoint.GetValueOrDefault(hostile.Endpoint.ToString()) + 1;

        if (status >= 500)
        {
            report.ServerErrors++;
            report.Findings.Add($"{status}: {hostile}");
        }
        else if (status >= 400)
        {
            var contentType = result.Context.Response.ContentType ?? "";
            if (!contentType.StartsWith("application/problem+json", StringComparison.Ordinal))
                report.Findings.Add($"{status} without a problem body ({contentType}): {hostile}");
            var after = await FingerprintAsync();
            if (after != before) report.Findings.Add($"{status} but the store changed ({before} → {after}): {hostile}");
        }

        foreach (var exception in tracked.AllExceptions())
        {
            report.Findings.Add($"{status}, then a message failed ({exception.GetType().Name}: {exception.Message}): {hostile}");
        }
    }

    /// <summary>Count and highest sequence of the event log, and count and version hash of every document table.</summary>
    public async Task<string> FingerprintAsync()
    {
        await using var connection = new NpgsqlConnection(AppFixture.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        if (_fingerprintSql is null)
        {
            await using var tables = new NpgsqlCommand(
                "select table_name from information_schema.tables where table_schema = @schema and table_name like 'mt_doc_%' " +
                "and table_name <> 'mt_doc_idempotencyrecord' order by table_name", connection);
            tables.Parameters.AddWithValue("schema", app.Schema);
            var names = new List<string>();
            await using (var reader = await tables.ExecuteReaderAsync(TestContext.Current.CancellationToken))
            {
                while (await reader.ReadAsync(TestContext.Current.CancellationToken)) names.Add(reader.GetString(0));
            }
            // The daemon's views are derived from events alone (checked above): they may still catch up with an
            // earlier success while a later request is refused.
            names = names.Except(StoreModel.AsyncProjectionTables(app.Store)).ToList();
            _fingerprintSql = $"select (select count(*)::text || '/' || coalesce(max(seq_id), 0)::text from {app.Schema}.mt_events)"
                + string.Concat(names.Select(t => $" || ' {t}:' || (select count(*)::text || '/' || coalesce(sum(hashtext(id::text || mt_version::text)), 0)::text from {app.Schema}.{t})"));
        }
        await using var command = new NpgsqlCommand(_fingerprintSql, connection);
        return (string)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}
