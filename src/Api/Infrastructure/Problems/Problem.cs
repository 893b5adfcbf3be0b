using Microsoft.AspNetCore.Mvc;

namespace FlutHilfe.Api.Infrastructure.Problems;

/// <summary>RFC 9457 problem details that name the offending field.</summary>
public static class Problem
{
    public static ProblemDetails Field(string field, string message, int status = StatusCodes.Status422UnprocessableEntity)
    {
        var problem = new ProblemDetails
        {
            Status = status,
            Title = status == StatusCodes.Status400BadRequest ? "Bad request" : "Invalid input",
            Detail = message,
            Type = TypeFor(status),
        };
        problem.Extensions["field"] = field;
        problem.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [message] };
        return problem;
    }

    /// <summary>
    /// Every problem written through the problem-details service: a query value Wolverine could not parse names its
    /// parameter as <c>field</c> and says so without .NET type names.
    /// </summary>
    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Extensions.TryGetValue("parameter", out var parameter) && parameter is string name && !problem.Extensions.ContainsKey("field"))
        {
            problem.Extensions.Remove("parameter");
            problem.Title = "Bad request";
            problem.Detail = $"The query parameter '{name}' has a value that cannot be read.";
            problem.Type = TypeFor(problem.Status ?? 400);
            problem.Extensions["field"] = name;
            problem.Extensions["errors"] = new Dictionary<string, string[]> { [name] = [problem.Detail] };
        }
    }

    public static ProblemDetails Of(int status, string title, string detail)
        => new() { Status = status, Title = title, Detail = detail, Type = TypeFor(status) };

    public static string TypeFor(int status) => status switch
    {
        400 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.1",
        401 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.2",
        403 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.4",
        404 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.5",
        409 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.10",
        413 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.14",
        415 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.16",
        422 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.21",
        429 => "https://www.rfc-editor.org/rfc/rfc6585#section-4",
        503 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.6.4",
        _ => "about:blank",
    };
}
