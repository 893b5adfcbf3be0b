using Microsoft.Playwright;

namespace FlutHilfe.Web.Tests.Support;

/// <summary>
/// A click that submits a form or follows a link returns before the browser has the next document: reading the page
/// right after it may read the old one (a status line of the previous action, a figure before the filter applied) or fail
/// with "execution context was destroyed". <see cref="ClickToLoadAsync"/> returns only once the main frame has committed
/// the new document and parsed it.
/// <para>
/// Both are awaited as events subscribed before the click. Playwright raises them on its connection's thread, in
/// protocol order (navigated, then DOMContentLoaded of that document). Asking <c>WaitForLoadStateAsync</c> afterwards from
/// a continuation on another thread raced that thread: the new document's DOMContentLoaded could arrive between the
/// client's "already loaded?" check and its subscription, and the wait then ran into its 60 s timeout (seen under load,
/// e.g. right after the sign-in click).
/// </para>
/// </summary>
public static class PageNavigation
{
    public static async Task ClickToLoadAsync(this ILocator target)
    {
        var page = target.Page;
        var committed = false;
        var parsed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnNavigated(object? sender, IFrame frame)
        {
            if (frame == page.MainFrame) committed = true;
        }
        void OnParsed(object? sender, IPage _)
        {
            if (committed) parsed.TrySetResult();
        }

        page.FrameNavigated += OnNavigated;
        page.DOMContentLoaded += OnParsed;
        try
        {
            await target.ClickAsync();
            await parsed.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Clicking {target} on {page.Url} loaded no new page within 60 s (committed: {committed}).");
        }
        finally
        {
            page.FrameNavigated -= OnNavigated;
            page.DOMContentLoaded -= OnParsed;
        }
    }
}
