using FlutHilfe.Domain.Shared;
using JasperFx.Events;
using Marten;
using Npgsql;

namespace FlutHilfe.Api.Audit.Export;

/// <summary>
/// What the audit features need to read the event log with plain SQL: the event tables' schema, a connection of their
/// own, and per stored event type name (<c>mt_events.type</c>, the stable name, e.g. <c>donation_pledged</c>) its .NET
/// type and the kind of stream it belongs to (the state it folds into: appeal, donation, payment, statement, allocation,
/// receipt).
/// </summary>
public sealed class EventCatalogue
{
    private readonly IDocumentStore _store;
    private volatile bool _schemaChecked;

    public EventCatalogue(IDocumentStore store)
    {
        _store = store;
        Schema = store.Options.Events.DatabaseSchemaName;
        var byName = new Dictionary<string, (Type Type, string Kind)>(StringComparer.Ordinal);
        foreach (var t in store.Options.Events.AllKnownEventTypes())
        {
            if (KindOf(t.EventType) is { } kind) byName[t.EventTypeName] = (t.EventType, kind);
        }
        ByName = byName;
        Kinds = byName.Values.Select(v => v.Kind).Distinct().Order(StringComparer.Ordinal).ToList();
    }

    public string Schema { get; }

    public IReadOnlyDictionary<string, (Type Type, string Kind)> ByName { get; }

    public IReadOnlyList<string> Kinds { get; }

    public string KindOfName(string typeName) => ByName.TryGetValue(typeName, out var t) ? t.Kind : "unknown";

    public string[] NamesOfKind(string kind) => ByName.Where(p => p.Value.Kind == kind).Select(p => p.Key).ToArray();

    /// <summary>A connection to the event store's database, not from a session (long reads must not hold a unit of work).</summary>
    public async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        // The audit tables are read with plain SQL, which Marten's lazy creation does not see: make sure they exist
        // (the running service did so at start; the command line's host is never started).
        if (!_schemaChecked)
        {
            await _store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            _schemaChecked = true;
        }
        var connection = _store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        return connection;
    }

    /// <summary>The stream kind of a domain event: its <see cref="IEventOf{TState}"/> state, in camel case (BankStatement → statement).</summary>
    public static string? KindOf(Type eventType)
    {
        var state = eventType.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEventOf<>))?.GetGenericArguments()[0];
        if (state is null) return null;
        return state.Name == "BankStatement" ? "statement" : char.ToLowerInvariant(state.Name[0]) + state.Name[1..];
    }
}
