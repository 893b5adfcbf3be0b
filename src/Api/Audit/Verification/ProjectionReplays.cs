using System.Text.Json;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Projections.Replaying;
using FlutHilfe.Projections.Snapshots;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;

namespace FlutHilfe.Api.Audit.Verification;

/// <summary>
/// A fresh, in-memory copy of one configured projection, fed with events and folded by that projection's own
/// <c>Evolve</c>: nothing is written anywhere, so the live documents are never touched.
/// </summary>
public abstract class ProjectionReplay
{
    public required string Name { get; init; }
    public required Type DocumentType { get; init; }
    public required ProjectionLifecycle Lifecycle { get; init; }
    public required string Table { get; init; }

    /// <summary>The event types (stored names) this projection folds.</summary>
    public required IReadOnlySet<Type> EventTypes { get; init; }

    /// <summary>The projections the store is configured with, each as a replay; those of an unknown shape come back by name.</summary>
    public static (IReadOnlyList<ProjectionReplay> Replays, IReadOnlyList<string> Unknown) For(IDocumentStore store)
    {
        var replays = new List<ProjectionReplay>();
        var unknown = new List<string>();
        foreach (var projection in ((DocumentStore)store).Options.Projections.All)
        {
            var type = projection.GetType();
            ProjectionReplay? replay = null;
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(StreamSnapshot<>))
            {
                replay = (ProjectionReplay)Activator.CreateInstance(typeof(SnapshotReplay<>).MakeGenericType(type.GetGenericArguments()), projection, store)!;
            }
            else if (ReadModelBase(type) is { } readModel)
            {
                replay = (ProjectionReplay)Activator.CreateInstance(typeof(ReadModelReplay<,>).MakeGenericType(readModel.GetGenericArguments()), projection, store)!;
            }
            if (replay is null)
            {
                unknown.Add(projection.Name);
                continue;
            }
            replays.Add(replay);
        }
        return (replays, unknown);

        static Type? ReadModelBase(Type? t)
        {
            for (; t is not null; t = t.BaseType)
                if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(ReadModelProjection<,>)) return t;
            return null;
        }
    }

    protected static string TableOf(IDocumentStore store, Type documentType)
        => store.Options.FindOrResolveDocumentType(documentType).TableName.QualifiedName;
}

/// <summary>One stream's state at a time (a stream-kind snapshot: appeal, donation, payment, …), by <c>StreamSnapshot.Evolve</c>.</summary>
public sealed class SnapshotReplay<TState> : ProjectionReplay, ISnapshotReplay where TState : class
{
    private readonly StreamSnapshot<TState> _projection;

    [System.Diagnostics.CodeAnalysis.SetsRequiredMembers]
    public SnapshotReplay(StreamSnapshot<TState> projection, IDocumentStore store)
    {
        _projection = projection;
        Name = projection.Name;
        DocumentType = typeof(TState);
        Lifecycle = projection.Lifecycle;
        Table = TableOf(store, typeof(TState));
        EventTypes = DomainEvents.Implementing(typeof(IEventOf<TState>)).ToHashSet();
    }

    public object? Apply(object? state, Guid streamId, IEvent e) => _projection.Evolve((TState?)state, streamId, e);
}

/// <summary>A read model across streams (fund balances, municipality balances, appeal totals, …), routed and folded by its projection.</summary>
public sealed class ReadModelReplay<TDoc, TRoute> : ProjectionReplay, IReadModelReplay
    where TDoc : class, IReadModel<TDoc, TRoute>
    where TRoute : class
{
    private readonly ReadModelProjection<TDoc, TRoute> _projection;
    private readonly Dictionary<string, TDoc> _documents = new(StringComparer.Ordinal);

    [System.Diagnostics.CodeAnalysis.SetsRequiredMembers]
    public ReadModelReplay(ReadModelProjection<TDoc, TRoute> projection, IDocumentStore store)
    {
        _projection = projection;
        Name = projection.Name;
        DocumentType = typeof(TDoc);
        Lifecycle = projection.Lifecycle;
        Table = TableOf(store, typeof(TDoc));
        EventTypes = DomainEvents.Implementing(typeof(TRoute)).ToHashSet();
    }

    public void Apply(IEvent e)
    {
        if (e.Data is not TRoute routed) return;
        foreach (var id in TDoc.IdsFor(routed))
        {
            var next = _projection.Evolve(_documents.GetValueOrDefault(id), id, e);
            if (next is null) _documents.Remove(id);
            else _documents[id] = next;
        }
    }

    public IEnumerable<(string Id, object Document)> Documents => _documents.Select(p => (p.Key, (object)p.Value));
}

public interface ISnapshotReplay
{
    object? Apply(object? state, Guid streamId, IEvent e);
}

public interface IReadModelReplay
{
    void Apply(IEvent e);

    IEnumerable<(string Id, object Document)> Documents { get; }
}

/// <summary>Compares two JSON documents and lists where they differ, by JSON path.</summary>
public static class JsonDiff
{
    public static List<(string Path, string? Stored, string? Replayed)> Compare(string stored, string replayed, int max = 20)
    {
        using var a = JsonDocument.Parse(stored);
        using var b = JsonDocument.Parse(replayed);
        var result = new List<(string, string?, string?)>();
        Walk(a.RootElement, b.RootElement, "$", result, max);
        return result;
    }

    private static void Walk(JsonElement? stored, JsonElement? replayed, string path, List<(string, string?, string?)> result, int max)
    {
        if (result.Count >= max) return;
        if (stored is not { } s || replayed is not { } r)
        {
            if (stored is null && replayed is null) return;
            result.Add((path, stored?.GetRawText(), replayed?.GetRawText()));
            return;
        }
        if (s.ValueKind == JsonValueKind.Object && r.ValueKind == JsonValueKind.Object)
        {
            var names = s.EnumerateObject().Select(p => p.Name).Union(r.EnumerateObject().Select(p => p.Name)).Order(StringComparer.Ordinal);
            foreach (var name in names)
                Walk(s.TryGetProperty(name, out var sv) ? sv : null, r.TryGetProperty(name, out var rv) ? rv : null, $"{path}.{name}", result, max);
            return;
        }
        if (s.ValueKind == JsonValueKind.Array && r.ValueKind == JsonValueKind.Array)
        {
            var sl = s.EnumerateArray().ToList();
            var rl = r.EnumerateArray().ToList();
            for (var i = 0; i < Math.Max(sl.Count, rl.Count); i++)
                Walk(i < sl.Count ? sl[i] : null, i < rl.Count ? rl[i] : null, $"{path}[{i}]", result, max);
            return;
        }
        if (s.ValueKind == JsonValueKind.Number && r.ValueKind == JsonValueKind.Number
            && s.TryGetDecimal(out var sd) && r.TryGetDecimal(out var rd) && sd == rd) return;
        if (s.ValueKind == r.ValueKind && s.ValueKind is JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null) return;
        if (s.ValueKind == JsonValueKind.String && r.ValueKind == JsonValueKind.String && s.GetString() == r.GetString()) return;
        result.Add((path, s.GetRawText(), r.GetRawText()));
    }
}
