using FlutHilfe.Bench.Drills;
using Shouldly;
using Xunit;

namespace FlutHilfe.Bench.Tests;

/// <summary>A restart in the middle of the deadline queue.</summary>
[Collection(ServiceProcesses.Name)]
public sealed class DeadlineDrillQuickTests
{
    private static string ConnectionString =>
        Environment.GetEnvironmentVariable("FLUTHILFE_TEST_DB")
        ?? "Host=127.0.0.1;Port=54329;Database=fluthilfe;Username=fluthilfe;Password=fluthilfe";

    /// <summary>
    /// `ops/drill kill-deadlines` with 20 reminders: SIGKILL while reminder mails wait in the durable deadline queue (the
    /// mail server does not answer yet); after the restart each is handled once — every mail arrives, none twice.
    /// </summary>
    [Fact(Timeout = 300_000)]
    public async Task Kill_with_reminder_mails_queued_sends_each_once_after_the_restart()
    {
        var repo = QuickModeTests.RepositoryRoot();
        var settings = new DrillSettings
        {
            Connection = ConnectionString, ApiDll = QuickModeTests.ServiceBuild(repo), WorkDir = Directory.CreateTempSubdirectory("fluthilfe-drill-quick-").FullName,
            Runs = 1, Port = ServiceProcess.FreePort(), Reminders = 20, Connections = 4,
            SchemaPrefix = "drillq_" + Guid.NewGuid().ToString("N")[..8],
        };
        try
        {
            var runs = await DrillCommand.RunAsync("kill-deadlines", settings, TestContext.Current.CancellationToken);

            var run = runs.ShouldHaveSingleItem();
            run.Failures.ShouldBeEmpty(string.Join(" | ", run.Failures));
            run.FigureNumber("mail messages queued at kill").ShouldNotBeNull().ShouldBeGreaterThan(0, "the kill came while mails waited in the queue");
            run.FigureNumber("reminder mails").ShouldBe(20);
            run.FigureNumber("reminders").ShouldBe(20);
        }
        finally
        {
            await KillDrill.DropSchemaAsync(ConnectionString, settings.SchemaPrefix + "_deadlines", CancellationToken.None);
        }
    }
}

/// <summary>
/// The drills' and the soak's quick tests start service processes one class after the other (beside the benchmark's quick
/// mode): several services starting at once on two busy cores took more than 3 minutes to answer /health.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ServiceProcesses
{
    public const string Name = "service processes";
}
