using Marten;

namespace FlutHilfe.Api.Infrastructure.Idempotency;

/// <summary>
/// Marks a command endpoint that writes its own idempotency record in the command's transaction (through
/// <see cref="IdempotencyInTransaction"/>) instead of the middleware's claim before and completion after: one commit holds
/// the effect and the answer to replay, so a retry can never find the effect without the answer or the answer without
/// the effect, and a concurrent duplicate fails on the record's key and rolls its own effect back.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RecordsIdempotencyInTransactionAttribute : Attribute;

/// <summary>
/// What <see cref="IdempotencyMiddleware"/> hands an endpoint marked <see cref="RecordsIdempotencyInTransactionAttribute"/>
/// for a request with an <c>Idempotency-Key</c> (a request feature; absent without the header).
/// </summary>
public sealed class IdempotencyInTransaction
{
    private readonly IdempotencyRecord _record;
    private readonly Func<int, string?, string?, byte[], byte[]> _seal;

    internal IdempotencyInTransaction(IdempotencyRecord record, Func<int, string?, string?, byte[], byte[]> seal)
    {
        _record = record;
        _seal = seal;
    }

    /// <summary>The id of the record this request writes (a hash; nothing readable).</summary>
    public string RecordId => _record.Id;

    /// <summary>
    /// Queues the completed record (the answer sealed as it will be sent) as an insert in <paramref name="session"/>: it
    /// commits with the command's effect or not at all. A record with the same key committed by another request makes
    /// the commit fail (<see cref="JasperFx.DocumentAlreadyExistsException"/>); the middleware then answers from that record.
    /// </summary>
    public void Record(IDocumentSession session, int statusCode, string? contentType, string? location, byte[] body)
    {
        _record.Completed = true;
        _record.StatusCode = statusCode;
        _record.Sealed = _seal(statusCode, contentType, location, body);
        session.Insert(_record);
    }

    public static IdempotencyInTransaction? Of(HttpContext context) => context.Features.Get<IdempotencyInTransaction>();
}
