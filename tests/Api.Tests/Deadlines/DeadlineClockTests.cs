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

/// <summary>A deadline mail cut off by the execution timeout is retried like a failed mail, never dead-lettered.</summary>
public class DeadlineMailFailureTests
{
    [Fact]
    public async Task A_mail_cut_off_by_the_execution_timeout_becomes_a_retried_failure()
    {
        using var cut = new CancellationTokenSource();
        await cut.CancelAsync();
        var e = await Should.ThrowAsync<DeadlineMailFailed>(() => DeadlineMails.SendAsync(new HangingMailer(), new MimeKit.MimeMessage(), "pledge-reminder:x", cut.Token));
        e.InnerException.ShouldBeAssignableTo<OperationCanceledException>();
    }

    private sealed class HangingMailer : FlutHilfe.Api.Receipts.Delivering.IReceiptMailer
    {
        public FlutHilfe.Api.Receipts.SmtpSettings Settings { get; } = new();
        public bool Enabled => true;

        public async Task<FlutHilfe.Api.Receipts.Delivering.IReceiptMailConnection> ConnectAsync(CancellationToken ct)
        {
            await Task.Delay(Timeout.Infinite, ct); // a server that never greets, until the token is cancelled
            throw new InvalidOperationException("unreachable");
        }
    }
}
