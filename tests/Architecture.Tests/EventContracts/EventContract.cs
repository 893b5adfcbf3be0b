using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FlutHilfe.Api.Infrastructure;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events;

namespace FlutHilfe.Architecture.Tests.EventContracts;

/// <summary>A committed sample: the name Marten stores an event under (<c>mt_events.type</c>) and its data as stored.</summary>
public sealed record EventSample(string EventType, JsonObject Data)
{
    public static EventSample Read(string path)
    {
        var root = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        return new EventSample((string)root["eventType"]!, root["data"]!.AsObject());
    }

    public string ToFileText() => new JsonObject { ["eventType"] = EventType, ["data"] = Data.DeepClone() }
        .ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
}

/// <summary>
/// The event store as the service configures it (<see cref="MartenModel.ConfigureFlutHilfeModel"/>: serializer, casing,
/// enum storage, projections), built without a database, and the event types it must be able to read for ten years.
/// </summary>
public static partial class EventContract
{
    public static readonly StoreOptions Options = CreateOptions();

    /// <summary>Where the committed samples are: the current shape of each event type, and <c>History/</c> older ones.</summary>
    public static string Directory => Path.Combine(Layering.Projects.RepositoryRoot, "tests", "Architecture.Tests", "EventContracts");

    public static StoreOptions CreateOptions()
    {
        var options = new StoreOptions();
        options.Connection("Host=127.0.0.1;Database=unused");
        options.ConfigureFlutHilfeModel();
        return options;
    }

    /// <summary>
    /// Every event type of ours: those the store's projections and snapshots fold, those registered with the store, and
    /// every public type of the domain named like an event (past tense: "…ed", "…Split", "…Withdrawn", …), so that an
    /// event type that nothing folds yet is not forgotten either.
    /// </summary>
    public static IReadOnlyList<Type> EventTypes()
    {
        var folded = Options.Projections.All.OfType<EventFilterable>().SelectMany(p => p.IncludedEventTypes);
        var registered = ((IReadOnlyEventStoreOptions)Options.Events).AllKnownEventTypes().Select(e => e.EventType);
        var named = Layering.Projects.DomainAssembly.GetExportedTypes().Where(t => t.IsClass && !t.IsAbstract && PastTense().IsMatch(t.Name));
        return [.. folded.Concat(registered).Concat(named)
            .Where(t => t is { IsAbstract: false, IsInterface: false } && t.Namespace?.StartsWith("FlutHilfe.", StringComparison.Ordinal) == true)
            .Distinct().OrderBy(t => t.Name, StringComparer.Ordinal)];
    }

    /// <summary>The name Marten stores the type under (<c>mt_events.type</c>): from the class name, not its namespace.</summary>
    public static string StoredName(Type eventType) => ((EventGraph)Options.Events).EventMappingFor(eventType).EventTypeName;

    public static JsonObject Serialize(object data) => JsonNode.Parse(Options.Serializer().ToJson(data))!.AsObject();

    public static object Deserialize(JsonObject data, Type type)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(data.ToJsonString()));
        return Options.Serializer().FromJson(type, stream);
    }

    [GeneratedRegex("(ed|Split|Undone|Withdrawn|Paid|Sent|Made|Given|Taken|Written|Held|Kept|Spent|Lost|Won|Done)$")]
    private static partial Regex PastTense();
}
