using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using FlutHilfe.Bench.Scenarios;
using Npgsql;

namespace FlutHilfe.Bench;

/// <summary>Sizes and knobs of one run. <see cref="Quick"/> gives the small sizes the test suite runs.</summary>
internal sealed record SuiteSettings
{
    public required string Connection { get; init; }
    public required string ApiDll { get; init; }
    public required string Doc { get; init; }
    public required string WorkDir { get; init; }
    public string Repo { get; init; } = ".";
    public string SchemaPrefix { get; init; } = "bench";
    public int Port { get; init; } = 5090;
    public int Connections { get; init; } = 16;
    public int Rounds { get; init; } = 3;
    public TimeSpan RoundDuration { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Quick mode: pgbench runs this many transactions per client instead of a duration.</summary>
    public int? PgBenchTransactionsPerClient { get; init; }
    /// <summary>Pledges before the measured rounds (not counted): enough for the tiered JIT to have optimised the hot path (the rounds climbed 200 → 300+ /s after only 300).</summary>
    public int WarmupRequests { get; init; } = 3000;
    public int ProfilePledges { get; init; } = 3_000;
    public TimeSpan ProfileIdle { get; init; } = TimeSpan.FromSeconds(10);
    public int[] ImportSizes { get; init; } = [5_000, 50_000, 100_000];
    public TimeSpan ImportCap { get; init; } = TimeSpan.FromMinutes(10);
    public int ReceiptsCount { get; init; } = 500;
    public int RebuildStreams { get; init; } = 500_000;
    public bool RebuildEveryProjection { get; init; } = true;
    /// <summary>Donation streams (two events each) of the audit scenario; above 50,000 it also measures 50,000 first.</summary>
    public int AuditStreams { get; init; } = 500_000;
    public int ColdRuns { get; init; } = 3;
    public int FreshnessSamples { get; init; } = 20;
    public int PageDonations { get; init; } = 10_000;
    public bool Quick { get; init; }
    public string Appeal { get; init; } = "freude-schenken-2021";

    public static SuiteSettings QuickFor(string connection, string apiDll, string doc, string workDir, string repo) => new()
    {
        Connection = connection, ApiDll = apiDll, Doc = doc, WorkDir = workDir, Repo = repo, Quick = true,
        SchemaPrefix = "benchq_" + Guid.NewGuid().ToString("N")[..8],
        Port = ServiceProcess.FreePort(),
        Connections = 16, Rounds = 3, RoundDuration = TimeSpan.FromMilliseconds(400), PgBenchTransactionsPerClient = 25,
        WarmupRequests = 32, ProfilePledges = 100, ProfileIdle = TimeSpan.FromSeconds(1),
        ImportSizes = [100, 1_000], ImportCap = TimeSpan.FromMinutes(2), ReceiptsCount = 5, RebuildStreams = 1_000,
        RebuildEveryProjection = false, AuditStreams = 1_000, ColdRuns = 1, FreshnessSamples = 3, PageDonations = 100,
    };
}

/// <summary>Shared by the scenarios of one run: settings, SMTP sink, tokens, the service (shared in quick mode).</summary>
internal sealed class SuiteContext : IAsyncDisposable
{
    private ServiceProcess? _shared;
    private string? _treasurer, _auditor;
    private int _nextPort;

    public SuiteContext(SuiteSettings settings)
    {
        Settings = settings;
        _nextPort = settings.Port;
        Smtp = new SmtpSink(ServiceProcess.FreePort());
    }

    public SuiteSettings Settings { get; }
    /// <summary>Quick mode: the cold-start figures of the shared service's own start (on an empty schema).</summary>
    public ColdStartScenario.Sample? SharedStart { get; private set; }
    public SmtpSink Smtp { get; }
    public ConcurrentQueue<(long Timestamp, string[] To, int Bytes)> Mails => Smtp.Mails;
    public string BaselineSchema => Settings.SchemaPrefix + "_baseline";
    public string Connection => Settings.Connection;
    /// <summary>The service of a full-mode scenario has a schema of its own; quick mode shares one.</summary>
    public string SchemaFor(string scenario) => Settings.Quick ? Settings.SchemaPrefix : $"{Settings.SchemaPrefix}_{scenario}";

