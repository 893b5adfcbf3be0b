using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace FlutHilfe.Bench;

/// <summary>
/// One figure of a scenario: ours, and where the issue names one, the baseline measured in the same run, their
/// ratio and the goal. <see cref="HigherIsBetter"/> decides how the ratio reads (rates: ours ÷ baseline).
/// </summary>
internal sealed record Measure(
    string Goal, string What, double Ours, string Unit,
    double? Baseline = null, string? BaselineWhat = null, double? Ratio = null,
    string Target = "", bool? Met = null)
{
    public static Measure Rate(string goal, string what, double ours, string unit, double baseline, string baselineWhat, double minRatio, string target)
    {
        var ratio = ours / baseline;
        return new Measure(goal, what, ours, unit, baseline, baselineWhat, ratio, target, double.IsFinite(ratio) ? ratio >= minRatio : null);
    }
}

/// <summary>What a scenario hands back: its markdown section, its figures, and anything that went wrong.</summary>
internal sealed class ScenarioResult(string name, string title)
{
    public string Name { get; } = name;
    public string Title { get; } = title;
    public List<Measure> Measures { get; } = [];
    /// <summary>Harness failures: a service that did not start, a baseline that did not run, lost pledges…</summary>
    public List<string> Problems { get; } = [];
    /// <summary>Named facts for the quick-mode test (e.g. "pledges.lost").</summary>
    public Dictionary<string, double> Facts { get; } = new(StringComparer.Ordinal);
    public StringBuilder Body { get; } = new();
    public string LoadBefore { get; set; } = "";
    public string LoadAfter { get; set; } = "";
    public DateTimeOffset StartedAt { get; set; }
    public TimeSpan Elapsed { get; set; }

    public void Line(string text = "") => Body.AppendLine(text);
}

internal static class Machine
{
    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
    }

    public static async Task<string> FactsAsync(string connection, CancellationToken ct)
    {
        var mem = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) is { } line
            ? $"{long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1048576.0:F1} GiB"
            : "?";
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
        var kernel = File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : RuntimeInformation.OSDescription;
        var pg = "?";
        try
        {
            await using var conn = new NpgsqlConnection(connection);
            await conn.OpenAsync(ct);
            await using var cmd = new NpgsqlCommand("show server_version", conn);
            pg = (string)(await cmd.ExecuteScalarAsync(ct))!;
        }
        catch (NpgsqlException)
        {
        }
        return $"{Environment.ProcessorCount} cores ({cpu}), {mem} RAM, Linux {kernel}, PostgreSQL {pg}, {RuntimeInformation.FrameworkDescription} (SDK {SdkVersion()})";
    }

    private static string SdkVersion()
    {
        try
        {
            var info = new ProcessStartInfo("dotnet", "--version") { RedirectStandardOutput = true, UseShellExecute = false };
            using var p = Process.Start(info)!;
            var v = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            return v;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "?";
        }
    }

    public static string Commit(string repo)
    {
        try
        {
            var info = new ProcessStartInfo("git", "rev-parse --short HEAD") { WorkingDirectory = repo, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var p = Process.Start(info)!;
            var sha = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            var dirty = new ProcessStartInfo("git", "diff --quiet HEAD -- src") { WorkingDirectory = repo, UseShellExecute = false };
            using var d = Process.Start(dirty)!;
            d.WaitForExit();
            return p.ExitCode == 0 ? $"`{sha}`{(d.ExitCode == 0 ? "" : " (src with uncommitted changes)")}" : "?";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "?";
        }
    }
}

/// <summary>
/// docs/benchmarks.md: a header, "Goals at a glance" (rebuilt from the figures of every section in the file), then one
/// section per scenario. A scenario replaces only its own section; its figures are kept in it as one-line comments.
/// </summary>
internal static class BenchmarkDoc
{
    public const string SummaryTitle = "Goals at a glance";
    private const string MeasurePrefix = "<!-- measure ";
    private const string MeasureSuffix = " -->";

    /// <summary>Section order in the file; sections not listed keep their place after these.</summary>
    private static readonly string[] Order =
    [
        SummaryTitle, "Pledge intake", "Public reads", "Health and OpenAPI", "Bank statement import", "Where the time goes: import",
        "Receipts end to end", "Where the time goes: receipts",
        "Projection rebuild", "Cold start", "Freshness of the public figures",
    ];

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static string Section(ScenarioResult r, string machine, string commit)
    {
        var b = new StringBuilder();
        b.AppendLine($"Run {r.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC ({Stats.F(r.Elapsed.TotalSeconds, 0)} s), commit {commit}; {machine}.");
        b.AppendLine($"Load average (1/5/15 min) before: {r.LoadBefore}; after: {r.LoadAfter}.");
        b.AppendLine();
        if (r.Measures.Count > 0)
        {
            b.AppendLine("| measure | ours | baseline (same run) | ratio | goal | met |");
            b.AppendLine("|---|---:|---:|---:|---|---|");
            foreach (var m in r.Measures) b.AppendLine(Row(m, withGoal: false));
            b.AppendLine();
        }
        b.Append(r.Body.ToString().TrimEnd());
        b.AppendLine();
        if (r.Problems.Count > 0)
        {
            b.AppendLine();
            b.AppendLine("**Problems in this run:**");
            foreach (var p in r.Problems) b.AppendLine($"- {p.ReplaceLineEndings(" ")}");
        }
        b.AppendLine();
        foreach (var m in r.Measures) b.AppendLine(MeasurePrefix + JsonSerializer.Serialize(new Stored(m, r.StartedAt), Json).Replace("--", "- -", StringComparison.Ordinal) + MeasureSuffix);
        return b.ToString();
    }

