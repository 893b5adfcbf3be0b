namespace FlutHilfe.Api.Infrastructure.Idempotency;

/// <summary>The stored outcome of a command sent with an <c>Idempotency-Key</c>.</summary>
public sealed class IdempotencyRecord
{
    /// <summary>SHA-256 over caller, method, path and key: the key's scope.</summary>
    public string Id { get; set; } = "";
    public string BodyHash { get; set; } = "";
    public DateTimeOffset StartedAt { get; set; }
    public bool Completed { get; set; }
    public int StatusCode { get; set; }
    public string? ContentType { get; set; }
    public string? Location { get; set; }
    public byte[] Body { get; set; } = [];
}
