using System.Collections;
using System.IO.Compression;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using FlutHilfe.TestSupport;

namespace FlutHilfe.Api.Tests.Hostile;

/// <summary>Who sends a request: a role token (municipality clerks of the world's municipality) or nobody.</summary>
public sealed record Caller(string? Role)
{
    public static readonly Caller Anonymous = new((string?)null);
}

/// <summary>One generated request.</summary>
public sealed record HostileCase(CommandEndpoint Endpoint, Caller Caller, string Path, string? ContentType, byte[] Body, string? IdempotencyKey)
{
    public override string ToString()
    {
        var body = Encoding.UTF8.GetString(Body);
        if (body.Length > 300) body = body[..300] + $"… ({Body.Length} bytes)";
        return $"{Endpoint.Method} {Path} as {Caller.Role ?? "anonymous"}, Content-Type {ContentType ?? "(none)"}"
               + (IdempotencyKey is null ? "" : $", Idempotency-Key '{IdempotencyKey}'") + $": {body}";
    }
}

/// <summary>Existing things a request may address, so that generated requests get past "not found".</summary>
public sealed class World
{
    public Dictionary<string, string[]> RouteValues { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Route values for one route only (e.g. close a decoy appeal, so that pledges stay possible).</summary>
    public Dictionary<(string Route, string Parameter), string[]> RouteOverrides { get; } = [];
    public Dictionary<string, string[]> QueryValues { get; } = new(StringComparer.OrdinalIgnoreCase);
    public List<Guid> DonationIds { get; } = [];
    public List<Guid> DocumentIds { get; } = [];
    public string MunicipalityId { get; set; } = "stolberg";
    public string Iban { get; set; } = Requests.AppealIban;
}

/// <summary>
/// Generates requests for a command endpoint from its request type: JSON bodies whose fields are valid, missing,
/// null, of the wrong JSON type, extreme numbers, very long or control-character strings, lists with null items;
/// whole bodies that are null, empty, malformed or not JSON; raw uploads (camt.053 with extreme amounts, ZIPs
/// holding one statement twice, files that are not what they claim); hostile route, query and header values.
/// </summary>
public static class HostileRequests
{
    private static readonly string LongText = new('x', 10_001);

    private static readonly string[] HostileStrings =
    [
        "", "   ", LongText, "Kaiserplatz 1\r\nZusatzzeile", "a\nb", "a\u0000b", "\u0007", "beleg\u202Efdp.exe", "\u2066x\u2069", "\t",
        "'; drop table mt_events; --", "<script>alert(1)</script>", "%00", "../../etc/passwd", "\uFEFFbom", "😀🌊", new string('ä', 600),
        "DE89370400440532013000", "RF18539007547034", "9223372036854775808",
    ];

    private static readonly JsonNode?[] HostileIntegers =
    [
        0, -1, long.MaxValue, long.MinValue, 99_999_999_999L, 100_000_000_000L, int.MaxValue, (long)int.MinValue,
        JsonNode.Parse("1.5"), JsonNode.Parse("1e30"), JsonNode.Parse("-0"), JsonNode.Parse("18446744073709551616"), JsonNode.Parse("5000.0"),
    ];

    public static Gen<HostileCase> For(CommandEndpoint endpoint, World world)
    {
        var caller = CallerGen(endpoint);
        var path = PathGen(endpoint, world);
        var key = Gen.Frequency<string?>(
            (14, Gen.Const((string?)null)),
            (4, Gen.Guid.Select(g => (string?)g.ToString())),
            (1, Gen.OneOf<string?>("", new string('k', 201), "schlüssel", "  ", "a,b")));
        var (contentType, body) = endpoint.ReadsRawBody ? RawBodyGen(endpoint, world) : endpoint.RequestType is { } type ? JsonBodyGen(type, world) : NoBodyGen();
        return Gen.Select(caller, path, contentType, body, key, (c, p, t, b, k) => new HostileCase(endpoint, c, p, t, b, k));
    }

