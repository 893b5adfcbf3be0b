using FlutHilfe.Bench.Drills;
using Shouldly;
using Xunit;

namespace FlutHilfe.Bench.Tests;

/// <summary>
/// `ops/drill kill-import` with small sizes, so the drill cannot rot: the service's Release build is started as a
/// process, killed with SIGKILL in the middle of an import (1,000 transactions written in batches of 100), restarted,
/// and the same file imported again; then every invariant of the drill must hold. The full drills (10,000 transactions,
/// 500 receipts, PostgreSQL restart, two nodes) run with `ops/drill`.
/// </summary>
[Collection(ServiceProcesses.Name)]
public sealed class DrillQuickTests
{
    private static string ConnectionString =>
        Environment.GetEnvironmentVariable("FLUTHILFE_TEST_DB")
        ?? "Host=127.0.0.1;Port=54329;Database=fluthilfe;Username=fluthilfe;Password=fluthilfe";

    [Fact(Timeout = 300_000)]
    public async Task Kill_during_an_import_loses_nothing_and_books_nothing_twice()
    {
        var repo = QuickModeTests.RepositoryRoot();
        var work = Directory.CreateTempSubdirectory("fluthilfe-drill-quick-").FullName;
        var settings = new DrillSettings
        {
            Connection = ConnectionString, ApiDll = QuickModeTests.ServiceBuild(repo), WorkDir = work, Runs = 1,
            Port = ServiceProcess.FreePort(), Transactions = 1_000, ReceiptEvery = 10, Connections = 8,
            SchemaPrefix = "drillq_" + Guid.NewGuid().ToString("N")[..8],
            ServiceSettings = new Dictionary<string, string>(DrillSettings.FastFailover) { ["BankStatements__ImportBatchSize"] = "100" },
        };
        try
        {
            var runs = await DrillCommand.RunAsync("kill-import", settings, TestContext.Current.CancellationToken);

            var run = runs.ShouldHaveSingleItem();
            run.Failures.ShouldBeEmpty(string.Join(" | ", run.Failures));
            run.FigureNumber("booked at kill").ShouldNotBeNull().ShouldBeInRange(1, 999, "the kill came in the middle of the import");
            run.FigureNumber("booked").ShouldBe(1_000);
            run.FigureNumber("receipts issued").ShouldBe(50);
        }
        finally
        {
            await KillDrill.DropSchemaAsync(ConnectionString, settings.SchemaPrefix + "_import", CancellationToken.None);
        }
    }
}