    public async Task<string> TreasurerAsync(CancellationToken ct) => _treasurer ??= await ServiceProcess.TokenAsync(Settings.ApiDll, "treasurer", ct);
    public async Task<string> AuditorAsync(CancellationToken ct) => _auditor ??= await ServiceProcess.TokenAsync(Settings.ApiDll, "auditor", ct);

    public Uri NextUrl()
    {
        var port = Settings.Quick ? ServiceProcess.FreePort() : _nextPort++;
        return new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
    }

    /// <summary>A running, healthy service for <paramref name="scenario"/>: in quick mode the shared one, otherwise a
    /// fresh process on a freshly dropped schema (dispose the lease to stop it).</summary>
    public async Task<ServiceLease> ServiceAsync(string scenario, CancellationToken ct, bool fresh = false)
    {
        if (Settings.Quick && !fresh)
        {
            if (_shared is null || _shared.Exited)
            {
                await DropSchemaAsync(SchemaFor(scenario), ct);
                _shared = await StartAsync(SchemaFor(scenario), "service-quick.log", ct);
                // Its start is a cold start too: quick mode reports it instead of starting another process.
                SharedStart = await ColdStartScenario.AfterHealthyAsync(_shared, Settings.Appeal, ct);
            }
            return new ServiceLease(_shared, owned: false);
        }
        var schema = SchemaFor(scenario);
        await DropSchemaAsync(schema, ct);
        return new ServiceLease(await StartAsync(schema, $"service-{scenario}.log", ct), owned: true);
    }

    public async Task<ServiceProcess> StartAsync(string schema, string logName, CancellationToken ct)
    {
        var env = ServiceProcess.Environment(Connection, schema, Smtp.Port);
        var service = await ServiceProcess.StartAsync(Settings.ApiDll, NextUrl(), env, Path.Combine(Settings.WorkDir, logName), ct);
        try
        {
            await service.WaitHealthyAsync(TimeSpan.FromMinutes(3), ct);
            return service;
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
    }

    public async Task DropSchemaAsync(string schema, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(Connection);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand($"set client_min_messages = warning; drop schema if exists \"{schema}\" cascade", conn);
        cmd.CommandTimeout = 600;
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_shared is not null) await _shared.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}

internal sealed class ServiceLease(ServiceProcess service, bool owned) : IAsyncDisposable
{
    public ServiceProcess Service { get; } = service;
    public Uri Url => Service.Url;
    public ValueTask DisposeAsync() => owned ? Service.DisposeAsync() : ValueTask.CompletedTask;
}

/// <summary>Runs scenarios one after another and writes each one's section of the benchmark file.</summary>
internal static class Suite
{
    // Cold start last: in quick mode it restarts on the shared schema, and a killed node holds the daemon's agents for a while.
    public static readonly string[] All = ["pledges", "reads", "health", "freshness", "page", "import", "receipts", "rebuild", "audit", "coldstart"];

