using FlutHilfe.Api.Audit.Export;
using Npgsql;
using NpgsqlTypes;

namespace FlutHilfe.Api.Audit.TamperEvidence;

public sealed record AuditSettings
{
    /// <summary>How often every node tries to extend the chain (one wins, by an advisory lock); zero turns it off.</summary>
    public TimeSpan SealInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>A signed checkpoint after every so many sealed events (and on demand).</summary>
    public int CheckpointEvery { get; init; } = 10_000;

    public string? CheckpointSigningKey { get; init; }

    public IReadOnlyList<string> TrustedPublicKeys { get; init; } = [];
}

public sealed record SealResult(bool Sealed, long NewLinks, long LastSequence, long Links, IReadOnlyList<Checkpoint> Checkpoints);

/// <summary>
/// Extends the hash chain over events not yet sealed, up to the daemon's high-water mark (the highest sequence below
/// which no transaction can still commit an event, so an event can never appear later inside the sealed range), and signs
/// a checkpoint every <see cref="AuditSettings.CheckpointEvery"/> events or when asked. One node at a time (transaction
/// advisory lock); everything in one transaction, so a crash leaves the chain as it was.
/// </summary>
public sealed class ChainSealer(EventCatalogue catalogue, CheckpointKeys keys, AuditSettings settings, TimeProvider clock)
{
    private const int Batch = 5_000;

    public async Task<SealResult> SealAsync(bool checkpointNow, CancellationToken ct)
    {
        var s = catalogue.Schema;
        await using var connection = await catalogue.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (!await ScalarAsync<bool>(connection, "select pg_try_advisory_xact_lock(hashtext(@name))", ("name", s + "." + ChainTables.Links)))
            return new SealResult(false, 0, 0, 0, []);

        var (lastSequence, lastHash, links) = await LastLinkAsync(connection, s, ct);
        var (checkpointSequence, _) = await LastCheckpointAsync(connection, s, ct);
        var sinceCheckpoint = await ScalarAsync<long>(connection, $"select count(*) from {s}.{ChainTables.Links} where seq_id > @after", ("after", checkpointSequence));
        var horizon = await HorizonAsync(connection, s, ct);

        var checkpoints = new List<Checkpoint>();
        var added = 0L;
        while (lastSequence < horizon)
        {
            var events = await ReadBatchAsync(connection, s, lastSequence, horizon, ct);
            if (events.Count == 0) break;
            var batch = new List<(long Sequence, byte[] Hash)>(events.Count);
            foreach (var e in events)
            {
                lastHash = EventChain.Next(lastHash, e);
                lastSequence = e.Sequence;
                batch.Add((e.Sequence, lastHash));
                links++;
                sinceCheckpoint++;
                if (sinceCheckpoint >= settings.CheckpointEvery && keys.CanSign)
                {
                    checkpoints.Add(keys.Sign(e.Sequence, lastHash, links, clock.GetUtcNow()));
                    sinceCheckpoint = 0;
                }
            }
            await using (var import = await connection.BeginBinaryImportAsync($"copy {s}.{ChainTables.Links} (seq_id, hash) from stdin (format binary)", ct))
            {
                foreach (var (sequence, hash) in batch)
                {
                    await import.StartRowAsync(ct);
                    await import.WriteAsync(sequence, NpgsqlDbType.Bigint, ct);
                    await import.WriteAsync(hash, NpgsqlDbType.Bytea, ct);
                }
                await import.CompleteAsync(ct);
            }
            added += batch.Count;
        }
        if (checkpointNow && sinceCheckpoint > 0 && keys.CanSign && lastSequence > 0)
            checkpoints.Add(keys.Sign(lastSequence, lastHash, links, clock.GetUtcNow()));
        foreach (var c in checkpoints) await InsertAsync(connection, s, c, ct);
        await transaction.CommitAsync(ct);
        return new SealResult(true, added, lastSequence, links, checkpoints);
    }

    private static async Task<(long Sequence, byte[] Hash, long Links)> LastLinkAsync(NpgsqlConnection connection, string s, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"select seq_id, hash, (select count(*) from {s}.{ChainTables.Links}) from {s}.{ChainTables.Links} order by seq_id desc limit 1", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetInt64(0), (byte[])reader.GetValue(1), reader.GetInt64(2)) : (0, EventChain.Genesis, 0);
    }

    private static async Task<(long Sequence, long Events)> LastCheckpointAsync(NpgsqlConnection connection, string s, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"select seq_id, events from {s}.{ChainTables.Checkpoints} order by seq_id desc limit 1", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetInt64(0), reader.GetInt64(1)) : (0, 0);
    }

    /// <summary>The daemon's high-water mark; without a daemon (no progression yet) the highest sequence.</summary>
    private static async Task<long> HorizonAsync(NpgsqlConnection connection, string s, CancellationToken ct)
    {
        var mark = await ScalarAsync<long?>(connection, $"select last_seq_id from {s}.mt_event_progression where name = 'HighWaterMark'");
        return mark ?? await ScalarAsync<long>(connection, $"select coalesce(max(seq_id), 0) from {s}.mt_events");
    }

    private static async Task<List<ChainedEvent>> ReadBatchAsync(NpgsqlConnection connection, string s, long after, long horizon, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"select seq_id, stream_id, version, type, timestamp, data::text from {s}.mt_events where seq_id > @after and seq_id <= @horizon order by seq_id limit {Batch}", connection);
        command.Parameters.AddWithValue("after", after);
        command.Parameters.AddWithValue("horizon", horizon);
        var events = new List<ChainedEvent>(Batch);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) events.Add(Read(reader));
        return events;
    }

    /// <summary>The chained fields of an event row read as <c>seq_id, stream_id, version, type, timestamp, data::text</c> from <paramref name="first"/> on.</summary>
    public static ChainedEvent Read(NpgsqlDataReader reader, int first = 0)
        => new(reader.GetInt64(first), reader.GetGuid(first + 1), reader.GetInt64(first + 2), reader.GetString(first + 3), reader.GetDateTime(first + 4),
            EventChain.CanonicalJson(reader.GetString(first + 5)));

    private static async Task InsertAsync(NpgsqlConnection connection, string s, Checkpoint c, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"insert into {s}.{ChainTables.Checkpoints} (seq_id, hash, events, signed_at, key_id, signature) values (@seq, @hash, @events, @at, @key, @signature)", connection);
        command.Parameters.AddWithValue("seq", c.Sequence);
        command.Parameters.AddWithValue("hash", c.Hash);
        command.Parameters.AddWithValue("events", c.Events);
        command.Parameters.AddWithValue("at", c.SignedAt);
        command.Parameters.AddWithValue("key", c.KeyId);
        command.Parameters.AddWithValue("signature", c.Signature);
        await command.ExecuteNonQueryAsync(ct);
    }

    public static async Task<IReadOnlyList<Checkpoint>> CheckpointsAsync(NpgsqlConnection connection, string s, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"select seq_id, hash, events, signed_at, key_id, signature from {s}.{ChainTables.Checkpoints} order by seq_id", connection);
        var result = new List<Checkpoint>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            result.Add(new Checkpoint(reader.GetInt64(0), (byte[])reader.GetValue(1), reader.GetInt64(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetString(4), (byte[])reader.GetValue(5)));
        return result;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        var result = await command.ExecuteScalarAsync();
        return result is null or DBNull ? default! : (T)result;
    }
}
