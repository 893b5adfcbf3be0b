using FlutHilfe.Api.Infrastructure.Auth;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FlutHilfe.Api.Pages.Infrastructure;

public static class PageHosting
{
    private const string NotFoundPage = "/Fehler/NichtGefunden";

    /// <summary>
    /// Before everything else that may answer: the local assets (no sign-in needed), the pages' Content-Security-Policy,
    /// and German error pages for page paths (the API keeps its problem details).
    /// </summary>
    public static void UseFlutHilfePages(this WebApplication app)
    {
        var auth = app.Services.GetRequiredService<AuthOptions>();
        app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = c => c.Context.Response.Headers.CacheControl = "public, max-age=3600",
        });
        app.UseMiddleware<ContentSecurityPolicy>(ContentSecurityPolicy.For(auth.Authority));
        app.UseWhen(c => !PageAuthentication.IsApiPath(c.Request.Path) && !c.Request.Path.StartsWithSegments("/api-docs"), pages =>
        {
            pages.UseExceptionHandler("/fehler/500");
            pages.UseStatusCodePagesWithReExecute("/fehler/{0}");
            // A page address that leads nowhere shows the German 404 page to everyone (the deny-by-default policy would
            // send visitors to the sign-in first). Chosen here rather than by a catch-all route, which would take part in
            // routing's own 405/415 answers for the API.
            Endpoint? notFound = null;
            pages.Use((context, next) =>
            {
                if (context.GetEndpoint() is null && (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)))
                {
                    notFound ??= context.RequestServices.GetRequiredService<EndpointDataSource>().Endpoints
                        .First(e => e.Metadata.GetMetadata<PageActionDescriptor>()?.ViewEnginePath == NotFoundPage);
                    context.SetEndpoint(notFound);
                }
                return next(context);
            });
        });
    }

    public static void MapFlutHilfePages(this WebApplication app) => app.MapRazorPages();
}
