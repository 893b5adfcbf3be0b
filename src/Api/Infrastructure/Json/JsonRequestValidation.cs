using System.Collections;
using System.Reflection;
using System.Text.Json;
using FlutHilfe.Api.Infrastructure.Problems;
using FlutHilfe.Domain.Appeals.Opening;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Wolverine.Http;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace FlutHilfe.Api.Infrastructure.Json;

/// <summary>
/// Binds the JSON body of every Wolverine command endpoint before the endpoint runs, so that bad input is a problem
/// naming the field and never reaches a handler: a body that is not JSON (415), too large (413), malformed (400),
/// of the wrong shape or type (422, without .NET type names), <c>null</c> (422), with a <c>null</c> item in a list
/// (422), an empty UUID as an id (422) or with an amount in cents beyond what one SEPA transfer can carry (422; sums
/// of bounded amounts cannot overflow). An empty UUID in the route is a 404 on every endpoint. New endpoints are covered without registration: the request type comes from Wolverine's chain.
/// </summary>
public sealed class JsonRequestValidation(RequestDelegate next, IOptions<JsonOptions> json, IConfiguration configuration)
{
    /// <summary>The largest amount one SEPA credit transfer or GiroCode carries: 999.999.999,99 €.</summary>
    public static readonly long CentsMagnitudeMax = Domain.Donations.Pledging.GiroCode.AmountMax.Cents;

    private const int DepthMax = 16;
    private readonly JsonSerializerOptions _options = json.Value.SerializerOptions;
    private readonly long _bodyBytesMax = configuration.GetValue("Json:BodyBytesMax", 1024L * 1024);

    public async Task InvokeAsync(HttpContext context)
    {
        var chain = context.GetEndpoint()?.Metadata.GetMetadata<HttpChain>();
        if (chain is not null && EmptyUuidInRoute(context) is { } parameter)
        {
            // The empty UUID names nothing (and Marten refuses it as a stream id): as unknown as any other id.
            var notFound = Problem.Of(404, "Not found", $"No resource has the empty UUID as its {parameter}.");
            await ProblemResponses.WriteAsync(context, notFound);
            return;
        }
        var requestType = chain is { HasRequestType: true } ? chain.RequestType : null;
        if (requestType is null || requestType == typeof(void) || HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
        {
            await next(context);
            return;
        }

        var problem = await BindAsync(context, requestType);
        if (problem is not null)
        {
            await ProblemResponses.WriteAsync(context, problem);
            return;
        }
        await next(context);
    }

    private async Task<ProblemDetails?> BindAsync(HttpContext context, Type requestType)
    {
        var request = context.Request;
        if (!IsJson(request.ContentType))
        {
            var problem = Problem.Of(415, "Unsupported media type", "Send the body as application/json.");
            problem.Extensions["field"] = "Content-Type";
            return problem;
        }
        if (request.ContentLength > _bodyBytesMax) return Problem.Of(413, "Payload too large", $"A JSON body may have at most {_bodyBytesMax} bytes.");
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = _bodyBytesMax;

        request.EnableBuffering();
        object? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync(request.Body, requestType, _options, context.RequestAborted);
        }
        catch (JsonException e)
        {
            return Describe(e, requestType);
        }
        finally
        {
            request.Body.Position = 0;
        }

        if (body is null) return Problem.Field("body", "The body must be a JSON object.");
        return FirstViolation(body, "", 0) is { } violation ? Problem.Field(violation.Field, violation.Message) : null;
    }

    private static string? EmptyUuidInRoute(HttpContext context)
    {
        foreach (var (name, value) in context.Request.RouteValues)
        {
            if (value is string text && Guid.TryParse(text, out var id) && id == Guid.Empty) return name;
        }
        return null;
    }

    private static bool IsJson(string? contentType)
    {
        var mediaType = (contentType ?? "").Split(';')[0].Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
               || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A malformed document is a 400; a well-formed one of the wrong shape is a 422 naming the field.</summary>
    private ProblemDetails Describe(JsonException e, Type requestType)
    {
        // Syntax errors come from the reader (an internal subclass, thrown or wrapped); the serializer throws JsonException itself.
        if (e.GetType() != typeof(JsonException) || e.InnerException is JsonException)
        {
            return Problem.Field("body", $"The body is not well-formed JSON (line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1}).", 400);
        }
        var field = FieldOf(e.Path);
        if (e.Message.StartsWith("Duplicate", StringComparison.Ordinal)) return Problem.Field(field, $"{field} appears more than once.");
        var target = field == "body" ? requestType : TypeAt(requestType, e.Path);
        var expected = target is null ? "a value of another type" : KindOf(target, field);
        return Problem.Field(field, $"{field} must be {expected}.");
    }

    /// <summary>"$.earmarks[0].amountCents" → "earmarks[0].amountCents"; "$" → "body".</summary>
    internal static string FieldOf(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$") return "body";
        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        return field.Length == 0 ? "body" : field;
    }

    /// <summary>The CLR type a JSON path points at, walking properties and list items.</summary>
    private Type? TypeAt(Type root, string? path)
    {
        var type = root;
        foreach (var segment in Segments(path))
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (segment is null)
            {
                type = ElementType(type);
            }
            else
            {
                var property = DataProperties(type).FirstOrDefault(p => string.Equals(JsonName(p), segment, StringComparison.OrdinalIgnoreCase));
                type = property?.PropertyType;
            }
            if (type is null) return null;
        }
        return type;
    }

