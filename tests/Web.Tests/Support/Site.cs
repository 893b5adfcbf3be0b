using Microsoft.Playwright;

namespace FlutHilfe.Web.Tests.Support;

/// <summary>
/// One host and one browser for every browser test (the <see cref="SiteCollection"/>): starting chromium and the service
/// costs seconds, a new browser context per test costs milliseconds. Tests in the collection run one after another.
/// </summary>
public sealed class Site : IAsyncLifetime
{
    public SiteHost Host { get; } = new();
    private IPlaywright? _playwright;
    public IBrowser Browser { get; private set; } = null!;

    public string Url(string path) => Host.BaseUrl + path;

    public async ValueTask InitializeAsync()
    {
        await Host.StartAsync();
        (_playwright, Browser) = await Support.Browser.LaunchAsync();
    }

    /// <summary>A fresh browser context (own cookies) at desktop width, German, that records script and CSP errors.</summary>
    public async Task<Visitor> NewVisitorAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Host.BaseUrl,
            Locale = "de-DE",
            TimezoneId = "Europe/Berlin",
            ViewportSize = new ViewportSize { Width = Visitor.DesktopWidth, Height = 900 },
        });
        // Generous: CI shares two cores with PostgreSQL, the host and chromium.
        context.SetDefaultTimeout(60_000);
        context.SetDefaultNavigationTimeout(60_000);
        var page = await context.NewPageAsync();
        return new Visitor(context, page);
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        await Host.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class SiteCollection : ICollectionFixture<Site>
{
    public const string Name = "site";
}
