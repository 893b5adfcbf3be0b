using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Api.Infrastructure.Idempotency;

/// <summary>
/// The operation id a command carries when the caller gave none: derived from the request's <c>Idempotency-Key</c>, the
/// caller and the resource, so a retry with the same key is the same operation even after the key's stored answer
/// expired. Without a key: null (each request an operation of its own).
/// </summary>
public static class OperationIds
{
    public static Guid? FromIdempotencyKey(HttpRequest http, string kind, string resource)
        => http.Headers[IdempotencyMiddleware.Header].ToString() is { Length: > 0 } key
            ? DeterministicId.For(kind, $"{resource}|{Access.Subject(http.HttpContext.User)}|{key}")
            : null;
}