    private static Gen<Caller> CallerGen(CommandEndpoint endpoint)
    {
        var allowed = endpoint.Roles.Count > 0 ? endpoint.Roles.ToArray() : ["treasurer", "municipality", "auditor"];
        var others = new[] { "treasurer", "municipality", "auditor" }.Except(allowed).ToArray();
        var entries = new List<(int, IGen<Caller>)>
        {
            (endpoint.Anonymous ? 6 : 1, Gen.Const(Caller.Anonymous)),
            (8, Gen.OneOf(allowed).Select(r => new Caller(r))),
        };
        if (others.Length > 0) entries.Add((1, Gen.OneOf(others).Select(r => new Caller(r))));
        return Gen.Frequency(entries.ToArray());
    }

    private static Gen<string> PathGen(CommandEndpoint endpoint, World world)
    {
        Gen<string> path = Gen.Const<string>((Func<string>)(() => endpoint.Route));
        foreach (var parameter in endpoint.RouteParameters)
        {
            var valid = world.RouteOverrides.TryGetValue((endpoint.Route, parameter), out var only) ? only
                : world.RouteValues.TryGetValue(parameter, out var values) && values.Length > 0 ? values : ["unknown"];
            var value = Gen.Frequency<string>(
                (8, Gen.OneOf(valid)),
                (1, Gen.OneOf("0196a3c2-0000-7000-8000-000000000001", "x", "%20", "..", "2021-000001", "abc%00def", new string('9', 300), "-1", "ÄÖÜ")));
            path = Gen.Select(path, value, (p, v) => p.Replace("{" + parameter + "}", Uri.EscapeDataString(v), StringComparison.Ordinal));
        }
        foreach (var (name, type) in endpoint.QueryParameters)
        {
            var valid = world.QueryValues.TryGetValue(name, out var values) ? values : ValidQueryValues(type);
            var value = Gen.Frequency<string?>(
                (2, Gen.Const((string?)null)),
                (8, Gen.OneOf(valid).Select(v => (string?)v)),
                (2, Gen.OneOf<string?>("", "abc", "-1", "99999999999999999999", "true", "x\r\ny", new string('q', 3000), "%ZZ", "ä")));
            path = Gen.Select(path, value, (p, v) => v is null ? p : $"{p}{(p.Contains('?') ? '&' : '?')}{name}={Uri.EscapeDataString(v)}");
        }
        return path;
    }

    private static string[] ValidQueryValues(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(bool)) return ["true", "false"];
        if (t == typeof(int) || t == typeof(long)) return ["1", "2021"];
        if (t == typeof(Guid)) return ["0196a3c2-0000-7000-8000-000000000002"];
        return ["beleg.pdf", "x"];
    }

    private static (Gen<string?>, Gen<byte[]>) NoBodyGen()
        => (Gen.OneOf<string?>(null, "application/json", "text/plain"), Gen.OneOf(Array.Empty<byte>(), "{}"u8.ToArray(), "null"u8.ToArray(), "garbage"u8.ToArray()));

    // ---- JSON bodies -------------------------------------------------------------------------------------------

    private static (Gen<string?>, Gen<byte[]>) JsonBodyGen(Type requestType, World world)
    {
        var contentType = Gen.Frequency<string?>(
            (12, Gen.Const<string?>("application/json")),
            (1, Gen.OneOf<string?>(null, "text/plain", "application/xml", "application/json; charset=utf-8", "application/problem+json", "multipart/form-data")));
        var raw = Gen.OneOf(
            "null", "", "[]", "42", "\"text\"", "true", "{", "{\"a\":", "[null]", "{}{}", "{\"x\":1}garbage",
            new string('[', 5000) + new string(']', 5000), "{\"a\":1,\"a\":2}", "\u00EF\u00BB\u00BF{}");
        var body = Gen.Frequency<byte[]>(
            (14, ObjectGen(requestType, world, 0).Select(node => Encoding.UTF8.GetBytes(node.ToJsonString()))),
            (3, raw.Select(Encoding.UTF8.GetBytes)),
            (1, Gen.Const(new byte[] { 0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x7D })));
        return (contentType, body);
    }

