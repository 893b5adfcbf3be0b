using System.Security.Claims;
using FlutHilfe.Api.Infrastructure.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace FlutHilfe.Api.Pages.Infrastructure;

/// <summary>
/// Staff sign in to the pages with a cookie; the JSON API keeps bearer tokens. One policy scheme is the default and
/// picks per request: a bearer header or a path under <c>/api</c> (and the other machine paths) goes to JWT, everything
/// else to the cookie. A cookie therefore never authenticates an API call (no cross-site requests riding on it), and
/// an API call without a token gets a 401, never a redirect to a sign-in page.
/// </summary>
public static class PageAuthentication
{
    public const string Scheme = "FlutHilfe";
    public const string OpenIdConnectScheme = OpenIdConnectDefaults.AuthenticationScheme;
    public const string SignInPath = "/anmelden";
    public const string DevelopmentSignInPath = "/anmelden/entwicklung";
    public const string SignOutPath = "/abmelden";

    public static readonly TimeSpan CookieLifetime = TimeSpan.FromHours(8);

    /// <summary>Paths that belong to the machine interface and authenticate by bearer token only.</summary>
    public static bool IsApiPath(PathString path)
        => path.StartsWithSegments("/api") || path.StartsWithSegments("/openapi") || path.StartsWithSegments("/health");

    public static void AddPageSchemes(this AuthenticationBuilder builder, AuthOptions auth, IHostEnvironment environment)
    {
        builder.AddPolicyScheme(Scheme, "Bearer for the API, cookie for pages", policy =>
        {
            policy.ForwardDefaultSelector = context =>
                IsApiPath(context.Request.Path) || context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? JwtBearerDefaults.AuthenticationScheme
                    : CookieAuthenticationDefaults.AuthenticationScheme;
        });

        var oidc = !string.IsNullOrWhiteSpace(auth.Authority);
        builder.AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, cookie =>
        {
            cookie.Cookie.Name = "fluthilfe.anmeldung";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.ExpireTimeSpan = CookieLifetime;
            cookie.SlidingExpiration = true;
            cookie.LoginPath = SignInPath;
            cookie.LogoutPath = SignOutPath;
            cookie.AccessDeniedPath = "/kein-zugriff";
            // With an authority, a page that needs a sign-in goes straight to it.
            if (oidc) cookie.ForwardChallenge = OpenIdConnectScheme;
        });

        if (!oidc) return;
        builder.AddOpenIdConnect(OpenIdConnectScheme, "Dienstkonto", o =>
        {
            o.Authority = auth.Authority;
            o.RequireHttpsMetadata = !environment.IsDevelopment();
            o.ClientId = auth.ClientId;
            o.ClientSecret = string.IsNullOrWhiteSpace(auth.ClientSecret) ? null : auth.ClientSecret;
            o.ResponseType = OpenIdConnectResponseType.Code;
            o.UsePkce = true;
            o.SignInScheme = CookieAuthenticationDefaults.AuthenticationScheme;
            o.SignOutScheme = CookieAuthenticationDefaults.AuthenticationScheme;
            o.CallbackPath = "/anmelden/oidc";
            o.SignedOutCallbackPath = "/abmelden/oidc";
            o.SaveTokens = false;
            o.GetClaimsFromUserInfoEndpoint = true;
            // The authority issues the same claims as for the API: "role" and, for clerks, "municipality".
            o.MapInboundClaims = false;
            o.TokenValidationParameters.RoleClaimType = Roles.RoleClaim;
            o.TokenValidationParameters.NameClaimType = "name";
            o.ClaimActions.MapUniqueJsonKey(Roles.RoleClaim, Roles.RoleClaim);
            o.ClaimActions.MapUniqueJsonKey(Roles.MunicipalityClaim, Roles.MunicipalityClaim);
            o.Scope.Clear();
            o.Scope.Add("openid");
            o.Scope.Add("profile");
        });
    }

    /// <summary>The identity a page sign-in creates: the same claims a bearer token carries, so every access rule reads both alike.</summary>
    public static ClaimsPrincipal Principal(string subject, string displayName, string role, string? municipalityId)
    {
        var claims = new List<Claim>
        {
            new("sub", subject),
            new("name", displayName),
            new(Roles.RoleClaim, role),
        };
        if (municipalityId is not null) claims.Add(new Claim(Roles.MunicipalityClaim, municipalityId));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme, "name", Roles.RoleClaim));
    }
}
