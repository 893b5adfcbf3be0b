using System.Data;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using FlutHilfe.Api.Audit.Export;
using FlutHilfe.Api.Audit.TamperEvidence;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Npgsql;

namespace FlutHilfe.Api.Audit.Verification;

/// <summary>
/// <c>audit verify</c>: in one consistent snapshot of the database (REPEATABLE READ, shared by two connections through
/// <c>pg_export_snapshot</c>), (1) recomputes the hash chain over every event and checks each sealed link and each signed
/// checkpoint, (2) replays the whole log into fresh in-memory copies of every configured projection (their own Evolve code)
/// and compares every document with the stored one, field by field, (3) hashes every attached voucher again. Reads only:
/// nothing it does can change a live document. Memory: stream snapshots are replayed stream by stream (events ordered by
/// stream) and compared in batches; read models across streams are few documents.
/// </summary>
public sealed class AuditVerifier(IDocumentStore store, EventCatalogue catalogue, CheckpointKeys keys, TimeProvider clock)
{
    private IDocumentStore Store => store;
    private EventCatalogue Catalogue => catalogue;
    private CheckpointKeys Keys => keys;

    public const int DifferencesMax = 1_000;
    private const int CompareBatch = 500;

    public async Task<VerificationReport> VerifyAsync(CancellationToken ct)
    {
        var started = Stopwatch.StartNew();
        await using var main = await catalogue.OpenAsync(ct);
        await using var side = await catalogue.OpenAsync(ct);
        await using var mainTx = await main.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        var snapshot = await ScalarAsync<string>(main, "select pg_export_snapshot()", ct);
        await using var sideTx = await side.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        await ExecuteAsync(side, $"set transaction snapshot '{snapshot}'", ct);

        var run = new Run(this, main, side, ct);
        await run.ChainAsync();
        await run.ProjectionsAsync();
        await run.DocumentsAsync();
        return new VerificationReport(run.Differences.Count == 0, clock.GetUtcNow(), run.Events, run.LastSequence, run.Counts, run.Unknown,
            run.Sealed, run.Unsealed, run.CheckpointsChecked, run.DocumentsChecked, Math.Round(started.Elapsed.TotalSeconds, 3), run.Differences, run.Truncated);
    }

    private sealed class Run(AuditVerifier v, NpgsqlConnection main, NpgsqlConnection side, CancellationToken ct)
    {
        private readonly string _s = v.Catalogue.Schema;
        private readonly Dictionary<Guid, string> _vouchers = [];
        public List<Difference> Differences { get; } = [];
        public bool Truncated { get; private set; }
        public long Events { get; private set; }
        public long LastSequence { get; private set; }
        public long Sealed { get; private set; }
        public long Unsealed { get; private set; }
        public int CheckpointsChecked { get; private set; }
        public int DocumentsChecked { get; private set; }
        public List<ProjectionCount> Counts { get; } = [];
        public List<string> Unknown { get; } = [];

        private void Add(Difference d)
        {
            if (Differences.Count < DifferencesMax) Differences.Add(d);
            else Truncated = true;
        }

        // --- the hash chain -------------------------------------------------------------------------------------

