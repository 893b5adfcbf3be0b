namespace FlutHilfe.Domain.Shared;

public enum RefusalKind
{
    /// <summary>The input breaks a rule (HTTP 422).</summary>
    Invalid,
    /// <summary>The input is fine but the current state forbids it (HTTP 409).</summary>
    Conflict,
    /// <summary>The thing addressed does not exist (HTTP 404).</summary>
    NotFound,
}

/// <summary>A decision refused a command. <see cref="Field"/> names the offending input (camelCase JSON path).</summary>
public sealed class DomainException(RefusalKind kind, string? field, string message) : Exception(message)
{
    public RefusalKind Kind { get; } = kind;
    public string? Field { get; } = field;

    public static DomainException Invalid(string field, string message) => new(RefusalKind.Invalid, field, message);
    public static DomainException Conflict(string message, string? field = null) => new(RefusalKind.Conflict, field, message);
    public static DomainException NotFound(string message) => new(RefusalKind.NotFound, null, message);
}
