namespace FlutHilfe.Api.Infrastructure.Problems;

/// <summary>Writes a problem from middleware (outside an endpoint), as <c>application/problem+json</c>.</summary>
public static class ProblemResponses
{
    public static Task WriteAsync(HttpContext context, ProblemDetails problem)
    {
        context.Response.StatusCode = problem.Status ?? StatusCodes.Status400BadRequest;
        return context.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json", context.RequestAborted);
    }
}