        public async Task ChainAsync()
        {
            var checkpoints = (await ChainSealer.CheckpointsAsync(side, _s, ct)).ToDictionary(c => c.Sequence);
            foreach (var c in checkpoints.Values)
            {
                CheckpointsChecked++;
                if (v.Keys.Check(c) is { } why) Add(new("checkpoint", null, null, null, null, null, c.Sequence, $"Checkpoint at sequence {c.Sequence}: {why}."));
            }
            var lastSealed = await ScalarAsync<long>(side, $"select coalesce(max(seq_id), 0) from {_s}.{ChainTables.Links}", ct);

            await using var command = new NpgsqlCommand($"""
                select e.seq_id, e.stream_id, e.version, e.type, e.timestamp, e.data::text, c.seq_id, c.hash
                from {_s}.mt_events e full join {_s}.{ChainTables.Links} c on c.seq_id = e.seq_id
                order by coalesce(e.seq_id, c.seq_id)
                """, main) { CommandTimeout = 0 };
            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);
            var computed = EventChain.Genesis;
            var stored = EventChain.Genesis;
            while (await reader.ReadAsync(ct))
            {
                var hasEvent = !reader.IsDBNull(0);
                ChainedEvent? e = hasEvent ? ChainSealer.Read(reader) : null;
                var linkSequence = reader.IsDBNull(6) ? (long?)null : reader.GetInt64(6);
                var link = linkSequence is null ? null : (byte[])reader.GetValue(7);
                var sequence = e?.Sequence ?? linkSequence!.Value;

                if (e is { } ev)
                {
                    Events++;
                    LastSequence = ev.Sequence;
                    var next = EventChain.Next(computed, ev);
                    if (link is not null)
                    {
                        Sealed++;
                        // Each link checked against the stored link before it, so every changed event is named on its own.
                        var local = computed.AsSpan().SequenceEqual(stored) ? next : EventChain.Next(stored, ev);
                        if (!local.AsSpan().SequenceEqual(link))
                            Add(new("chain", null, ev.StreamId.ToString(), null, Convert.ToHexStringLower(link), Convert.ToHexStringLower(local), ev.Sequence,
                                $"Event {ev.Sequence} ({ev.Type}, stream {ev.StreamId}, version {ev.Version}) does not match its sealed hash: the stored event was changed after it was sealed."));
                    }
                    else if (ev.Sequence <= lastSealed)
                    {
                        Add(new("chain", null, ev.StreamId.ToString(), null, null, Convert.ToHexStringLower(next), ev.Sequence,
                            $"Event {ev.Sequence} ({ev.Type}) lies inside the sealed range but was never sealed: it was inserted afterwards."));
                    }
                    else
                    {
                        Unsealed++;
                    }
                    computed = next;
                    if (ev.Type == "spending_reported") Voucher(ev.CanonicalData);
                }
                else
                {
                    Add(new("chain", null, null, null, Convert.ToHexStringLower(link!), null, sequence,
                        $"Sealed event {sequence} is missing: it was deleted after it was sealed."));
                }
                if (link is not null) stored = link;

                if (checkpoints.Remove(sequence, out var checkpoint))
                {
                    if (link is null || !checkpoint.Hash.AsSpan().SequenceEqual(link))
                        Add(new("checkpoint", null, null, null, Convert.ToHexStringLower(checkpoint.Hash), link is null ? null : Convert.ToHexStringLower(link), sequence,
                            $"Checkpoint at sequence {sequence} does not match the stored chain: the chain's links were rewritten."));
                    if (!checkpoint.Hash.AsSpan().SequenceEqual(computed))
                        Add(new("checkpoint", null, null, null, Convert.ToHexStringLower(checkpoint.Hash), Convert.ToHexStringLower(computed), sequence,
                            $"The chain recomputed from the events up to sequence {sequence} differs from the signed checkpoint there: an event up to it was changed, added or deleted."));
                }
            }
            foreach (var c in checkpoints.Values)
                Add(new("checkpoint", null, null, null, Convert.ToHexStringLower(c.Hash), null, c.Sequence, $"Checkpoint at sequence {c.Sequence} names an event that is not in the log."));
        }

        private void Voucher(string data)
        {
            using var json = JsonDocument.Parse(data);
            if (json.RootElement.TryGetProperty("document", out var document) && document.ValueKind == JsonValueKind.Object
                && document.TryGetProperty("documentId", out var id) && id.TryGetGuid(out var documentId)
                && document.TryGetProperty("sha256", out var sha) && sha.GetString() is { } hash)
                _vouchers[documentId] = hash;
        }

        // --- the projections -----------------------------------------------------------------------------------

        public async Task ProjectionsAsync()
        {
            var (replays, unknown) = ProjectionReplay.For(v.Store);
            Unknown.AddRange(unknown);
            foreach (var name in unknown)
                Add(new("projection", null, null, null, null, null, null, $"Projection {name} has a shape verification does not know; it was not verified."));
            var progress = await ProgressAsync();
            var bounds = replays.ToDictionary(r => r, r => r.Lifecycle == ProjectionLifecycle.Async ? progress.GetValueOrDefault(r.Name + ":All") : long.MaxValue);

            await ReadModelsAsync(replays.Where(r => r is IReadModelReplay).ToList(), bounds);
            await SnapshotsAsync(replays.Where(r => r is not IReadModelReplay).ToList(), bounds);
        }

