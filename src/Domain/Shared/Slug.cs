using System.Text.RegularExpressions;

namespace FlutHilfe.Domain.Shared;

/// <summary>Stable, human-readable ids of appeals, municipalities and purposes (e.g. <c>freude-schenken-2021</c>).</summary>
public static partial class Slug
{
    public const int LengthMax = 64;

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    public static bool IsValid(string? value) => value is { Length: > 0 and <= LengthMax } && Pattern().IsMatch(value);

    public static string Require(string? value, string field)
        => IsValid(value)
            ? value!
            : throw DomainException.Invalid(field, $"'{value}' is not a valid id: lower-case letters, digits and single hyphens, at most {LengthMax} characters.");
}
