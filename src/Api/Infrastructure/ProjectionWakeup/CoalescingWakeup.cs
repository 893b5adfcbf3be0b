using System.Diagnostics;
using JasperFx.Events.Daemon.HighWater;

namespace FlutHilfe.Api.Infrastructure.ProjectionWakeup;

/// <summary>
/// Wakes the async daemon's high-water agent when a commit appended events, but at most once per
/// <paramref name="window"/>: the first commit after a quiet moment wakes it at once, the commits of a burst are
/// coalesced into one cycle per window. Marten's own LISTEN/NOTIFY wake-up runs one daemon cycle (the high-water
/// query and a fetch and write per asynchronous projection) per commit, which under a pledge burst cost more
/// transactions than the pledges themselves (issue 14).
/// </summary>
public sealed class CoalescingWakeup(IDaemonWakeup inner, TimeSpan window, TimeProvider time) : IDaemonWakeup
{
    private long _lastReturn = long.MinValue;

    public async Task WaitAsync(TimeSpan timeout, CancellationToken token)
    {
        await inner.WaitAsync(timeout, token).ConfigureAwait(false);
        var last = Interlocked.Read(ref _lastReturn);
        if (last != long.MinValue)
        {
            var since = time.GetElapsedTime(last);
            if (since < window) await Task.Delay(window - since, time, token).ConfigureAwait(false);
        }
        Interlocked.Exchange(ref _lastReturn, time.GetTimestamp());
    }

    public void Dispose() => inner.Dispose();
}
