using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Wolverine.Http;

namespace FlutHilfe.Api.Tests.Hostile;

/// <summary>A command endpoint (POST, PUT, PATCH, DELETE) as the host exposes it, with what it reads.</summary>
public sealed record CommandEndpoint(
    string Method,
    string Route,
    IReadOnlyList<string> RouteParameters,
    IReadOnlyList<(string Name, Type Type)> QueryParameters,
    Type? RequestType,
    bool ReadsRawBody,
    IReadOnlyList<string> ContentTypes,
    bool Anonymous,
    IReadOnlyList<string> Roles)
{
    public override string ToString() => $"{Method} {Route}";

    /// <summary>
    /// Every command endpoint of the running host, read from ASP.NET Core's endpoint data source and Wolverine's
    /// chains: a new endpoint is found without naming it anywhere in the tests.
    /// </summary>
    public static IReadOnlyList<CommandEndpoint> Discover(IServiceProvider services)
    {
        string[] commands = ["POST", "PUT", "PATCH", "DELETE"];
        var result = new List<CommandEndpoint>();
        foreach (var endpoint in services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
            foreach (var method in methods.Intersect(commands))
            {
                var chain = endpoint.Metadata.GetMetadata<HttpChain>();
                var routeParameters = endpoint.RoutePattern.Parameters.Select(p => p.Name).ToList();
                var parameters = chain?.Method.Method.GetParameters() ?? [];
                var query = parameters
                    .Where(p => p.Name is not null && !routeParameters.Contains(p.Name, StringComparer.OrdinalIgnoreCase) && IsSimple(p.ParameterType))
                    .Select(p => (p.Name!, p.ParameterType)).ToList();
                var roles = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>()
                    .SelectMany(a => (a.Roles ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    .Distinct().ToList();
                result.Add(new CommandEndpoint(
                    method,
                    "/" + endpoint.RoutePattern.RawText!.TrimStart('/'),
                    routeParameters,
                    query,
                    chain is { HasRequestType: true } ? chain.RequestType : null,
                    parameters.Any(p => p.ParameterType == typeof(HttpRequest) || p.ParameterType == typeof(Stream)),
                    endpoint.Metadata.GetOrderedMetadata<IAcceptsMetadata>().SelectMany(a => a.ContentTypes).Distinct().ToList(),
                    endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null,
                    roles));
            }
        }
        return result.OrderBy(e => e.Route, StringComparer.Ordinal).ThenBy(e => e.Method, StringComparer.Ordinal).ToList();
    }

    private static bool IsSimple(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t == typeof(string) || t == typeof(Guid) || t == typeof(DateOnly) || t == typeof(DateTimeOffset) || t == typeof(decimal) || t.IsEnum;
    }
}
