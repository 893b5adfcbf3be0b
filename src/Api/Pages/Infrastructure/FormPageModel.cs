using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FlutHilfe.Api.Pages.Infrastructure;

/// <summary>A page with a form: the first error of a field, for the message next to it.</summary>
public abstract class FormPageModel : PageModel
{
    public string? ErrorFor(string key)
        => ModelState.TryGetValue(key, out var entry) && entry.Errors.Count > 0 ? entry.Errors[0].ErrorMessage : null;

    /// <summary>The element id of a field's error message (for aria-describedby).</summary>
    public static string ErrorId(string key) => "fehler-" + key.Replace('.', '-').Replace('[', '-').Replace("]", "", StringComparison.Ordinal);

    /// <summary>Errors that belong to no single field.</summary>
    public IReadOnlyList<string> FormErrors
        => ModelState.TryGetValue("", out var entry) ? entry.Errors.Select(e => e.ErrorMessage).ToList() : [];
}
