using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using FlutHilfe.Api.Pages.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace FlutHilfe.Api.Infrastructure.Auth;

public static class AuthConfiguration
{
    public static void AddFlutHilfeAuth(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var auth = configuration.GetSection("Auth").Get<AuthOptions>() ?? new AuthOptions();
        services.AddSingleton(auth);

        // The default scheme picks bearer for the API and the pages' cookie for everything else (Pages/Infrastructure).
        var authentication = services.AddAuthentication(PageAuthentication.Scheme);
        authentication.AddPageSchemes(auth, environment);
        authentication.AddJwtBearer(jwt =>
            {
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = auth.Issuer,
                    ValidAudience = auth.Audience,
                    RoleClaimType = Roles.RoleClaim,
                    NameClaimType = "sub",
                    ValidateIssuer = true,
                    ValidateAudience = true,
                    ValidateLifetime = true,
                    ClockSkew = TimeSpan.FromMinutes(1),
                };
                if (!string.IsNullOrWhiteSpace(auth.Authority))
                {
                    jwt.Authority = auth.Authority;
                    jwt.RequireHttpsMetadata = !environment.IsDevelopment();
                }
                else
                {
                    jwt.TokenValidationParameters.IssuerSigningKey = SigningKey(auth);
                    jwt.TokenValidationParameters.ValidateIssuerSigningKey = true;
                }
            });

        services.AddHostedService<AuthConfigurationCheck>();

        // Deny by default: an endpoint is public only when it says [AllowAnonymous].
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
    }

    public static SymmetricSecurityKey SigningKey(AuthOptions auth)
    {
        if (string.IsNullOrWhiteSpace(auth.SigningKey) || Encoding.UTF8.GetByteCount(auth.SigningKey) < 32)
        {
            throw new InvalidOperationException(
                "Auth:SigningKey must be at least 32 bytes when no Auth:Authority is configured.");
        }
        return new SymmetricSecurityKey(Encoding.UTF8.GetBytes(auth.SigningKey));
    }
}

/// <summary>Fails the start of the service (not of the command line) when no way to check tokens is configured.</summary>
internal sealed class AuthConfigurationCheck(AuthOptions auth) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(auth.Authority)) AuthConfiguration.SigningKey(auth);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