        /// <summary>The event of the current row, or null (reported) when its stored data no longer reads as that event.</summary>
        private IEvent? ReadEvent(NpgsqlDataReader reader, long sequence)
        {
            try { return Event(reader); }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Add(new("replay", null, null, null, null, null, sequence, $"Event {sequence} cannot be read as its type: {ex.Message}"));
                return null;
            }
        }

        private async Task<Dictionary<string, long>> ProgressAsync()
        {
            var result = new Dictionary<string, long>(StringComparer.Ordinal);
            await using var command = new NpgsqlCommand($"select name, last_seq_id from {_s}.mt_event_progression", side);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) result[reader.GetString(0)] = reader.GetInt64(1);
            return result;
        }

        private async Task ReadModelsAsync(List<ProjectionReplay> replays, Dictionary<ProjectionReplay, long> bounds)
        {
            if (replays.Count == 0) return;
            var failed = new HashSet<ProjectionReplay>();
            var names = Names(replays.SelectMany(r => r.EventTypes));
            await using (var command = new NpgsqlCommand($"select seq_id, type, data from {_s}.mt_events where type = any(@types) order by seq_id", main) { CommandTimeout = 0 })
            {
                command.Parameters.AddWithValue("types", names);
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    var sequence = reader.GetInt64(0);
                    if (ReadEvent(reader, sequence) is not { } e) continue;
                    foreach (var r in replays)
                    {
                        if (failed.Contains(r) || sequence > bounds[r] || !r.EventTypes.Contains(e.EventType)) continue;
                        // A changed event may break a projection's own invariants: a finding, never a 500.
                        try { ((IReadModelReplay)r).Apply(e); }
                        catch (Exception ex) when (ex is not OperationCanceledException)
                        {
                            failed.Add(r);
                            Add(new("replay", r.DocumentType.Name, null, null, null, null, sequence,
                                $"The replay of {r.DocumentType.Name} stops at event {sequence} ({e.EventTypeName}): {ex.Message}"));
                        }
                    }
                }
            }
            foreach (var r in replays)
            {
                if (failed.Contains(r)) continue;
                var replayed = ((IReadModelReplay)r).Documents.ToDictionary(d => d.Id, d => d.Document, StringComparer.Ordinal);
                var storedIds = new HashSet<string>(StringComparer.Ordinal);
                await using (var command = new NpgsqlCommand($"select id::text, data::text from {r.Table}", side))
                await using (var reader = await command.ExecuteReaderAsync(ct))
                {
                    while (await reader.ReadAsync(ct))
                    {
                        var id = reader.GetString(0);
                        storedIds.Add(id);
                        Compare(r, id, reader.GetString(1), replayed.GetValueOrDefault(id));
                    }
                }
                foreach (var (id, document) in replayed.Where(p => !storedIds.Contains(p.Key))) Compare(r, id, null, document);
                Counts.Add(new(r.DocumentType.Name, r.Name, r.Lifecycle.ToString(), Math.Min(bounds[r], LastSequence), replayed.Count));
            }
        }

        private async Task SnapshotsAsync(List<ProjectionReplay> replays, Dictionary<ProjectionReplay, long> bounds)
        {
            if (replays.Count == 0) return;
            var byEventType = replays.SelectMany(r => r.EventTypes.Select(t => (t, r))).ToLookup(p => p.t, p => p.r);
            var names = Names(replays.SelectMany(r => r.EventTypes));
            var replayedIds = replays.ToDictionary(r => r, _ => new HashSet<Guid>());
            var finished = new List<(ProjectionReplay Replay, Guid Id, object? State)>();
            var states = new Dictionary<ProjectionReplay, object?>();
            Guid? stream = null;

            async Task EndStreamAsync()
            {
                foreach (var (r, state) in states)
                {
                    replayedIds[r].Add(stream!.Value);
                    finished.Add((r, stream.Value, state));
                }
                states.Clear();
                if (finished.Count >= CompareBatch) await CompareBatchAsync(finished);
            }

            await using (var command = new NpgsqlCommand($"select seq_id, type, data, stream_id from {_s}.mt_events where type = any(@types) order by stream_id, version", main) { CommandTimeout = 0 })
            {
                command.Parameters.AddWithValue("types", names);
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    var id = reader.GetGuid(3);
                    if (stream != id)
                    {
                        if (stream is not null) await EndStreamAsync();
                        stream = id;
                    }
                    var sequence = reader.GetInt64(0);
                    if (ReadEvent(reader, sequence) is not { } e) continue;
                    foreach (var r in byEventType[e.EventType])
                    {
                        if (sequence > bounds[r]) continue;
                        try { states[r] = ((ISnapshotReplay)r).Apply(states.GetValueOrDefault(r), id, e); }
                        catch (Exception ex) when (ex is not OperationCanceledException)
                        {
                            Add(new("replay", r.DocumentType.Name, id.ToString(), null, null, null, sequence,
                                $"The replay of {r.DocumentType.Name} {id} fails at event {sequence} ({e.EventTypeName}): {ex.Message}"));
                        }
                    }
                }
                if (stream is not null) await EndStreamAsync();
            }
            await CompareBatchAsync(finished);

            foreach (var r in replays)
            {
                // Stored snapshots whose stream has no events.
                await using var command = new NpgsqlCommand($"select id, data::text from {r.Table}", side) { CommandTimeout = 0 };
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    var id = reader.GetGuid(0);
                    if (!replayedIds[r].Contains(id)) Compare(r, id.ToString(), reader.GetString(1), null);
                }
                Counts.Add(new(r.DocumentType.Name, r.Name, r.Lifecycle.ToString(), Math.Min(bounds[r], LastSequence), replayedIds[r].Count));
            }
        }

        private async Task CompareBatchAsync(List<(ProjectionReplay Replay, Guid Id, object? State)> finished)
        {
            foreach (var group in finished.GroupBy(f => f.Replay))
            {
                var stored = new Dictionary<Guid, string>();
                await using (var command = new NpgsqlCommand($"select id, data::text from {group.Key.Table} where id = any(@ids)", side))
                {
                    command.Parameters.AddWithValue("ids", group.Select(f => f.Id).ToArray());
                    await using var reader = await command.ExecuteReaderAsync(ct);
                    while (await reader.ReadAsync(ct)) stored[reader.GetGuid(0)] = reader.GetString(1);
                }
                foreach (var (replay, id, state) in group) Compare(replay, id.ToString(), stored.GetValueOrDefault(id), state);
            }
            finished.Clear();
        }

        private void Compare(ProjectionReplay r, string id, string? stored, object? replayed)
        {
            var type = r.DocumentType.Name;
            if (stored is null && replayed is null) return;
            if (stored is null)
            {
                Add(new("projection", type, id, "$", null, v.Store.Options.Serializer().ToJson(replayed!), null, $"{type} {id} is missing: the replay produces it, the store does not hold it."));
                return;
            }
            if (replayed is null)
            {
                Add(new("projection", type, id, "$", stored, null, null, $"{type} {id} is stored, but no event produces it."));
                return;
            }
            foreach (var (path, s, rep) in JsonDiff.Compare(stored, v.Store.Options.Serializer().ToJson(replayed)))
                Add(new("projection", type, id, path, s, rep, null, $"{type} {id}: {path} is {s ?? "absent"} in the store, {rep ?? "absent"} after the replay."));
        }

        private string[] Names(IEnumerable<Type> types)
        {
            var wanted = types.ToHashSet();
            return v.Catalogue.ByName.Where(p => wanted.Contains(p.Value.Type)).Select(p => p.Key).ToArray();
        }

        /// <summary>The event of a row read as (…, type, data, …) at columns 1 and 2, deserialized by the store's own serializer.</summary>
        private IEvent Event(NpgsqlDataReader reader)
        {
            var type = v.Catalogue.ByName[reader.GetString(1)].Type;
            var data = v.Store.Options.Serializer().FromJson(type, reader, 2);
            return Wrap(type)(data);
        }

        private static readonly Dictionary<Type, Func<object, IEvent>> Wrappers = [];

        private static Func<object, IEvent> Wrap(Type t)
        {
            lock (Wrappers)
            {
                if (!Wrappers.TryGetValue(t, out var wrap))
                {
                    wrap = (Func<object, IEvent>)typeof(Run).GetMethod(nameof(WrapAs), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
                        .MakeGenericMethod(t).CreateDelegate(typeof(Func<object, IEvent>));
                    Wrappers[t] = wrap;
                }
                return wrap;
            }
        }

        private static IEvent WrapAs<T>(object data) where T : notnull => new Event<T>((T)data);

        // --- attached documents --------------------------------------------------------------------------------

        public async Task DocumentsAsync()
        {
            if (_vouchers.Count == 0) return;
            var table = v.Store.Options.FindOrResolveDocumentType(typeof(FlutHilfe.Api.Documents.StoredDocument)).TableName.QualifiedName;
            foreach (var (id, recorded) in _vouchers)
            {
                await using var command = new NpgsqlCommand($"select data->>'content' from {table} where id = @id", side);
                command.Parameters.AddWithValue("id", id);
                var content = await command.ExecuteScalarAsync(ct) as string;
                DocumentsChecked++;
                if (content is null)
                {
                    Add(new("document", nameof(FlutHilfe.Api.Documents.StoredDocument), id.ToString(), null, null, recorded, null, $"Voucher {id} named by a spending item is missing."));
                    continue;
                }
                var actual = Convert.ToHexStringLower(SHA256.HashData(Convert.FromBase64String(content)));
                if (!string.Equals(actual, recorded, StringComparison.OrdinalIgnoreCase))
                    Add(new("document", nameof(FlutHilfe.Api.Documents.StoredDocument), id.ToString(), "$.content", actual, recorded, null,
                        $"Voucher {id}: its bytes hash to {actual}, the spending item recorded {recorded}."));
            }
        }
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(ct))!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }
}
