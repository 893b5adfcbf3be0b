namespace FlutHilfe.Api.Pages.Infrastructure;

/// <summary>
/// The pages' Content-Security-Policy: scripts, styles, images and fonts only from this service (no inline script, no
/// inline style, no CDN), forms post only here (and to the OIDC authority when one is configured: browsers also check
/// the redirect of a sign-out form), never framed. The JSON API and the third-party API reference are left alone.
/// </summary>
public sealed class ContentSecurityPolicy(RequestDelegate next, string policy)
{
    public static string For(string? authority)
    {
        var formAction = "'self'";
        if (Uri.TryCreate(authority, UriKind.Absolute, out var uri)) formAction += " " + uri.GetLeftPart(UriPartial.Authority);
        return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; "
               + $"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action {formAction}";
    }

    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (!PageAuthentication.IsApiPath(path) && !path.StartsWithSegments("/api-docs"))
        {
            context.Response.OnStarting(static state =>
            {
                var (response, value) = ((HttpResponse, string))state;
                // A response that set a stricter policy of its own keeps it.
                if (!response.Headers.ContainsKey("Content-Security-Policy")) response.Headers.ContentSecurityPolicy = value;
                return Task.CompletedTask;
            }, (context.Response, policy));
        }
        return next(context);
    }
}
