using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Api.Pages.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FlutHilfe.Api.Pages.Anmelden;

/// <summary>Sign-out is a POST with an antiforgery token (a link could sign people out from another site).</summary>
[AllowAnonymous]
public sealed class SignOutModel(AuthOptions auth) : PageModel
{
    public IActionResult OnGet() => Redirect("/");

    public IActionResult OnPost()
    {
        var properties = new AuthenticationProperties { RedirectUri = "/" };
        return string.IsNullOrWhiteSpace(auth.Authority) || User.Identity?.IsAuthenticated != true
            ? SignOut(properties, CookieAuthenticationDefaults.AuthenticationScheme)
            : SignOut(properties, CookieAuthenticationDefaults.AuthenticationScheme, PageAuthentication.OpenIdConnectScheme);
    }
}
