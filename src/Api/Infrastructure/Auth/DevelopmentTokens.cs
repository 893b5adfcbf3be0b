using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using Microsoft.IdentityModel.Tokens;

namespace FlutHilfe.Api.Infrastructure.Auth;

/// <summary>Issues bearer tokens signed with the local development key.</summary>
public static class DevelopmentTokens
{
    public static string Issue(AuthOptions auth, string role, string? municipalityId, TimeProvider clock, string? subject = null)
    {
        var claims = new List<Claim>
        {
            new("sub", subject ?? $"{role}{(municipalityId is null ? "" : "-" + municipalityId)}"),
            new(Roles.RoleClaim, role),
        };
        if (municipalityId is not null) claims.Add(new Claim(Roles.MunicipalityClaim, municipalityId));

        var now = clock.GetUtcNow().UtcDateTime;
        var token = new JwtSecurityToken(
            issuer: auth.Issuer,
            audience: auth.Audience,
            claims: claims,
            notBefore: now,
            expires: now.AddHours(auth.TokenLifetimeHours),
            signingCredentials: new SigningCredentials(AuthConfiguration.SigningKey(auth), SecurityAlgorithms.HmacSha256));
        return new JwtSecurityTokenHandler().WriteToken(token);
    }
}
