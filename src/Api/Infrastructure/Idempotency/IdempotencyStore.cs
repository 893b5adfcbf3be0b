using JasperFx;
using Marten;

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

    public async Task<IdempotencyRecord?> LoadAsync(string id, CancellationToken ct)
    {
        await using var query = store.QuerySession();
        return await query.LoadAsync<IdempotencyRecord>(id, ct);
    }

    /// <summary>Deletes the record if it expired before <paramref name="now"/> (a live one is left alone).</summary>
    public async Task DeleteExpiredAsync(string id, DateTimeOffset now, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        session.DeleteWhere<IdempotencyRecord>(r => r.Id == id && r.ExpiresAt <= now);
        await session.SaveChangesAsync(ct);
    }

    /// <summary>Deletes every record that expired before <paramref name="now"/>.</summary>
    public async Task DeleteExpiredAsync(DateTimeOffset now, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        session.DeleteWhere<IdempotencyRecord>(r => r.ExpiresAt <= now);
        await session.SaveChangesAsync(ct);
    }
}

/// <summary><c>Idempotency:*</c>: how long an answer is kept for replay, and how often expired ones are deleted.</summary>
public sealed class IdempotencySettings
{
    public TimeSpan RecordLifetime { get; set; } = TimeSpan.FromHours(24);
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>Deletes expired idempotency records periodically (every node may run it: deleting twice is harmless).</summary>
public sealed class IdempotencyCleanup(IdempotencyStore store, IdempotencySettings settings, TimeProvider clock, ILogger<IdempotencyCleanup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.CleanupInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await store.DeleteExpiredAsync(clock.GetUtcNow(), stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Could not delete expired idempotency records; trying again in {Interval}", settings.CleanupInterval);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}
