namespace FlutHilfe.Api.Infrastructure.Idempotency;

/// <summary>
/// The stored outcome of a command sent with an <c>Idempotency-Key</c>. Holds no key and nothing readable of the
/// request or the answer: the id is a hash over the key and its scope, the fingerprint a MAC of the request, and the
/// answer (which may carry a donor link) is sealed under a key derived from the Idempotency-Key itself.
/// </summary>
public sealed class IdempotencyRecord
{
    /// <summary>SHA-256 over scope (caller), method, path and key.</summary>
    public string Id { get; set; } = "";
    /// <summary>HMAC-SHA256 of method, path, query, Content-Type and body, under a key derived from the Idempotency-Key.</summary>
    public string Fingerprint { get; set; } = "";
    public DateTimeOffset StartedAt { get; set; }
    /// <summary>After this instant the record is ignored and the cleanup job deletes it.</summary>
    public DateTimeOffset ExpiresAt { get; set; }
    public bool Completed { get; set; }
    public int StatusCode { get; set; }
    /// <summary>AES-256-GCM (nonce, tag, ciphertext) of the answer's Content-Type, Location and body.</summary>
    public byte[] Sealed { get; set; } = [];
}
