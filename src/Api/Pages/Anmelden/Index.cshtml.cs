using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Api.Pages.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FlutHilfe.Api.Pages.Anmelden;

/// <summary>
/// Where a page that needs a sign-in sends the browser: to the OIDC authority when one is configured, else (only in
/// Development) to the page that picks a role; elsewhere there is no way in, and this is a 404.
/// </summary>
[AllowAnonymous]
public sealed class SignInModel(AuthOptions auth, IWebHostEnvironment environment) : PageModel
{
    public IActionResult OnGet(string? returnUrl)
    {
        var target = Url.IsLocalUrl(returnUrl) ? returnUrl : "/intern";
        if (!string.IsNullOrWhiteSpace(auth.Authority))
            return Challenge(new AuthenticationProperties { RedirectUri = target }, PageAuthentication.OpenIdConnectScheme);
        if (environment.IsDevelopment())
            return Redirect(PageAuthentication.DevelopmentSignInPath + "?returnUrl=" + Uri.EscapeDataString(target));
        return NotFound();
    }
}
