namespace FlutHilfe.Domain.Shared;

/// <summary>Bounded free text: every string we accept has a limit.</summary>
public static class Text
{
    public static string Require(string? value, string field, int lengthMax)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed)) throw DomainException.Invalid(field, $"{field} is required.");
        if (trimmed.Length > lengthMax) throw DomainException.Invalid(field, $"{field} must be at most {lengthMax} characters.");
        if (trimmed.Any(c => char.IsControl(c) && c != '\n' && c != '\r' && c != '\t'))
            throw DomainException.Invalid(field, $"{field} contains control characters.");
        return trimmed;
    }

    public static string? Optional(string? value, string field, int lengthMax)
        => string.IsNullOrWhiteSpace(value) ? null : Require(value, field, lengthMax);
}
