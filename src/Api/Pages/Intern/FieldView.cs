namespace FlutHilfe.Api.Pages.Intern;

/// <summary>What <c>_Field.cshtml</c> renders: a labelled input, its hint, and the error the page found for it.</summary>
public sealed record FieldView(string Name, string Label, string? Value, string? Error, string Kind = "text", string? Hint = null,
    string? InputMode = null, string? Autocomplete = "off", int Rows = 4, string? IdPrefix = null, string? CssClass = null)
{
    public string Id => (IdPrefix ?? "") + Name;

    public string? DescribedBy
    {
        get
        {
            var ids = new List<string>();
            if (Hint is not null) ids.Add(Id + "-hinweis");
            if (Error is not null) ids.Add(StaffPage.ErrorId(Id));
            return ids.Count == 0 ? null : string.Join(' ', ids);
        }
    }

    /// <summary>An amount in euros (typed the German way; the page reads it with <c>German.ParseEuroCents</c>).</summary>
    public static FieldView Amount(string name, string label, string? value, string? error, string? idPrefix = null, string? hint = "in Euro, z. B. 1.250,00")
        => new(name, label, value, error, "text", hint, "decimal", "off", IdPrefix: idPrefix, CssClass: "amount-input");

    /// <summary>
    /// A date typed the German way (28.11.2026). A text field, not type="date": the browser would show its own
    /// language's format (11/28/2026 in an English browser), and the page must read the same everywhere.
    /// </summary>
    public static FieldView Date(string name, string label, string? value, string? error, string? idPrefix = null, string? hint = "TT.MM.JJJJ")
        => new(name, label, value, error, "text", hint, "numeric", "off", IdPrefix: idPrefix, CssClass: "date-input");
}