    public static async Task<List<ScenarioResult>> RunAsync(SuiteSettings settings, IReadOnlyList<string> scenarios, CancellationToken ct)
    {
        foreach (var s in scenarios)
            if (!All.Contains(s)) throw new UsageException($"unknown scenario '{s}' (known: {string.Join(", ", All)})");
        Directory.CreateDirectory(settings.WorkDir);
        await Db.EnsureDatabaseAsync(settings.Connection, ct);
        var machine = await Machine.FactsAsync(settings.Connection, ct);
        var commit = Machine.Commit(settings.Repo);
        var results = new List<ScenarioResult>();
        var context = new SuiteContext(settings);
        try
        {
            foreach (var name in scenarios)
            {
                var result = NewResult(name);
                result.StartedAt = DateTimeOffset.UtcNow;
                result.LoadBefore = Machine.LoadAverage();
                var clock = Stopwatch.StartNew();
                Log.Info($"=== {name} ({result.Title}), load average {result.LoadBefore}");
                try
                {
                    await RunOneAsync(name, context, result, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    result.Problems.Add($"the scenario stopped: {e.GetType().Name}: {e.Message}");
                    Log.Info($"{name} failed: {e}");
                }
                result.Elapsed = clock.Elapsed;
                result.LoadAfter = Machine.LoadAverage();
                results.Add(result);
                BenchmarkDoc.Write(settings.Doc, result.Title, BenchmarkDoc.Section(result, machine, commit), Header(settings, machine, commit, scenarios));
                Log.Info($"=== {name} done in {clock.Elapsed.TotalSeconds:F0} s; wrote its section of {settings.Doc}"
                         + (result.Problems.Count > 0 ? $"; PROBLEMS: {string.Join(" | ", result.Problems)}" : ""));
            }
        }
        finally
        {
            await context.DisposeAsync();
            if (settings.Quick)
            {
                await context.DropSchemaAsync(settings.SchemaPrefix, CancellationToken.None);
                await context.DropSchemaAsync(context.BaselineSchema, CancellationToken.None);
                await context.DropSchemaAsync(settings.SchemaPrefix + "_rebuild", CancellationToken.None);
            }
        }
        return results;
    }

    private static ScenarioResult NewResult(string name) => name switch
    {
        "pledges" => new(name, "Pledge intake"),
        "reads" => new(name, "Public reads"),
        "health" => new(name, "Health and OpenAPI"),
        "import" => new(name, "Bank statement import"),
        "receipts" => new(name, "Receipts end to end"),
        "rebuild" => new(name, "Projection rebuild"),
        "audit" => new(name, "Audit export and verification"),
        "coldstart" => new(name, "Cold start"),
        "freshness" => new(name, "Freshness of the public figures"),
        "page" => new(name, "Appeal page with many donations"),
        _ => throw new UsageException($"unknown scenario '{name}'"),
    };

    private static Task RunOneAsync(string name, SuiteContext c, ScenarioResult r, CancellationToken ct) => name switch
    {
        "pledges" => PledgeScenario.RunAsync(c, r, ct),
        "reads" => ReadScenario.RunAsync(c, r, ct),
        "health" => HealthScenario.RunAsync(c, r, ct),
        "import" => ImportScenario.RunAsync(c, r, ct),
        "receipts" => ReceiptScenario.RunAsync(c, r, ct),
        "rebuild" => RebuildScenario.RunAsync(c, r, ct),
        "audit" => AuditScenario.RunAsync(c, r, ct),
        "coldstart" => ColdStartScenario.RunAsync(c, r, ct),
        "freshness" => FreshnessScenario.RunAsync(c, r, ct),
        "page" => PageScenario.RunAsync(c, r, ct),
        _ => throw new UsageException($"unknown scenario '{name}'"),
    };

    private static string Header(SuiteSettings s, string machine, string commit, IReadOnlyList<string> scenarios) => $"""
        # Benchmarks

        Written by `bench/run` (see the README's "Benchmarks"): `bench/run all` runs every scenario, `bench/run pledges reads`
        only those; each scenario replaces only its own section below and "Goals at a glance" is rebuilt from all sections.
        Every scenario that has a baseline measures it **interleaved** with ours in the same run (baseline, ours, baseline,
        ours, …; {s.Rounds} rounds, medians), so a busy machine moves both; the **ratios** are what counts, the absolute
        figures are a second line. Client, service and PostgreSQL share one {Environment.ProcessorCount}-core machine; other work on it
        shows in the load average noted per section.

        Last written {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC by `{string.Join(' ', scenarios)}`{(s.Quick ? " (quick mode: small sizes, not a reference)" : "")}, commit {commit}; {machine}.
        The service is the build of `ops/publish` (Release, pre-generated handler code, ReadyToRun; `bench/run quick`: the
        Release build) started as its own process on 127.0.0.1 (`ASPNETCORE_ENVIRONMENT=Development`, except the cold
        start, which runs as production does: see its section; demo data, a Marten schema per scenario in the database `{new NpgsqlConnectionStringBuilder(s.Connection).Database}`, the per-address pledge limit raised,
        mail to an SMTP sink in the bench tool); the baselines run against the same PostgreSQL over TCP.
        """;
}