    private static Gen<JsonObject> ObjectGen(Type type, World world, int depth)
    {
        Gen<JsonObject> result = Gen.Const((Func<JsonObject>)(() => new JsonObject()));
        foreach (var property in DataProperties(type))
        {
            var name = JsonName(property.Name);
            var value = FieldGen(property.PropertyType, name, world, depth);
            result = Gen.Select(result, value, (o, v) =>
            {
                var copy = (JsonObject)o.DeepClone();
                if (v.Present) copy[name] = v.Value?.DeepClone();
                return copy;
            });
        }
        return result;
    }

    private readonly record struct Field(bool Present, JsonNode? Value)
    {
        public static Field Missing => new(false, null);
        public static Field Of(JsonNode? value) => new(true, value);
    }

    private static Gen<Field> FieldGen(Type type, string name, World world, int depth)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        var valid = ValidGen(t, name, world, depth).Select(Field.Of);
        return Gen.Frequency<Field>(
            (1, Gen.Const(Field.Missing)),
            (1, Gen.Const(Field.Of(null))),
            (1, WrongTypeGen(t).Select(Field.Of)),
            (10, valid),
            (3, HostileGen(t, name, world, depth).Select(Field.Of)));
    }

    private static Gen<JsonNode?> ValidGen(Type t, string name, World world, int depth)
    {
        if (t == typeof(string)) return Gen.OneOf(ValidStrings(name, world)).Select(s => (JsonNode?)JsonValue.Create(s));
        if (t == typeof(long) || t == typeof(int))
            return (name.EndsWith("Cents", StringComparison.Ordinal) ? Gen.Long[1, 20_000] : Gen.Long[1, 50]).Select(v => (JsonNode?)JsonValue.Create(v));
        if (t == typeof(bool)) return Gen.Bool.Select(v => (JsonNode?)JsonValue.Create(v));
        if (t == typeof(DateOnly)) return Gen.OneOf("2021-11-20", "2021-12-15", "2021-07-14", "2022-01-10").Select(s => (JsonNode?)JsonValue.Create(s));
        if (t == typeof(DateTimeOffset)) return Gen.OneOf("2021-12-15T10:00:00Z").Select(s => (JsonNode?)JsonValue.Create(s));
        if (t == typeof(Guid))
        {
            var known = name.Contains("document", StringComparison.OrdinalIgnoreCase) ? world.DocumentIds : world.DonationIds;
            return Gen.Frequency<Guid>((3, Gen.OneOf(known.Append(Guid.Empty).ToArray())), (1, Gen.Guid)).Select(g => (JsonNode?)JsonValue.Create(g));
        }
        if (ElementType(t) is { } element)
        {
            if (depth > 3) return Gen.Const<JsonNode?>(new JsonArray());
            var item = ValidGen(Nullable.GetUnderlyingType(element) ?? element, Singular(name), world, depth + 1);
            return item.Array[0, 3].Select(items => (JsonNode?)new JsonArray(items.Select(i => i?.DeepClone()).ToArray()));
        }
        if (depth > 3) return Gen.Const<JsonNode?>(new JsonObject());
        return ObjectGen(t, world, depth + 1).Select(o => (JsonNode?)o);
    }

    private static Gen<JsonNode?> HostileGen(Type t, string name, World world, int depth)
    {
        if (t == typeof(string)) return Gen.OneOf(HostileStrings).Select(s => (JsonNode?)JsonValue.Create(s));
        if (t == typeof(long) || t == typeof(int)) return Gen.OneOf(HostileIntegers).Select(n => n?.DeepClone());
        if (t == typeof(bool)) return WrongTypeGen(t);
        if (t == typeof(DateOnly) || t == typeof(DateTimeOffset))
            return Gen.OneOf("2021-13-45", "0001-01-01", "9999-12-31", "2021-12-15T10:00:00Z", "", "15.12.2021", "9999-12-31T23:59:59Z").Select(s => (JsonNode?)JsonValue.Create(s));
        if (t == typeof(Guid)) return Gen.OneOf(Guid.Empty.ToString(), "0196a3c2-0000-7000-8000-000000000003", "not-a-guid", "", "{00000000-0000-0000-0000-000000000000}").Select(s => (JsonNode?)JsonValue.Create(s));
        if (ElementType(t) is { } element)
        {
            var e = Nullable.GetUnderlyingType(element) ?? element;
            var item = ValidGen(e, Singular(name), world, depth + 1);
            return Gen.Frequency<JsonNode?>(
                (2, Gen.Const((Func<JsonNode?>)(() => new JsonArray((JsonNode?)null)))),
                (2, item.Select(i => (JsonNode?)new JsonArray(i?.DeepClone(), null))),
                (1, item.Select(i => (JsonNode?)new JsonArray(Enumerable.Range(0, 25).Select(_ => i?.DeepClone()).ToArray()))),
                (1, item.Select(i => (JsonNode?)new JsonArray(Enumerable.Range(0, 600).Select(_ => i?.DeepClone()).ToArray()))),
                (2, HostileGen(e, Singular(name), world, depth + 1).Array[1, 3].Select(items => (JsonNode?)new JsonArray(items.Select(i => i?.DeepClone()).ToArray()))));
        }
        if (depth > 3) return Gen.Const<JsonNode?>(new JsonObject());
        // An object whose every field is hostile or missing.
        Gen<JsonObject> result = Gen.Const((Func<JsonObject>)(() => new JsonObject()));
        foreach (var property in DataProperties(t))
        {
            var field = JsonName(property.Name);
            var pt = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var value = Gen.Frequency<JsonNode?>((3, HostileGen(pt, field, world, depth + 1)), (1, Gen.Const((JsonNode?)null)));
            result = Gen.Select(result, value, (o, v) =>
            {
                var copy = (JsonObject)o.DeepClone();
                copy[field] = v?.DeepClone();
                return copy;
            });
        }
        return result.Select(o => (JsonNode?)o);
    }

    private static Gen<JsonNode?> WrongTypeGen(Type t)
    {
        JsonNode?[] values = t == typeof(string) ? [42, true, new JsonObject(), new JsonArray()]
            : t == typeof(long) || t == typeof(int) ? ["5000", "1", true, new JsonObject(), new JsonArray(1)]
            : t == typeof(bool) ? ["true", 1, new JsonObject()]
            : t == typeof(DateOnly) || t == typeof(Guid) || t == typeof(DateTimeOffset) ? [20211215, true, new JsonObject()]
            : ElementType(t) is not null ? [new JsonObject(), "x", 1]
            : [new JsonArray(), "x", 1, false];
        return Gen.OneOf(values).Select(v => v?.DeepClone());
    }

    private static string[] ValidStrings(string name, World world)
    {
        var n = name.ToLowerInvariant();
        if (n.Contains("municipalityid")) return [world.MunicipalityId, "eschweiler"];
        if (n.Contains("purposeid")) return ["kita-schulmaterial", "weihnachtsfeiern"];
        if (n is "appealid" or "id") return ["neu-aufruf", "stolberg", "kita-schulmaterial"];
        if (n.Contains("iban")) return [world.Iban, "DE02120300000000202051"];
        if (n.Contains("bic")) return ["COBADEFFXXX", "BYLADEM1001"];
        if (n.Contains("country")) return ["DE", "NL"];
        if (n.Contains("email")) return ["spender@example.org"];
        if (n.Contains("postalcode")) return ["52062"];
        if (n.Contains("street")) return ["Kaiserplatz 1"];
        if (n.Contains("city")) return ["Aachen"];
        return ["Freitext", "Region Aachen Zweckverband", "SI/2021/088"];
    }

    // ---- raw uploads ---------------------------------------------------------------------------------------------

    private static (Gen<string?>, Gen<byte[]>) RawBodyGen(CommandEndpoint endpoint, World world)
    {
        var accepted = endpoint.ContentTypes.Count > 0 ? endpoint.ContentTypes.ToArray() : ["application/octet-stream"];
        var contentType = Gen.Frequency<string?>(
            (8, Gen.OneOf(accepted).Select(c => (string?)c)),
            (1, Gen.OneOf<string?>(null, "application/json", "text/plain", "application/octet-stream", "image/gif")));
        var statements = accepted.Any(c => c.Contains("xml", StringComparison.Ordinal) || c.Contains("zip", StringComparison.Ordinal));
        var body = statements ? StatementGen(world) : FileGen();
        return (contentType, body);
    }

    private static Gen<byte[]> FileGen() => Gen.OneOf(
        "%PDF-1.4\n%âãÏÓ\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"u8.ToArray(),
        new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0 },
        new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10 },
        Array.Empty<byte>(),
        "MZ\u0090\u0000 not a pdf"u8.ToArray(),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"u8.ToArray());

    private static Gen<byte[]> StatementGen(World world)
    {
        var amounts = Gen.OneOf(1L, 5_000L, 99_999_999_999L, 100_000_000_000L, 99_999_999_999_999_999L);
        var counts = Gen.OneOf(1, 2, 100);
        var statement = Gen.Select(amounts, counts, Gen.Int[0, 1_000_000], (amount, count, id) =>
            CamtWriter.Write053v08($"H-{id}", world.Iban,
                Enumerable.Range(0, count).Select(i => new GeneratedCredit(amount, new DateOnly(2021, 11, 20), UnstructuredRemittance: $"Spende {i}")).ToList()));
        return Gen.Frequency<byte[]>(
            (3, statement),
            (2, statement.Select(xml => Zip(("a.xml", xml), ("b.xml", xml)))),
            (1, statement.Select(xml => Zip(("a.xml", xml), ("../../etc/passwd.xml", "<x/>"u8.ToArray())))),
            (1, statement.Select(xml => xml[..(xml.Length / 2)])),
            (1, statement.Select(ZeroBalances)),
            (1, Gen.Const(CamtWriter.Write053v08("fremd", "DE02120300000000202051", [new GeneratedCredit(100, new DateOnly(2021, 11, 20))]))),
            (2, Gen.OneOf(
                "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>"u8.ToArray(),
                "not xml at all"u8.ToArray(),
                Array.Empty<byte>(),
                "PK\u0003\u0004broken zip"u8.ToArray(),
                Zip(),
                Zip(("x.txt", "hello"u8.ToArray())))));
    }

    /// <summary>Balances that parse however large the bookings are (the continuity check reports, it does not refuse).</summary>
    public static byte[] ZeroBalances(byte[] statement)
        => Encoding.UTF8.GetBytes(System.Text.RegularExpressions.Regex.Replace(Encoding.UTF8.GetString(statement),
            "(<Bal>.*?<Amt Ccy=\"EUR\">)[^<]*(</Amt>)", "${1}0.00${2}", System.Text.RegularExpressions.RegexOptions.Singleline));

    public static byte[] Zip(params (string Name, byte[] Content)[] files)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in files)
            {
                using var entry = zip.CreateEntry(name).Open();
                entry.Write(content);
            }
        }
        return buffer.ToArray();
    }

    // ---- reflection over request types ----------------------------------------------------------------------------

    private static string JsonName(string name) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(name);

    private static string Singular(string name) => name.EndsWith("Ids", StringComparison.Ordinal) ? name[..^1] : name.TrimEnd('s');

    private static IEnumerable<PropertyInfo> DataProperties(Type type)
    {
        var parameters = type.GetConstructors().SelectMany(c => c.GetParameters()).Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && (p.SetMethod is { IsPublic: true } || parameters.Contains(p.Name)))
            .OrderBy(p => p.Name, StringComparer.Ordinal);
    }

    private static Type? ElementType(Type type)
    {
        if (type == typeof(string)) return null;
        if (type.IsArray) return type.GetElementType();
        var enumerable = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        return enumerable?.GetGenericArguments()[0] is { } element && type != typeof(IEnumerable) ? element : null;
    }
}
