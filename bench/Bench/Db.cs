using System.Diagnostics;

namespace FlutHilfe.Bench;

internal static class Db
{
    /// <summary>The connection string `ops/db url` prints, found by walking up from the working directory.</summary>
    public static string UrlFromOps()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            var script = Path.Combine(dir.FullName, "ops", "db");
            if (!File.Exists(script)) continue;
            var info = new ProcessStartInfo(script, "url") { RedirectStandardOutput = true, UseShellExecute = false };
            using var p = Process.Start(info) ?? throw new InvalidOperationException($"could not run {script}");
            var output = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            if (p.ExitCode == 0 && output.Length > 0) return output;
            throw new InvalidOperationException($"{script} url failed with {p.ExitCode}");
        }
        throw new UsageException("no --connection given and no ops/db found above the working directory");
    }
}
