namespace FlutHilfe.Bench.Drills;

/// <summary>`bench drill NAME [--runs 3] …`: runs a drill a number of times, prints its figures, exits 1 when an invariant failed.</summary>
internal static class DrillCommand
{
    public static readonly string[] Names = ["kill-import", "kill-receipts", "kill-deadlines", "pg-restart", "two-nodes"];

    public static async Task<int> RunAsync(string name, Options o, CancellationToken ct)
    {
        if (!Names.Contains(name)) throw new UsageException($"unknown drill '{name}' (known: {string.Join(", ", Names)})");
        var defaults = new DrillSettings { Connection = "", ApiDll = "", WorkDir = "" };
        var s = new DrillSettings
        {
            Connection = o.Text("connection") ?? Db.UrlFromOps(),
            ApiDll = Path.GetFullPath(o.Required("api-dll")),
            WorkDir = Path.GetFullPath(o.Text("work") ?? ".bench"),
            Runs = o.Int("runs", defaults.Runs, 1),
            Port = o.Int("port", defaults.Port, 1),
            SecondPort = o.Int("second-port", defaults.SecondPort, 1),
            Transactions = o.Int("transactions", defaults.Transactions, 10),
            Receipts = o.Int("receipts", defaults.Receipts, 10),
            Reminders = o.Int("reminders", defaults.Reminders, 1),
            Outage = TimeSpan.FromSeconds(o.Int("outage-seconds", (int)defaults.Outage.TotalSeconds, 1)),
            Connections = o.Int("connections", defaults.Connections, 1),
            PgBinDir = o.Text("pg-bin"),
            SchemaPrefix = o.Text("schema") ?? defaults.SchemaPrefix,
            PrivatePgPort = o.Int("pg-port", defaults.PrivatePgPort, 1),
            ServiceSettings = Service(o.Text("import-batch"), o.Text("wolverine-defaults") is "true"),
        };
        o.RejectUnknown();
        Directory.CreateDirectory(s.WorkDir);
        await Db.EnsureDatabaseAsync(s.Connection, ct);
        var runs = await RunAsync(name, s, ct);
        DrillReport.Print(runs);
        return runs.All(r => r.Passed) ? 0 : 1;
    }

    private static Dictionary<string, string> Service(string? importBatch, bool wolverineDefaults)
    {
        var settings = wolverineDefaults ? new Dictionary<string, string>() : new Dictionary<string, string>(DrillSettings.FastFailover);
        if (importBatch is not null) settings["BankStatements__ImportBatchSize"] = importBatch;
        return settings;
    }

    public static async Task<List<DrillRun>> RunAsync(string name, DrillSettings s, CancellationToken ct)
    {
        var runs = new List<DrillRun>();
        for (var i = 1; i <= s.Runs; i++)
        {
            Log.Info($"=== drill {name}, run {i}/{s.Runs}, load average {DrillReport.Load()}");
            var run = name switch
            {
                "kill-import" or "kill-receipts" => await KillDrill.RunAsync(name, s, i, ct),
                "kill-deadlines" => await DeadlineKillDrill.RunAsync(s, i, ct),
                "pg-restart" => await PgRestartDrill.RunAsync(s, i, ct),
                "two-nodes" => await TwoNodesDrill.RunAsync(s, i, ct),
                _ => throw new UsageException($"unknown drill '{name}'"),
            };
            Log.Info($"=== drill {name}, run {i}: {(run.Passed ? "pass" : "FAIL: " + string.Join("; ", run.Failures))}; "
                     + string.Join(", ", run.Figures.Select(f => $"{f.Name} {f.Value}")));
            runs.Add(run);
        }
        return runs;
    }
}
