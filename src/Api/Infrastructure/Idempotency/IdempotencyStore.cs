using Marten;
using JasperFx;

namespace FlutHilfe.Api.Infrastructure.Idempotency;

public sealed class IdempotencyStore(IDocumentStore store)
{
    /// <summary>Claims the key. Returns null when this request owns it now, else the existing record.</summary>
    public async Task<IdempotencyRecord?> TryClaimAsync(IdempotencyRecord pending, CancellationToken ct)
    {
        try
        {
            await using var session = store.LightweightSession();
            session.Insert(pending);
            await session.SaveChangesAsync(ct);
            return null;
        }
        catch (DocumentAlreadyExistsException)
        {
            await using var query = store.QuerySession();
            return await query.LoadAsync<IdempotencyRecord>(pending.Id, ct);
        }
    }

    public async Task TakeOverAsync(IdempotencyRecord pending, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        session.Store(pending);
        await session.SaveChangesAsync(ct);
    }

    public async Task CompleteAsync(IdempotencyRecord record, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        session.Store(record);
        await session.SaveChangesAsync(ct);
    }

    public async Task ReleaseAsync(string id, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        session.Delete<IdempotencyRecord>(id);
        await session.SaveChangesAsync(ct);
    }
}
