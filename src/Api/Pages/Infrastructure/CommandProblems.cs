using FlutHilfe.Api.Infrastructure.Problems;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace FlutHilfe.Api.Pages.Infrastructure;

/// <summary>Where a refused field of a command shows on a form, and what the person reads there (German).</summary>
public sealed record FormField(string Key, string Message);

/// <summary>
/// Pages send the same commands as the API and get the same refusals: the problem details the API would answer
/// (<see cref="DomainExceptionHandler.Map"/>) are turned into errors next to the form field named by the problem's
/// <c>field</c>. The page only says where each field is and how to say it in German; the rule stays in the decision.
/// </summary>
public static class CommandProblems
{
    public const string GenericMessage = "Diese Angabe wurde nicht angenommen. Bitte prüfen Sie sie.";

    /// <summary>
    /// Runs <paramref name="command"/>; on a refusal adds the error to <paramref name="modelState"/> (at the mapped field, or
    /// the form as a whole) and returns false. Anything that is not a refusal is rethrown.
    /// </summary>
    public static async Task<(bool Ok, T? Result)> TryAsync<T>(ModelStateDictionary modelState, Func<Task<T>> command, Func<string, FormField?> map, ILogger logger)
    {
        try
        {
            return (true, await command());
        }
        catch (Exception e) when (DomainExceptionHandler.Map(e) is { Status: >= 400 and < 500 } problem)
        {
            var field = ProblemField(problem);
            logger.LogInformation("Form refused at {Field}: {Detail}", field ?? "(form)", problem.Detail);
            var target = field is null ? null : map(field);
            modelState.AddModelError(target?.Key ?? "", target?.Message ?? GenericMessage);
            return (false, default);
        }
    }

    public static string? ProblemField(ProblemDetails problem)
        => problem.Extensions.TryGetValue("field", out var field) ? field?.ToString() : null;
}