    private sealed record Stored(Measure Measure, DateTimeOffset Run);

    private static string Row(Measure m, bool withGoal)
    {
        var ours = $"{Number(m.Ours)} {m.Unit}".Trim();
        var baseline = m.Baseline is { } bl ? $"{Number(bl)} {m.Unit} ({m.BaselineWhat})" : m.BaselineWhat ?? "–";
        var ratio = m.Ratio is { } r && double.IsFinite(r) ? r.ToString(r < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture) : "–";
        var met = m.Met switch { true => "yes", false => "**no**", null => "–" };
        return withGoal
            ? $"| {m.Goal} | {m.What} | {ours} | {baseline} | {ratio} | {m.Target} | {met} |"
            : $"| {m.What} | {ours} | {baseline} | {ratio} | {m.Target} | {met} |";
    }

    public static string Number(double v)
    {
        if (!double.IsFinite(v)) return "–";
        var a = Math.Abs(v);
        return v.ToString(a >= 1000 ? "#,0" : a >= 100 ? "0" : a >= 10 ? "0.0" : "0.00", CultureInfo.InvariantCulture);
    }

    /// <summary>Replaces (or appends) the section <paramref name="title"/> and rebuilds the header and the summary.</summary>
    public static void Write(string path, string title, string body, string header)
    {
        var sections = Parse(File.Exists(path) ? File.ReadAllText(path) : "");
        sections[title] = body.Trim();
        sections[SummaryTitle] = Summary(sections);
        var titles = Order.Where(sections.ContainsKey).Concat(sections.Keys.Where(k => !Order.Contains(k))).ToList();
        var b = new StringBuilder();
        b.AppendLine(header.Trim());
        foreach (var t in titles)
        {
            b.AppendLine();
            b.AppendLine($"## {t}");
            b.AppendLine();
            b.AppendLine(sections[t]);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path + ".tmp", b.ToString());
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>The "## " sections of a file, in order (the text before the first is the header, rewritten each time).</summary>
    private static Dictionary<string, string> Parse(string text)
    {
        var sections = new Dictionary<string, string>(StringComparer.Ordinal);
        string? current = null;
        var lines = new List<string>();
        void Flush()
        {
            if (current is not null) sections[current] = string.Join('\n', lines).Trim();
            lines.Clear();
        }
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                Flush();
                current = line[3..].Trim();
                continue;
            }
            if (current is not null) lines.Add(line.TrimEnd('\r'));
        }
        Flush();
        return sections;
    }

    private static string Summary(Dictionary<string, string> sections)
    {
        var stored = new List<Stored>();
        foreach (var (title, text) in sections)
        {
            if (title == SummaryTitle) continue;
            foreach (var line in text.Split('\n'))
            {
                if (!line.StartsWith(MeasurePrefix, StringComparison.Ordinal) || !line.EndsWith(MeasureSuffix, StringComparison.Ordinal)) continue;
                var json = line[MeasurePrefix.Length..^MeasureSuffix.Length].Replace("- -", "--", StringComparison.Ordinal);
                try
                {
                    if (JsonSerializer.Deserialize<Stored>(json, Json) is { } s && s.Measure.Goal.Length > 0) stored.Add(s);
                }
                catch (JsonException)
                {
                }
            }
        }
        var b = new StringBuilder();
        b.AppendLine("The figures of every section below that belong to a goal of issue 14, collected from the sections (each from its own run;");
        b.AppendLine("see the section for its load average). Ratios are ours ÷ the baseline measured in the same run, interleaved with it.");
        b.AppendLine();
        b.AppendLine("| # | measure | ours | baseline (same run) | ratio | goal | met | run |");
        b.AppendLine("|---|---|---:|---:|---:|---|---|---|");
        foreach (var s in stored.OrderBy(s => GoalKey(s.Measure.Goal)).ThenBy(s => s.Run))
            b.AppendLine(Row(s.Measure, withGoal: true).TrimEnd('|') + $"| {s.Run.UtcDateTime:yyyy-MM-dd HH:mm} |");
        return b.ToString().Trim();
    }

    private static int GoalKey(string goal) => int.TryParse(new string(goal.TakeWhile(char.IsDigit).ToArray()), CultureInfo.InvariantCulture, out var n) ? n : 99;
}
