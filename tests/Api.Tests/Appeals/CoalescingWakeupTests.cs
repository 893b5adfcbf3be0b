using FlutHilfe.Api.Infrastructure.ProjectionWakeup;
using JasperFx.Events.Daemon.HighWater;
using Microsoft.Extensions.Time.Testing;

namespace FlutHilfe.Api.Tests.Appeals;

/// <summary>
/// The daemon's wake-up coalesces a burst of commits (issue 14): the first notification after a quiet moment wakes
/// the high-water agent at once, later ones no sooner than one window after the previous wake-up. The clock is fake.
/// </summary>
public class CoalescingWakeupTests
{
    /// <summary>A notification is always waiting: the inner wake-up returns at once.</summary>
    private sealed class AlwaysSignalled : IDaemonWakeup
    {
        public int Waits { get; private set; }

        public Task WaitAsync(TimeSpan timeout, CancellationToken token)
        {
            Waits++;
            return Task.CompletedTask;
        }

        public void Dispose() { }
    }

    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task the_first_notification_wakes_at_once_and_a_burst_waits_for_the_window()
    {
        var clock = new FakeTimeProvider();
        var inner = new AlwaysSignalled();
        var wakeup = new CoalescingWakeup(inner, Window, clock);
        var token = TestContext.Current.CancellationToken;

        await wakeup.WaitAsync(TimeSpan.FromSeconds(1), token).WaitAsync(TimeSpan.FromSeconds(5), token);

        var second = wakeup.WaitAsync(TimeSpan.FromSeconds(1), token);
        clock.Advance(TimeSpan.FromMilliseconds(99));
        second.IsCompleted.ShouldBeFalse("a notification within the window woke the agent again");
        clock.Advance(TimeSpan.FromMilliseconds(1));
        await second.WaitAsync(TimeSpan.FromSeconds(5), token);

        clock.Advance(TimeSpan.FromMilliseconds(250));
        await wakeup.WaitAsync(TimeSpan.FromSeconds(1), token).WaitAsync(TimeSpan.FromSeconds(5), token);
        inner.Waits.ShouldBe(3);
    }
}
