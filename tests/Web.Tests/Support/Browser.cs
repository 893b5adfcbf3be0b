using Microsoft.Playwright;

namespace FlutHilfe.Web.Tests.Support;

/// <summary>
/// Debian's chromium driven by Playwright's own driver (node, shipped inside the NuGet package and copied to the build
/// output). No browser is ever downloaded: the executable is <c>FLUTHILFE_CHROMIUM</c>, else /usr/bin/chromium, which
/// <c>ops/deps --test</c> installs with apt-get.
/// </summary>
public static class Browser
{
    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("FLUTHILFE_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public static async Task<(IPlaywright, IBrowser)> LaunchAsync()
    {
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        if (!File.Exists(ExecutablePath))
            throw new InvalidOperationException($"No chromium at {ExecutablePath}: run ops/deps --test (apt-get install chromium) or set FLUTHILFE_CHROMIUM.");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            // As root (CI) chromium refuses its sandbox; the pages it opens are our own on 127.0.0.1.
            Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--font-render-hinting=none", "--lang=de-DE"],
        });
        return (playwright, browser);
    }
}
