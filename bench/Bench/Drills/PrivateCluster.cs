using System.Diagnostics;

namespace FlutHilfe.Bench.Drills;

/// <summary>
/// A throw-away PostgreSQL cluster of the drill's own (initdb into a temporary folder, its own port, trust on loopback),
/// so the drill can stop and start a server without touching the shared one. Removed on dispose.
/// </summary>
internal sealed class PrivateCluster : IAsyncDisposable
{
    private readonly string _bin, _dir;

    private PrivateCluster(string bin, string dir, int port)
    {
        _bin = bin;
        _dir = dir;
        Port = port;
    }

    public int Port { get; }
    /// <summary>What the service gets (pooled, as in production).</summary>
    public string Connection(string database) => $"Host=127.0.0.1;Port={Port};Database={database};Username=postgres;Timeout=5;Command Timeout=30";

    /// <summary>What the drill itself queries with: unpooled, so no connection broken by the restart (or left from an earlier run's cluster on the same port) is reused.</summary>
    public string DrillConnection(string database) => Connection(database) + ";Pooling=false";

    public static async Task<PrivateCluster> CreateAsync(string? binDir, int port, CancellationToken ct)
    {
        var bin = binDir ?? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb")))
            .OrderByDescending(d => d, StringComparer.Ordinal).FirstOrDefault() ?? throw new InvalidOperationException("no PostgreSQL binaries (initdb) found; pass --pg-bin");
        if (await ServiceProcess.IsListeningAsync(new Uri($"http://127.0.0.1:{port}/"), ct)) throw new InvalidOperationException($"port {port} is taken: pass another --pg-port");
        var dir = Path.Combine("/var/tmp", $"fluthilfe-drill-pg-{Guid.NewGuid():N}"[..32]);
        Directory.CreateDirectory(dir);
        var cluster = new PrivateCluster(bin, dir, port);
        try
        {
            if (Environment.UserName == "root") await RunAsync("chown", ct, "postgres", dir);
            await cluster.AsServerUserAsync("initdb", ct, "-D", Path.Combine(dir, "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8");
            await File.AppendAllTextAsync(Path.Combine(dir, "data", "postgresql.conf"), "max_connections = 200\nfsync = off\n", ct);
            await cluster.StartAsync(ct);
            await Db.ExecuteAsync(cluster.DrillConnection("postgres"), "create database drill", ct);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public Task StartAsync(CancellationToken ct) => AsServerUserAsync("pg_ctl", ct, "-D", Path.Combine(_dir, "data"), "-l", Path.Combine(_dir, "postgres.log"), "-w", "-t", "60",
        "-o", $"-p {Port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={_dir}", "start");

    /// <summary>`pg_ctl stop -m fast`: every session is terminated, the server shuts down cleanly.</summary>
    public Task StopAsync(CancellationToken ct) => AsServerUserAsync("pg_ctl", ct, "-D", Path.Combine(_dir, "data"), "-w", "-m", "fast", "stop");

    private Task AsServerUserAsync(string tool, CancellationToken ct, params string[] args)
    {
        var path = Path.Combine(_bin, tool);
        return Environment.UserName == "root"
            ? RunAsync("runuser", ct, ["-u", "postgres", "--", path, .. args])
            : RunAsync(path, ct, args);
    }

    private static async Task RunAsync(string file, CancellationToken ct, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = "/" };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}): {await stdout} {await stderr}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (File.Exists(Path.Combine(_dir, "data", "postmaster.pid"))) await AsServerUserAsync("pg_ctl", CancellationToken.None, "-D", Path.Combine(_dir, "data"), "-w", "-m", "immediate", "stop");
        }
        catch (InvalidOperationException e)
        {
            Log.Info($"stopping the private cluster failed: {e.Message}");
        }
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException e)
        {
            Log.Info($"removing {_dir} failed: {e.Message}");
        }
    }
}