    /// <summary>Property names of a JSON path, with null for each list index.</summary>
    private static IEnumerable<string?> Segments(string? path)
    {
        var p = path ?? "$";
        var i = p.StartsWith('$') ? 1 : 0;
        while (i < p.Length)
        {
            if (p[i] == '.')
            {
                var end = p.IndexOfAny(['.', '['], i + 1);
                if (end < 0) end = p.Length;
                yield return p[(i + 1)..end];
                i = end;
            }
            else if (p[i] == '[')
            {
                var end = p.IndexOf(']', i);
                if (end < 0) yield break;
                var inner = p[(i + 1)..end];
                yield return inner.StartsWith('\'') ? inner.Trim('\'') : null;
                i = end + 1;
            }
            else
            {
                yield break;
            }
        }
    }

    private static string KindOf(Type type, string field)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(long) || t == typeof(int) || t == typeof(short))
            return field.EndsWith("Cents", StringComparison.Ordinal) ? "a JSON integer number of euro cents" : "a JSON integer";
        if (t == typeof(decimal) || t == typeof(double)) return "a JSON number";
        if (t == typeof(bool)) return "true or false";
        if (t == typeof(string)) return "a JSON string";
        if (t == typeof(DateOnly)) return "a date as a string (YYYY-MM-DD)";
        if (t == typeof(DateTimeOffset) || t == typeof(DateTime)) return "an ISO 8601 date and time as a string";
        if (t == typeof(Guid)) return "a UUID as a string";
        if (t.IsEnum) return "one of: " + string.Join(", ", Enum.GetNames(t).Select(n => JsonNamingPolicy.CamelCase.ConvertName(n)));
        if (ElementType(t) is not null) return "a JSON array";
        return "a JSON object";
    }

    private static Type? ElementType(Type type)
    {
        if (type == typeof(string)) return null;
        if (type.IsArray) return type.GetElementType();
        var enumerable = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        return enumerable?.GetGenericArguments()[0];
    }

    private string JsonName(PropertyInfo property)
        => property.GetCustomAttribute<System.Text.Json.Serialization.JsonPropertyNameAttribute>()?.Name
           ?? _options.PropertyNamingPolicy?.ConvertName(property.Name) ?? property.Name;

    /// <summary>Properties the serializer fills: settable ones and positional record parameters (not computed ones).</summary>
    private static IEnumerable<PropertyInfo> DataProperties(Type type)
    {
        var parameters = type.GetConstructors().SelectMany(c => c.GetParameters()).Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && (p.SetMethod is { IsPublic: true } || parameters.Contains(p.Name)));
    }

    /// <summary>The first <c>null</c> list item or out-of-range amount in the bound request, depth first.</summary>
    private (string Field, string Message)? FirstViolation(object value, string path, int depth)
    {
        if (depth > DepthMax || !IsOurs(value.GetType())) return null;
        foreach (var property in DataProperties(value.GetType()))
        {
            var name = JsonName(property);
            var field = path.Length == 0 ? name : $"{path}.{name}";
            var item = property.GetValue(value);
            switch (item)
            {
                case null or string:
                    continue;
                case Guid id:
                    if (id == Guid.Empty) return (field, $"{field} must not be the empty UUID.");
                    continue;
                case long or int when name.EndsWith("Cents", StringComparison.Ordinal):
                    if (Math.Abs(Convert.ToDecimal(item, System.Globalization.CultureInfo.InvariantCulture)) > CentsMagnitudeMax)
                        return (field, $"{field} must be at most {CentsMagnitudeMax} cents (999.999.999,99 €), the most one bank transfer carries.");
                    continue;
                case IEnumerable list:
                    var index = 0;
                    foreach (var element in list)
                    {
                        var at = $"{field}[{index++}]";
                        if (element is null) return (at, $"{at} must not be null.");
                        if (element is Guid elementId && elementId == Guid.Empty) return (at, $"{at} must not be the empty UUID.");
                        if (FirstViolation(element, at, depth + 1) is { } inner) return inner;
                    }
                    continue;
                default:
                    if (FirstViolation(item, field, depth + 1) is { } nested) return nested;
                    continue;
            }
        }
        return null;
    }

    private static bool IsOurs(Type type) => type.Namespace?.StartsWith("FlutHilfe.", StringComparison.Ordinal) == true;
}
