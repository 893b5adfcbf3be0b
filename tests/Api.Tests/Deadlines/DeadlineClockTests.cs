using FlutHilfe.Api.Deadlines;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Time.Testing;

namespace FlutHilfe.Api.Tests.Deadlines;

/// <summary>The drills' deadline clock offset: moves only the deadline work's clock, and only in Development.</summary>
public class DeadlineClockTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_offset_moves_the_deadline_clock_in_Development()
    {
        var clock = DeadlineClock.Create(new FakeTimeProvider(Now), TimeSpan.FromDays(11), new HostingEnvironment { EnvironmentName = "Development" });
        clock.GetUtcNow().ShouldBe(Now.AddDays(11));
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public void An_offset_outside_Development_is_refused(string environment)
    {
        var e = Should.Throw<InvalidOperationException>(() =>
            DeadlineClock.Create(new FakeTimeProvider(Now), TimeSpan.FromDays(11), new HostingEnvironment { EnvironmentName = environment }));
        e.Message.ShouldContain("Deadlines__DrillClockOffset");
        // without an offset it is the service's clock, in every environment
        DeadlineClock.Create(new FakeTimeProvider(Now), TimeSpan.Zero, new HostingEnvironment { EnvironmentName = environment }).GetUtcNow().ShouldBe(Now);
    }
}
