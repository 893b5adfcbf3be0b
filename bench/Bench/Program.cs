using FlutHilfe.Bench;

// bench suite --api-dll PATH/FlutHilfe.Api.dll [--scenarios all|pledges,reads,…] [--quick true] [--doc docs/benchmarks.md] …
// bench wait  --url http://127.0.0.1:5090 [--timeout-seconds 120]
// Results go to the benchmark file; progress goes to stderr.
try
{
    if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
    {
        Console.Out.WriteLine(Usage.Text);
        return args.Length == 0 ? 2 : 0;
    }
    var options = Options.Parse(args.Skip(args[0] == "drill" ? 2 : 1));
    using var cancel = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        cancel.Cancel();
    };
    return args[0] switch
    {
        "suite" => await SuiteCommand.RunAsync(options, cancel.Token),
        "wait" => await Health.WaitCommandAsync(options, cancel.Token),
        "drill" when args.Length > 1 => await FlutHilfe.Bench.Drills.DrillCommand.RunAsync(args[1], options, cancel.Token),
        "soak" => await FlutHilfe.Bench.Drills.SoakCommand.RunAsync(options, cancel.Token),
        _ => Usage.Fail($"unknown command '{args[0]}'"),
    };
}
catch (UsageException e)
{
    return Usage.Fail(e.Message);
}

internal static class Usage
{
    public const string Text = """
        usage:
          bench suite --api-dll PATH/FlutHilfe.Api.dll [--scenarios all | pledges,reads,health,import,receipts,rebuild,audit,coldstart,freshness,page]
                      [--quick false] [--doc docs/benchmarks.md] [--work .bench] [--connection CONNSTRING] [--repo .]
                      [--rounds 3] [--seconds 10] [--connections 16] [--port 5090] [--schema bench]
                      [--import-sizes 5000,50000,100000] [--import-cap-seconds 600] [--receipts 500]
                      [--rebuild-streams 500000] [--rebuild-every true] [--audit-streams 500000] [--cold-runs 3] [--freshness-samples 20] [--profile-pledges 3000] [--page-donations 10000]
          bench wait  --url URL [--timeout-seconds 120]
          bench drill kill-import|kill-receipts|kill-deadlines|pg-restart|two-nodes --api-dll PATH/FlutHilfe.Api.dll [--runs 3] [--port 5093] [--second-port 5094]
                      [--transactions 10000] [--receipts 500] [--reminders 200] [--outage-seconds 10] [--connections 8] [--pg-bin DIR] [--pg-port 54340]
                      [--import-batch 1000] [--wolverine-defaults false] [--schema drill] [--work .bench] [--connection CONNSTRING]
          bench soak  --api-dll PATH/FlutHilfe.Api.dll [--minutes 30] [--port 5093] [--schema soak] [--pledges-per-second 8]
                      [--reads-per-second 4] [--work .bench] [--connection CONNSTRING]
        """;

    public static int Fail(string message)
    {
        Console.Error.WriteLine($"bench: {message}");
        Console.Error.WriteLine(Text);
        return 2;
    }
}

internal static class SuiteCommand
{
    public static async Task<int> RunAsync(Options o, CancellationToken ct)
    {
        var connection = o.Text("connection") ?? Db.UrlFromOps();
        var apiDll = Path.GetFullPath(o.Required("api-dll"));
        var quick = o.Text("quick") is "true";
        var work = Path.GetFullPath(o.Text("work") ?? ".bench");
        var doc = Path.GetFullPath(o.Text("doc") ?? (quick ? Path.Combine(work, "benchmarks-quick.md") : "docs/benchmarks.md"));
        var repo = Path.GetFullPath(o.Text("repo") ?? ".");
        var scenarios = (o.Text("scenarios") ?? "all") is var list && list == "all"
            ? Suite.All
            : list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var settings = quick ? SuiteSettings.QuickFor(connection, apiDll, doc, work, repo) : new SuiteSettings { Connection = connection, ApiDll = apiDll, Doc = doc, WorkDir = work, Repo = repo };
        settings = settings with
        {
            Rounds = o.Int("rounds", settings.Rounds, 1),
            RoundDuration = o.Text("seconds") is null ? settings.RoundDuration : TimeSpan.FromSeconds(o.Int("seconds", 10, 1)),
            PgBenchTransactionsPerClient = o.Text("seconds") is null ? settings.PgBenchTransactionsPerClient : null,
            Connections = o.Int("connections", settings.Connections, 1),
            Port = o.Int("port", settings.Port, 1),
            SchemaPrefix = o.Text("schema") ?? settings.SchemaPrefix,
            ImportSizes = o.Text("import-sizes") is { } sizes ? sizes.Split(',').Select(x => int.Parse(x, System.Globalization.CultureInfo.InvariantCulture)).ToArray() : settings.ImportSizes,
            ImportCap = TimeSpan.FromSeconds(o.Int("import-cap-seconds", (int)settings.ImportCap.TotalSeconds, 1)),
            ReceiptsCount = o.Int("receipts", settings.ReceiptsCount, 1),
            RebuildStreams = o.Int("rebuild-streams", settings.RebuildStreams, 1),
            AuditStreams = o.Int("audit-streams", settings.AuditStreams, 1),
            RebuildEveryProjection = o.Text("rebuild-every") is { } every ? every == "true" : settings.RebuildEveryProjection,
            ColdRuns = o.Int("cold-runs", settings.ColdRuns, 1),
            FreshnessSamples = o.Int("freshness-samples", settings.FreshnessSamples, 1),
            ProfilePledges = o.Int("profile-pledges", settings.ProfilePledges, 1),
            PageDonations = o.Int("page-donations", settings.PageDonations, 1),
        };
        o.RejectUnknown();
        if (!System.Text.RegularExpressions.Regex.IsMatch(settings.SchemaPrefix, "^[a-z_][a-z0-9_]{0,40}$"))
            throw new UsageException($"--schema must be a plain lower-case identifier, got '{settings.SchemaPrefix}'");
        var results = await Suite.RunAsync(settings, scenarios, ct);
        foreach (var r in results)
            Console.Out.WriteLine($"{r.Name}: {string.Join("; ", r.Measures.Select(m => $"{m.What} {BenchmarkDoc.Number(m.Ours)} {m.Unit}" + (m.Ratio is { } x ? $" (ratio {x:F2})" : "")))}"
                                  + (r.Problems.Count > 0 ? $" — PROBLEMS: {string.Join(" | ", r.Problems)}" : ""));
        Console.Out.WriteLine($"wrote {settings.Doc}");
        return results.All(r => r.Problems.Count == 0) ? 0 : 1;
    }
}
