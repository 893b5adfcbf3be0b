using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Npgsql;
using netDumbster.smtp;

namespace FlutHilfe.Bench.Drills;

/// <summary>Sizes and knobs of a drill run (`bench drill NAME …`, `ops/drill NAME`).</summary>
internal sealed record DrillSettings
{
    public required string Connection { get; init; }
    public required string ApiDll { get; init; }
    public required string WorkDir { get; init; }
    public int Runs { get; init; } = 3;
    public int Port { get; init; } = 5093;
    public int SecondPort { get; init; } = 5094;
    /// <summary>Transactions of the statement of the kill-import drill (half pay pledges).</summary>
    public int Transactions { get; init; } = 10_000;
    /// <summary>Every n-th paying pledge of the import drill wants a receipt (with an e-mail address).</summary>
    public int ReceiptEvery { get; init; } = 10;
    /// <summary>Pledges reminded in the kill-deadlines drill.</summary>
    public int Reminders { get; init; } = 200;
    /// <summary>Receipts of the kill-receipts drill.</summary>
    public int Receipts { get; init; } = 500;
    /// <summary>How long PostgreSQL stays down in the pg-restart drill.</summary>
    public TimeSpan Outage { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Time the pg-restart and two-node drills load the service before and after the event.</summary>
    public TimeSpan LoadBefore { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan LoadAfter { get; init; } = TimeSpan.FromSeconds(15);
    public int Connections { get; init; } = 8;
    /// <summary>How long the service may take after the restart to issue, mail and drain everything.</summary>
    public TimeSpan SettleCap { get; init; } = TimeSpan.FromMinutes(4);
    public string SchemaPrefix { get; init; } = "drill";
    public string Appeal { get; init; } = "freude-schenken-2021";
    /// <summary>Extra settings for every service the drill starts (e.g. a smaller import batch in the quick test).</summary>
    public IReadOnlyDictionary<string, string> ServiceSettings { get; init; } = new Dictionary<string, string>(FastFailover);

    /// <summary>
    /// Wolverine's durability timings for several nodes (README "Drills"): a node whose health check is older than 10 s
    /// is stale; after 2 missed checks (2 s apart) it is ejected, and its agents and envelopes go to the others; assignments
    /// are re-checked every 5 s. With Wolverine's defaults the takeover after a SIGKILL took about a minute.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> FastFailover = new Dictionary<string, string>
    {
        ["Wolverine__Durability__StaleNodeTimeout"] = "00:00:10",
        ["Wolverine__Durability__HealthCheckPollingTime"] = "00:00:02",
        ["Wolverine__Durability__CheckAssignmentPeriod"] = "00:00:05",
    };
    /// <summary>Where PostgreSQL's binaries are (initdb, pg_ctl) for the private cluster of the pg-restart drill.</summary>
    public string? PgBinDir { get; init; }
    public int PrivatePgPort { get; init; } = 54340;
}

/// <summary>What one run of a drill measured and which invariant it broke.</summary>
internal sealed class DrillRun(string drill, int number)
{
    public string Drill { get; } = drill;
    public int Number { get; } = number;
    public List<(string Name, string Value)> Figures { get; } = [];
    public List<string> Failures { get; } = [];
    public string LoadBefore { get; set; } = "";
    public string LoadAfter { get; set; } = "";
    public bool Passed => Failures.Count == 0;

    public void Figure(string name, object? value) => Figures.Add((name, value switch
    {
        double d => d.ToString("0.##", CultureInfo.InvariantCulture),
        null => "–",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    }));

    /// <summary>Records a failed invariant unless <paramref name="holds"/>.</summary>
    public void Check(bool holds, string invariant)
    {
        if (!holds) Failures.Add(invariant);
    }

    public double? FigureNumber(string name)
        => Figures.LastOrDefault(f => f.Name == name).Value is { } v && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
}

/// <summary>An SMTP sink on loopback (netDumbster, as the receipts benchmark uses) that outlives the killed service.</summary>
internal sealed class MailSink : IDisposable
{
    private readonly SimpleSmtpServer _server;

    public MailSink()
    {
        _server = SimpleSmtpServer.Start(ServiceProcess.FreePort());
        _server.MessageReceived += (_, e) =>
        {
            var reminder = e.Message.Subject?.StartsWith(ReminderSubject, StringComparison.Ordinal) == true;
            foreach (var to in e.Message.ToAddresses) (reminder ? Reminders : Received).Enqueue(to.Address);
            _server.ClearReceivedEmail();
        };
    }

    /// <summary>The subject of the deadline reminders ("Erinnerung: Ihre Spendenzusage …"); every other mail is a receipt's.</summary>
    public const string ReminderSubject = "Erinnerung";

    public int Port => _server.Configuration.Port;
    /// <summary>Recipients of receipt mails (every mail but a reminder).</summary>
    public ConcurrentQueue<string> Received { get; } = new();
    /// <summary>Recipients of reminder mails.</summary>
    public ConcurrentQueue<string> Reminders { get; } = new();

    /// <summary>Receipt mails per address among the addresses that contain <paramref name="tag"/>.</summary>
    public Dictionary<string, int> CountsFor(string tag) => Count(Received, tag);

    /// <summary>Reminder mails per address among the addresses that contain <paramref name="tag"/>.</summary>
    public Dictionary<string, int> RemindersFor(string tag) => Count(Reminders, tag);

    private static Dictionary<string, int> Count(IEnumerable<string> addresses, string tag) => addresses.Where(a => a.Contains(tag, StringComparison.Ordinal))
        .GroupBy(a => a, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Count(), StringComparer.OrdinalIgnoreCase);

    public void Dispose()
    {
        _server.Stop();
        _server.Dispose();
    }
}

/// <summary>Queries of a service's schema that the drills' invariants read.</summary>
internal sealed class StoreProbe(string connection, string schema)
{
    public string Schema => schema;
    public string Connection => connection;

    public async Task<long> CountAsync(string sql, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var conn = new NpgsqlConnection(connection);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(sql.Replace("{s}", $"\"{schema}\"", StringComparison.Ordinal), conn) { CommandTimeout = 120 };
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
        var result = await cmd.ExecuteScalarAsync(ct);
        return result is null or DBNull ? 0 : Convert.ToInt64(result, CultureInfo.InvariantCulture);
    }

    public async Task<List<T>> RowsAsync<T>(string sql, Func<NpgsqlDataReader, T> read, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var conn = new NpgsqlConnection(connection);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(sql.Replace("{s}", $"\"{schema}\"", StringComparison.Ordinal), conn) { CommandTimeout = 120 };
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
        var rows = new List<T>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) rows.Add(read(reader));
        return rows;
    }

    /// <summary>Wolverine's envelopes not yet handled (inbox), not yet sent (outbox), and its and Marten's dead letters.</summary>
    public async Task<(long Inbox, long Outbox, long DeadLetters, long ProjectionDeadLetters)> QueuesAsync(CancellationToken ct) => (
        await CountAsync("select count(*) from {s}.wolverine_incoming_envelopes where status <> 'Handled'", ct),
        await CountAsync("select count(*) from {s}.wolverine_outgoing_envelopes", ct),
        await CountAsync("select count(*) from {s}.wolverine_dead_letters", ct),
        await CountAsync("select count(*) from {s}.mt_doc_deadletterevent", ct));

    /// <summary>Events the slowest asynchronous projection has not yet processed (0: caught up).</summary>
    public Task<long> ProjectionLagAsync(CancellationToken ct) => CountAsync(
        "select coalesce((select max(seq_id) from {s}.mt_events), 0) - coalesce((select min(last_seq_id) from {s}.mt_event_progression where name like '%:%'), 0)", ct);

    /// <summary>Receipt numbers per year: (issued, distinct sequences, highest sequence); gapless and unique when all three agree.</summary>
    public Task<List<(int Year, long Issued, long Distinct, long Max)>> ReceiptNumbersAsync(CancellationToken ct) => RowsAsync(
        "select (data->>'year')::int, count(*), count(distinct (data->>'sequence')::int), max((data->>'sequence')::int) from {s}.mt_events where type = 'receipt_issued' group by 1 order by 1",
        r => (r.GetInt32(0), r.GetInt64(1), r.GetInt64(2), (long)r.GetInt32(3)), ct);

    /// <summary>For each donation id: how many receipt lines (on any receipt, cancelled or not) name it.</summary>
    public async Task<Dictionary<Guid, int>> ReceiptLinesPerDonationAsync(CancellationToken ct) => (await RowsAsync(
        "select (l->>'donationId')::uuid, count(*) from {s}.mt_events e, jsonb_array_elements(e.data->'lines') l where e.type = 'receipt_issued' group by 1",
        r => (r.GetGuid(0), (int)r.GetInt64(1)), ct)).ToDictionary(x => x.Item1, x => x.Item2);

    /// <summary>For each donation id: how many payments it received.</summary>
    public async Task<Dictionary<Guid, int>> PaymentsPerDonationAsync(CancellationToken ct) => (await RowsAsync(
        "select stream_id, count(*) from {s}.mt_events where type = 'donation_payment_received' group by 1",
        r => (r.GetGuid(0), (int)r.GetInt64(1)), ct)).ToDictionary(x => x.Item1, x => x.Item2);
}

internal static class DrillReport
{
    public static void Print(IReadOnlyList<DrillRun> runs)
    {
        foreach (var group in runs.GroupBy(r => r.Drill))
        {
            var names = group.SelectMany(r => r.Figures.Select(f => f.Name)).Distinct().ToList();
            Console.Out.WriteLine();
            Console.Out.WriteLine($"## drill {group.Key}");
            Console.Out.WriteLine($"| run | {string.Join(" | ", names)} | load before → after | result |");
            Console.Out.WriteLine($"|---:|{string.Concat(names.Select(_ => "---:|"))}---|---|");
            foreach (var r in group)
            {
                var values = names.Select(n => r.Figures.LastOrDefault(f => f.Name == n).Value ?? "");
                Console.Out.WriteLine($"| {r.Number} | {string.Join(" | ", values)} | {r.LoadBefore} → {r.LoadAfter} | {(r.Passed ? "pass" : "FAIL: " + string.Join("; ", r.Failures))} |");
            }
        }
    }

    public static string Load() => Machine.LoadAverage();
}

internal static class Waiting
{
    /// <summary>Polls <paramref name="done"/> every <paramref name="every"/> until true or the cap; the time it took, or null.</summary>
    public static async Task<TimeSpan?> UntilAsync(Func<Task<bool>> done, TimeSpan cap, TimeSpan every, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < cap)
        {
            try
            {
                if (await done()) return clock.Elapsed;
            }
            catch (Exception e) when (e is NpgsqlException or HttpRequestException or IOException or TimeoutException)
            {
                // not yet
            }
            await Task.Delay(every, ct);
        }
        return null;
    }
}
