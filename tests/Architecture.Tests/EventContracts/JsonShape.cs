using System.Text.Json.Nodes;

namespace FlutHilfe.Architecture.Tests.EventContracts;

/// <summary>Where two JSON documents differ, by path: fields only in the first, fields only in the second, values that differ.</summary>
public sealed record JsonShape(IReadOnlyList<string> OnlyBefore, IReadOnlyList<string> OnlyNow, IReadOnlyList<string> Changed)
{
    public bool Same => OnlyBefore.Count + OnlyNow.Count + Changed.Count == 0;

    /// <summary>A field was removed or renamed, or a value is written differently: events already stored no longer fit.</summary>
    public bool Breaks => OnlyBefore.Count + Changed.Count > 0;

    public override string ToString()
        => $"only before: [{string.Join(", ", OnlyBefore)}]; only now: [{string.Join(", ", OnlyNow)}]; written differently: [{string.Join("; ", Changed)}]";

    public static JsonShape Compare(JsonNode? before, JsonNode? now)
    {
        var onlyBefore = new List<string>();
        var onlyNow = new List<string>();
        var changed = new List<string>();
        Walk(before, now, "", onlyBefore, onlyNow, changed);
        return new JsonShape(onlyBefore, onlyNow, changed);
    }

    private static void Walk(JsonNode? before, JsonNode? now, string path, List<string> onlyBefore, List<string> onlyNow, List<string> changed)
    {
        switch (before, now)
        {
            case (JsonObject b, JsonObject n):
                foreach (var (name, value) in b)
                {
                    if (n.TryGetPropertyValue(name, out var other)) Walk(value, other, Join(path, name), onlyBefore, onlyNow, changed);
                    else onlyBefore.Add(Join(path, name));
                }
                onlyNow.AddRange(n.Where(p => !b.ContainsKey(p.Key)).Select(p => Join(path, p.Key)));
                break;
            case (JsonArray b, JsonArray n):
                for (var i = 0; i < Math.Max(b.Count, n.Count); i++)
                {
                    if (i >= b.Count) onlyNow.Add($"{path}[{i}]");
                    else if (i >= n.Count) onlyBefore.Add($"{path}[{i}]");
                    else Walk(b[i], n[i], $"{path}[{i}]", onlyBefore, onlyNow, changed);
                }
                break;
            default:
                if (!JsonNode.DeepEquals(before, now))
                    changed.Add($"{(path.Length == 0 ? "(the event)" : path)} was {before?.ToJsonString() ?? "null"}, now {now?.ToJsonString() ?? "null"}");
                break;
        }
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";
}
