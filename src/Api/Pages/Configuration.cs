using System.Text.Encodings.Web;
using System.Text.Unicode;
using FlutHilfe.Api.Infrastructure;
using Microsoft.Extensions.WebEncoders;

namespace FlutHilfe.Api.Pages;

/// <summary>
/// The German web pages, rendered on the server by Razor Pages in the same host as the API. Every page is closed unless
/// it says [AllowAnonymous] (the host's fallback policy); forms carry antiforgery tokens (Razor Pages checks them on
/// every POST); commands go through the same message bus as the API's endpoints.
/// </summary>
public sealed class Configuration : IFeatureConfiguration
{
    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        // Razor Pages validates the antiforgery token of every POST by itself; the form tag helper writes it.
        services.AddRazorPages(o => o.Conventions.AddPageRoute("/Aufrufe/Aufruf", ""));
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "fluthilfe.formular";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.FormFieldName = "__formular";
            // htmx sends the token of the page's form in this header.
            o.HeaderName = "X-Formular";
        });
        // Escape markup, but leave umlauts and "€" readable in the page source.
        services.Configure<WebEncoderOptions>(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
    }
}
