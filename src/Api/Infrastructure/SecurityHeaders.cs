namespace FlutHilfe.Api.Infrastructure;

/// <summary>
/// Headers every response carries, errors, the OpenAPI document and the reference page included: no MIME sniffing,
/// and no Referer (donor tokens travel in URLs and must not leak to a linked site). Set when the response starts,
/// so the exception handler clearing headers cannot lose them.
/// </summary>
public sealed class SecurityHeaders(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(static state =>
        {
            var headers = ((HttpContext)state).Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            return Task.CompletedTask;
        }, context);
        return next(context);
    }
}

/// <summary>
/// Routing answers a wrong method (405) or a wrong Content-Type (415) with an endpoint of its own that has no
/// metadata, so the deny-by-default policy would turn it into a 401 for anonymous callers. Such an answer says
/// nothing about our data: give it to everyone alike, as a problem.
/// </summary>
public sealed class RoutingRejections(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint() is { RequestDelegate: { } reject } endpoint and not RouteEndpoint && endpoint.Metadata.Count == 0)
        {
            await reject(context);
            var status = context.Response.StatusCode;
            if (!context.Response.HasStarted && status >= 400)
            {
                var problem = Problems.Problem.Of(status, status switch
                {
                    405 => "Method not allowed",
                    415 => "Unsupported media type",
                    _ => "Bad request",
                }, status == 415 ? "This endpoint does not accept a body of this Content-Type." : "This endpoint does not answer this method.");
                if (status == 415) problem.Extensions["field"] = "Content-Type";
                await Problems.ProblemResponses.WriteAsync(context, problem);
            }
            return;
        }
        await next(context);
    }
}
