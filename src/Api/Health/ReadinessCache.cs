namespace FlutHilfe.Api.Health;

/// <summary>
/// The last answer of the readiness probe, served for <see cref="MaxAge"/>: a flood of probes costs at most one database
/// round trip per interval, and concurrent callers of an expired answer share one probe. A database that stops
/// answering shows as unready at most <see cref="MaxAge"/> plus one probe's timeout later.
/// </summary>
public sealed class ReadinessCache(Func<CancellationToken, Task<bool>> probe, TimeProvider clock, TimeSpan maxAge)
{
    private readonly Lock _gate = new();
    private Task<bool>? _inFlight;
    private Answer? _last;

    public TimeSpan MaxAge => maxAge;

    public Task<bool> IsReadyAsync(CancellationToken ct)
    {
        if (_last is { } last && clock.GetElapsedTime(last.AtTimestamp) < maxAge) return Task.FromResult(last.Ready);
        Task<bool> probing;
        lock (_gate)
        {
            probing = _inFlight ??= ProbeAsync();
        }
        return probing.WaitAsync(ct);
    }

    private async Task<bool> ProbeAsync()
    {
        // Leave the lock before probing; the probe clears the in-flight slot only after the caller set it.
        await Task.Yield();
        try
        {
            var ready = await probe(CancellationToken.None);
            _last = new Answer(ready, clock.GetTimestamp());
            return ready;
        }
        finally
        {
            lock (_gate)
            {
                _inFlight = null;
            }
        }
    }

    private sealed record Answer(bool Ready, long AtTimestamp);
}
