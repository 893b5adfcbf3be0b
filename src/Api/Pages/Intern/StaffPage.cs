using System.Globalization;
using System.Text.RegularExpressions;
using FlutHilfe.Api.Infrastructure.Problems;
using FlutHilfe.Api.Pages.Infrastructure;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FlutHilfe.Api.Pages.Intern;

/// <summary>
/// A staff page with forms. Each form sends the same command as the API (through the endpoint's shared method and the
/// message bus); a refusal comes back as the API's problem details, and the page says in German, next to the field the
/// problem names, what to change. The page never decides itself whether an amount or a date is acceptable.
/// </summary>
public abstract partial class StaffPage(ILogger logger) : PageModel
{
    /// <summary>What the last action did (after a redirect): a fixed German sentence chosen by a code in the address.</summary>
    [BindProperty(SupportsGet = true, Name = "erledigt")]
    public string? DoneCode { get; set; }

    /// <summary>The German sentences for <see cref="DoneCode"/> (unknown codes show nothing).</summary>
    protected virtual IReadOnlyDictionary<string, string> DoneTexts => new Dictionary<string, string>();

    public string? Done => DoneCode is not null && DoneTexts.TryGetValue(DoneCode, out var text) ? text : null;

    public string? ErrorFor(string key)
        => ModelState.TryGetValue(key, out var entry) && entry.Errors.Count > 0 ? entry.Errors[0].ErrorMessage : null;

    /// <summary>The id of a field's error text, for aria-describedby.</summary>
    public static string ErrorId(string key) => "fehler-" + key.Replace('.', '-');

    /// <summary>Errors that belong to no single field.</summary>
    public IReadOnlyList<string> FormErrors
        => ModelState.TryGetValue("", out var entry) ? entry.Errors.Select(e => e.ErrorMessage).ToList() : [];

    /// <summary>
    /// Sends a command; on a refusal (a 4xx problem) records the German message at the field <paramref name="map"/> names
    /// for the problem's <c>field</c> (null: the form as a whole) and answers false. Anything else is rethrown (a 500).
    /// </summary>
    protected async Task<(bool Ok, T? Result)> SendAsync<T>(Func<Task<T>> command, Func<string?, ProblemDetails, FormField?> map)
    {
        try
        {
            return (true, await command());
        }
        catch (Exception e) when (DomainExceptionHandler.Map(e) is { Status: >= 400 and < 500 } problem)
        {
            var field = CommandProblems.ProblemField(problem);
            logger.LogInformation("Form refused at {Field}: {Detail}", field ?? "(form)", problem.Detail);
            var target = map(field, problem);
            var message = string.IsNullOrEmpty(target?.Message) ? InputRule(problem) ?? CommandProblems.GenericMessage : target.Message;
            ModelState.AddModelError(target?.Key ?? "", message);
            return (false, default);
        }
    }

    /// <summary>A field error found by the page before any command (an amount or a date it cannot read).</summary>
    protected void Refuse(string key, string message) => ModelState.AddModelError(key, message);

    /// <summary>
    /// The shared input rules (required, length, single line, ids) in German, recognised by the text the rule writes; null
    /// for every other refusal.
    /// </summary>
    public static string? InputRule(ProblemDetails problem)
    {
        var detail = problem.Detail ?? "";
        if (detail.EndsWith(" is required.", StringComparison.Ordinal)) return "Bitte ausfüllen.";
        if (LengthRule().Match(detail) is { Success: true } m) return $"Bitte höchstens {m.Groups[1].Value} Zeichen.";
        if (detail.Contains("control characters", StringComparison.Ordinal)) return "Bitte ohne Zeilenumbruch und ohne Steuerzeichen.";
        if (detail.Contains("is not a valid id", StringComparison.Ordinal)) return "Bitte wählen Sie aus der Liste.";
        if (detail.Contains("must be a file name", StringComparison.Ordinal)) return "Bitte einen Dateinamen ohne Pfad.";
        return null;
    }

    [GeneratedRegex(@"must be at most (\d+) characters")]
    private static partial Regex LengthRule();

    /// <summary>
    /// A date as a person types it (28.11.2026, 1.2.2026) or in ISO form (2026-11-28); null when it is neither.
    /// </summary>
    public static DateOnly? ParseDate(string? text)
    {
        var value = text?.Trim();
        if (string.IsNullOrEmpty(value)) return null;
        string[] formats = ["yyyy-MM-dd", "d.M.yyyy", "dd.MM.yyyy"];
        return DateOnly.TryParseExact(value, formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;
    }

    /// <summary>The value of a date field, as people here write it (28.11.2026).</summary>
    public static string DateInput(DateOnly date) => German.Date(date);

    /// <summary>Today in Germany, for the defaults of date fields.</summary>
    public static DateOnly TodayInGermany(TimeProvider clock) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), Berlin).DateTime);

    public static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    /// <summary>A moment as people here read it: "28.11.2026, 14:05 Uhr" (German time).</summary>
    public static string Moment(DateTimeOffset moment)
        => TimeZoneInfo.ConvertTime(moment, Berlin).ToString("dd'.'MM'.'yyyy', 'HH':'mm' Uhr'", CultureInfo.InvariantCulture);
}
