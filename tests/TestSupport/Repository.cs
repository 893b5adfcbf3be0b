namespace FlutHilfe.TestSupport;

/// <summary>The checkout the tests run from (the folder holding FlutHilfe.sln above the test binaries), or null outside one.</summary>
public static class Repository
{
    public static string? RootOrNull { get; } = Find();

    public static string Root => RootOrNull ?? throw new DirectoryNotFoundException("FlutHilfe.sln not found above " + AppContext.BaseDirectory);

    private static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "FlutHilfe.sln"))) return dir.FullName;
        return null;
    }
}
