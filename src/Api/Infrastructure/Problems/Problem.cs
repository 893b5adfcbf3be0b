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
