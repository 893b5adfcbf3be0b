namespace FlutHilfe.Api.Tests.Support;

/// <summary>Finds <c>shared/samples</c> beside the checkout (CI puts shared/ next to the clone).</summary>
public static class SampleFiles
{
    public static string Camt053(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "samples", "camt053", name);
            if (File.Exists(candidate)) return candidate;
        }
        var fallback = Path.Combine(Environment.GetEnvironmentVariable("FLUTHILFE_SHARED_DIR") ?? "/work/shared", "samples", "camt053", name);
        return File.Exists(fallback) ? fallback : throw new FileNotFoundException($"Sample {name} not found beside the checkout.", name);
    }
}
