using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FlutHilfe.Bench;

/// <summary>
/// The service as a real process: `dotnet FlutHilfe.Api.dll --urls http://127.0.0.1:PORT` in the folder of the dll
/// (a Release publish or the Release build output), its output in a log file. Killed with its process tree on dispose.
/// </summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Lock _lock = new();
    private int _fail, _warn;

    private ServiceProcess(Process process, StreamWriter log, Uri url, string logPath, long startedTimestamp)
    {
        _process = process;
        _log = log;
        Url = url;
        LogPath = logPath;
        StartedTimestamp = startedTimestamp;
    }

    public Uri Url { get; }
    public string LogPath { get; }
    public int Pid => _process.Id;
    public bool Exited => _process.HasExited;
    /// <summary><see cref="Stopwatch.GetTimestamp"/> just before the process was started.</summary>
    public long StartedTimestamp { get; }
    /// <summary>Process start → first 200 of GET /health, once <see cref="WaitHealthyAsync"/> saw it.</summary>
    public TimeSpan? HealthyAfter { get; private set; }

    public const string ApplicationName = "fluthilfe-bench-service";

    /// <summary>The settings every benchmark service gets; <paramref name="extra"/> adds or overrides.</summary>
    public static Dictionary<string, string> Environment(string connection, string schema, int? smtpPort, IReadOnlyDictionary<string, string>? extra = null)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DemoData__Seed"] = "true",
            // A name of its own, so the profile finds the service's PostgreSQL backends in pg_stat_activity.
            // BENCH_SERVICE_CONNECTION ("Keyword=value;…", e.g. "No Reset On Close=true") is added to the service's connection string only.
            ["ConnectionStrings__FlutHilfe"] = new Npgsql.NpgsqlConnectionStringBuilder(connection + ";" + System.Environment.GetEnvironmentVariable("BENCH_SERVICE_CONNECTION"))
                { ApplicationName = ApplicationName }.ConnectionString,
            ["Marten__Schema"] = schema,
            // 16 connections from one address would otherwise meet the per-address pledge limit (429).
            ["Pledging__PledgesPerMinutePerClient"] = "100000000",
            // A 100,000-transaction statement is about 85 MB, over the default upload limit.
            ["BankStatements__UploadBytesMax"] = "200000000",
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        };
        if (smtpPort is { } port)
        {
            env["Smtp__Host"] = "127.0.0.1";
            env["Smtp__Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        if (extra is not null) foreach (var (k, v) in extra) env[k] = v;
        // BENCH_SERVICE_ENV="NAME=value;NAME2=value2": extra settings for the service only (e.g. runtime knobs to compare side by side).
        foreach (var pair in (System.Environment.GetEnvironmentVariable("BENCH_SERVICE_ENV") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0) env[pair[..eq]] = pair[(eq + 1)..];
        }
        return env;
    }

    /// <summary>
    /// What production runs with (<c>ASPNETCORE_ENVIRONMENT=Production</c>): secrets of its own instead of the development
    /// keys (fresh random ones per run), the public base URL and the tax office's notice date, which the service requires
    /// outside Development. Demo data stays on, so that the figures of goal 9 can be measured.
    /// </summary>
    public static Dictionary<string, string> ProductionEnvironment(string connection, string schema, int? smtpPort, Uri url)
        => Environment(connection, schema, smtpPort, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Auth__SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48)),
            ["Receipts__VerificationKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48)),
            ["PublicBaseUrl"] = url.GetLeftPart(UriPartial.Authority),
            ["Receipts__TaxOfficeNoticeDate"] = "2021-11-15",
        });

    /// <summary>`dotnet FlutHilfe.Api.dll ARGS…` with <paramref name="env"/>, to its end (e.g. `resources setup`); throws unless it exits with 0.</summary>
    public static async Task RunCommandAsync(string dll, IReadOnlyDictionary<string, string> env, CancellationToken ct, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(dll)!, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (k, v) in env) info.Environment[k] = v;
        using var p = Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet");
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        if (p.ExitCode != 0) throw new InvalidOperationException($"{string.Join(' ', args)} failed ({p.ExitCode}): {await stdout} {await stderr}");
    }

    public static async Task<ServiceProcess> StartAsync(string dll, Uri url, IReadOnlyDictionary<string, string> env, string logPath, CancellationToken ct)
    {
        if (!File.Exists(dll)) throw new InvalidOperationException($"no service build at {dll}");
        if (await IsListeningAsync(url, ct)) throw new InvalidOperationException($"something already listens on {url.Authority}: pick another port");
        var info = new ProcessStartInfo("dotnet")
        {
            // The content root is the working directory: appsettings*.json are beside the dll.
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add(url.GetLeftPart(UriPartial.Authority));
        foreach (var (k, v) in env) info.Environment[k] = v;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(logPath))!);
        var writer = new StreamWriter(logPath, append: false, Encoding.UTF8) { AutoFlush = true };
        Log.Info($"starting the service on {url.Authority} (schema {env.GetValueOrDefault("Marten__Schema")}, log {logPath})");
        var started = Stopwatch.GetTimestamp();
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet");
        var service = new ServiceProcess(process, writer, url, logPath, started);
        process.OutputDataReceived += (_, e) => service.Append(e.Data);
        process.ErrorDataReceived += (_, e) => service.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return service;
    }

    /// <summary>Polls GET /health every 20 ms until 200; throws when the process exits or the time is up.</summary>
    public async Task WaitHealthyAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        if (!await Health.PollAsync(client, new Uri(Url, "health"), HttpStatusCode.OK, () => !Exited, cts.Token))
        {
            ct.ThrowIfCancellationRequested();
            throw new InvalidOperationException(Exited
                ? $"the service exited with {_process.ExitCode} before /health answered; see {LogPath}"
                : $"/health did not answer 200 within {timeout.TotalSeconds:F0} s; see {LogPath}");
        }
        HealthyAfter = Stopwatch.GetElapsedTime(StartedTimestamp);
    }

    /// <summary>Counts of `fail:`/`crit:` and `warn:` lines in the log so far.</summary>
    public string LogSummary()
    {
        lock (_lock) return $"{_fail} `fail`/`crit` lines, {_warn} `warn` lines in the service log";
    }

    public int FailLines
    {
        get { lock (_lock) return _fail; }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_lock)
        {
            if (line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal)) _fail++;
            else if (line.StartsWith("warn:", StringComparison.Ordinal)) _warn++;
            _log.WriteLine(line);
        }
    }

    /// <summary>SIGKILL (what `kill -9` sends; .NET's Process.Kill on Unix): no shutdown hook, no flush, no goodbye to PostgreSQL.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
            _process.WaitForExit(); // drains the redirected output into the log
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
        lock (_lock) _log.Dispose();
    }

    public static async Task<bool> IsListeningAsync(Uri url, CancellationToken ct)
    {
        try
        {
            using var tcp = new TcpClient();
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(TimeSpan.FromSeconds(2));
            await tcp.ConnectAsync(url.Host, url.Port, cts.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>`dotnet FlutHilfe.Api.dll token ROLE` (Development): the token is the last line.</summary>
    public static async Task<string> TokenAsync(string dll, string role, CancellationToken ct, string? municipality = null)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(dll)!, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("token");
        info.ArgumentList.Add(role);
        if (municipality is not null) info.ArgumentList.Add(municipality);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        using var p = Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet");
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        var last = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        if (p.ExitCode != 0 || string.IsNullOrEmpty(last)) throw new InvalidOperationException($"token {role} failed ({p.ExitCode}): {await stderr}");
        return last;
    }
}

/// <summary>Progress on stderr (stdout is for results).</summary>
internal static class Log
{
    public static void Info(string message) => Console.Error.WriteLine($"bench: {message}");
}
