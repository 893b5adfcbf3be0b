using Marten;

namespace FlutHilfe.Api.Infrastructure.Streams;

/// <summary>
/// The current versions of many streams in one query, for a writer that decides on states it read in bulk (the statement
/// import) rather than through <c>FetchForWriting</c> one stream at a time: it appends at the version it read, and Marten
/// refuses the commit when another writer appended since (the retry reads and decides again). Read the versions before
/// the states: a change in between makes the expected version too low (a refusal), never too high (a stale decision).
/// </summary>
public static class StreamVersions
{
    /// <summary>Stream id → version, for the streams that exist.</summary>
    public static async Task<Dictionary<Guid, long>> ReadAsync(IQuerySession session, IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        if (ids.Count == 0) return [];
        var streams = $"{session.DocumentStore.Options.Events.DatabaseSchemaName}.mt_streams";
        var rows = await session.AdvancedSql.QueryAsync<Guid, long>($"select row(id), row(version) from {streams} where id = any(?)", ct,
            (object)ids.Distinct().ToArray());
        return rows.ToDictionary(r => r.Item1, r => r.Item2);
    }
}
