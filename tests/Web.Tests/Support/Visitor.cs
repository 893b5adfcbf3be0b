using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace FlutHilfe.Web.Tests.Support;

/// <summary>
/// A person at a browser. <see cref="SeeAsync"/> is called on every page a journey shows: it fails on any serious or
/// critical axe violation, on any script error or Content-Security-Policy refusal, and writes the page as
/// <c>docs/screenshots/&lt;name&gt;-desktop.png</c> (1280 px) and <c>-phone.png</c> (390 px).
/// </summary>
public sealed class Visitor : IAsyncDisposable
{
    public const int DesktopWidth = 1280;
    public const int PhoneWidth = 390;

    private readonly IBrowserContext _context;
    private readonly List<string> _errors = [];

    public Visitor(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error") _errors.Add(message.Text);
        };
        page.PageError += (_, error) => _errors.Add(error);
    }

    public IPage Page { get; }

    public async Task<IResponse> GoAsync(string path)
    {
        var response = await Page.GotoAsync(path);
        return response ?? throw new InvalidOperationException($"No response for {path}");
    }

    /// <summary>Reloads until the page shows what an asynchronous projection writes a moment later (at most 30 s).</summary>
    public async Task ReloadUntilAsync(string text, string what)
    {
        for (var attempt = 0; attempt < 60; attempt++)
        {
            if ((await Page.Locator("main").InnerTextAsync()).Contains(text, StringComparison.Ordinal)) return;
            await Task.Delay(500, TestContext.Current.CancellationToken);
            await Page.ReloadAsync();
        }
        throw new ShouldAssertException($"{Page.Url} never showed {what} ('{text}')");
    }

    /// <summary>Checks the current page (axe, errors) and writes its screenshots under <paramref name="name"/>.</summary>
    public async Task SeeAsync(string name)
    {
        await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        _errors.ShouldBeEmpty($"the page {name} ({Page.Url}) logged errors (a blocked inline script or style shows here)");

        var axe = await Page.RunAxe();
        var grave = axe.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        grave.ShouldBeEmpty($"axe found serious or critical violations on {name} ({Page.Url}):\n" + string.Join("\n", grave.Select(v =>
            $"- {v.Impact} {v.Id}: {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Html))}")));

        await Screenshots.WriteAsync(Page, name);
    }

    public async ValueTask DisposeAsync() => await _context.CloseAsync();
}

public static class Screenshots
{
    /// <summary>docs/screenshots of the checkout (found by walking up to FlutHilfe.sln).</summary>
    public static string Folder { get; } = Find();

    public static async Task WriteAsync(IPage page, string name)
    {
        var original = page.ViewportSize!;
        Directory.CreateDirectory(Folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Folder, $"{name}-desktop.png"), FullPage = true });
        await page.SetViewportSizeAsync(Visitor.PhoneWidth, 844);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Folder, $"{name}-phone.png"), FullPage = true });
        await page.SetViewportSizeAsync(original.Width, original.Height);
    }

    private static string Find()
        => FlutHilfe.TestSupport.Repository.RootOrNull is { } root ? Path.Combine(root, "docs", "screenshots") : Path.Combine(AppContext.BaseDirectory, "screenshots");
}
