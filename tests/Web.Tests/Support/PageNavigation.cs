using Microsoft.Playwright;

namespace FlutHilfe.Web.Tests.Support;

/// <summary>
/// A click that submits a form or follows a link returns before the browser has the next document: reading the page
/// right after it may read the old one (a status line of the previous action, a figure before the filter applied) or fail
/// with "execution context was destroyed". <see cref="ClickToLoadAsync"/> returns only once the main frame has committed
/// the new document and parsed it.
/// </summary>
public static class PageNavigation
{
    public static async Task ClickToLoadAsync(this ILocator target)
    {
        var page = target.Page;
        var committed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnNavigated(object? sender, IFrame frame)
        {
            if (frame == page.MainFrame) committed.TrySetResult();
        }

        page.FrameNavigated += OnNavigated;
        try
        {
            await target.ClickAsync();
            await committed.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Clicking {target} on {page.Url} loaded no new page within 60 s.");
        }
        finally
        {
            page.FrameNavigated -= OnNavigated;
        }
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
    }
}
