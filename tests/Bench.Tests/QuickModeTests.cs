using System.Globalization;
using Shouldly;
using Xunit;

namespace FlutHilfe.Bench.Tests;

/// <summary>
/// `bench/run quick` in the test suite: the harness starts the service's Release build as a process on 127.0.0.1,
/// runs every scenario with small sizes against the test database, interleaved with its baselines, and writes a
/// benchmark file. Asserts that the harness works — never how fast anything is.
/// </summary>
public sealed class QuickModeTests
{
    private static string ConnectionString =>
        Environment.GetEnvironmentVariable("FLUTHILFE_TEST_DB")
        ?? "Host=127.0.0.1;Port=54329;Database=fluthilfe;Username=fluthilfe;Password=fluthilfe";

    [Fact(Timeout = 600_000)]
    public async Task Quick_mode_measures_every_scenario_with_its_baseline_and_loses_no_pledge()
    {
        var repo = RepositoryRoot();
        var work = Directory.CreateTempSubdirectory("fluthilfe-bench-quick-").FullName;
        var doc = Path.Combine(work, "benchmarks.md");
        var settings = SuiteSettings.QuickFor(ConnectionString, ServiceBuild(repo), doc, work, repo);

        var results = await Suite.RunAsync(settings, Suite.All, TestContext.Current.CancellationToken);

        results.Select(r => r.Name).ShouldBe(Suite.All);
        foreach (var r in results)
        {
            r.Problems.ShouldBeEmpty($"{r.Name}: {string.Join(" | ", r.Problems)}");
            r.Measures.ShouldNotBeEmpty(r.Name);
            foreach (var m in r.Measures)
            {
                double.IsFinite(m.Ours).ShouldBeTrue($"{r.Name}: {m.What} has no figure");
                if (m.Baseline is { } baseline)
                {
                    // The baseline ran and was measured beside ours.
                    (double.IsFinite(baseline) && baseline > 0).ShouldBeTrue($"{r.Name}: no baseline for {m.What}");
                    m.Ours.ShouldBeGreaterThan(0, $"{r.Name}: {m.What}");
                }
            }
        }
        var facts = results.SelectMany(r => r.Facts).ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
        facts["pledges.acknowledged"].ShouldBeGreaterThan(0);
        facts["pledges.lost"].ShouldBe(0);
        facts["pledges.duplicated"].ShouldBe(0);
        facts["pledges.snapshotsMissing"].ShouldBe(0);
        facts["baseline.transactions"].ShouldBeGreaterThan(0, "pgbench ran no transaction");
        // The profile ran and produced a number; in quick mode (no idle wait, other test modules on the same PostgreSQL)
        // the idle-rate correction can exceed the few pledges' own transactions, so its sign says nothing here.
        double.IsFinite(facts["profile.transactionsPerPledge"]).ShouldBeTrue("the profile's per-pledge transactions");
        facts["profile.pledges"].ShouldBeGreaterThan(0, "the profile's pledges");
        facts["rebuild.sameResult"].ShouldBe(1, "the raw read-and-fold and Marten's rebuild must end with the same totals");
        facts["receipts.mailed"].ShouldBe(settings.ReceiptsCount);
        facts["receipts.duplicates"].ShouldBe(0);
        facts["receipts.missingSequences"].ShouldBe(0);
        foreach (var n in settings.ImportSizes) double.IsFinite(facts[$"import.{n}.reimportSeconds"]).ShouldBeTrue($"the re-import of {n} answered");

        // The file: every scenario's section, and the summary lists a figure for every goal of issue 14.
        var text = await File.ReadAllTextAsync(doc, TestContext.Current.CancellationToken);
        foreach (var r in results) text.ShouldContain($"\n## {r.Title}\n");
        var summary = text[text.IndexOf("## Goals at a glance", StringComparison.Ordinal)..];
        summary = summary[..summary.IndexOf("\n## ", 5, StringComparison.Ordinal)];
        var goals = summary.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal) && char.IsDigit(l[2]))
            .Select(l => int.Parse(l[2..l.IndexOf(' ', 2)], CultureInfo.InvariantCulture)).Distinct().Order();
        goals.ShouldBe(Enumerable.Range(1, 9));
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "FlutHilfe.sln"))) return dir.FullName;
        throw new InvalidOperationException("FlutHilfe.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The service's build output of the same configuration as this test (ops/test: Release).</summary>
    internal static string ServiceBuild(string repo)
    {
        // …/tests/Bench.Tests/bin/{Configuration}/{TargetFramework}/
        var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var dll = Path.Combine(repo, "src", "Api", "bin", framework.Parent!.Name, framework.Name, "FlutHilfe.Api.dll");
        File.Exists(dll).ShouldBeTrue($"no service build at {dll}");
        return dll;
    }
}
