using FlutHilfe.Bench.Drills;
using Shouldly;
using Xunit;

namespace FlutHilfe.Bench.Tests;

/// <summary>
/// `ops/soak` with a quarter of a minute of load, so that the soak cannot rot: the service's Release build as a process
/// under pledges, statement imports, allocations with transfers and spending, public and staff reads; then every
/// invariant of the soak must hold (memory is sampled but not judged in so short a run). `ops/soak --minutes 30` is the
/// real thing.
/// </summary>
[Collection(ServiceProcesses.Name)]
public sealed class SoakQuickTests
{
    private static string ConnectionString =>
        Environment.GetEnvironmentVariable("FLUTHILFE_TEST_DB")
        ?? "Host=127.0.0.1;Port=54329;Database=fluthilfe;Username=fluthilfe;Password=fluthilfe";

    [Fact(Timeout = 300_000)]
    public async Task A_short_soak_keeps_every_invariant()
    {
        var repo = QuickModeTests.RepositoryRoot();
        var settings = new SoakSettings
        {
            Connection = ConnectionString, ApiDll = QuickModeTests.ServiceBuild(repo), WorkDir = Directory.CreateTempSubdirectory("fluthilfe-soak-quick-").FullName,
            Port = ServiceProcess.FreePort(), Minutes = 0.25, Schema = "soakq_" + Guid.NewGuid().ToString("N")[..8],
            PledgesPerSecond = 10, ReadsPerSecond = 4, ImportEvery = TimeSpan.FromSeconds(5), AllocationEvery = TimeSpan.FromSeconds(3),
            RssEvery = TimeSpan.FromSeconds(3), SettleCap = TimeSpan.FromMinutes(2),
        };
        try
        {
            var run = await SoakDrill.RunAsync(settings, TestContext.Current.CancellationToken);

            run.Failures.ShouldBeEmpty(string.Join(" | ", run.Failures));
            run.FigureNumber("pledges").ShouldNotBeNull().ShouldBeGreaterThan(20);
            run.FigureNumber("pledges paid").ShouldNotBeNull().ShouldBeGreaterThan(0);
            run.FigureNumber("receipts wanted and paid").ShouldNotBeNull().ShouldBeGreaterThan(0);
            run.FigureNumber("receipt mails").ShouldBe(run.FigureNumber("receipts wanted and paid"));
            run.Figures.ShouldContain(f => f.Name == "allocate" && f.Value.Contains("201"), "an allocation was made");
            run.Figures.ShouldContain(f => f.Name == "spend" && f.Value.Contains("201"), "a spending item was reported");
            run.FigureNumber("RSS samples").ShouldNotBeNull().ShouldBeGreaterThanOrEqualTo(3);
            run.FigureNumber("5xx").ShouldBe(0);
        }
        finally
        {
            await KillDrill.DropSchemaAsync(ConnectionString, settings.Schema, CancellationToken.None);
        }
    }

    [Fact]
    public void Memory_that_keeps_growing_after_the_warm_up_fails_the_soak()
    {
        var settings = new SoakSettings { Connection = "", ApiDll = "", WorkDir = "", Minutes = 30 };
        var flat = new DrillRun("soak", 1);
        SoakDrill.CheckMemory(flat, settings, Enumerable.Range(0, 31).Select(m => ((double)m, m < 3 ? 150.0 + 20 * m : 210 + (m % 2) * 3.0)).ToList());
        flat.Failures.ShouldBeEmpty();

        var leaking = new DrillRun("soak", 1);
        SoakDrill.CheckMemory(leaking, settings, Enumerable.Range(0, 31).Select(m => ((double)m, 200 + 3.0 * m)).ToList());
        leaking.Failures.ShouldHaveSingleItem().ShouldContain("memory not flat");
    }
}
