using System.Security.Claims;

namespace FlutHilfe.Api.Infrastructure.Auth;

/// <summary>Refused because of who is asking (HTTP 403).</summary>
public sealed class ForbiddenException(string message) : Exception(message);

public static class Access
{
    /// <summary>A municipal clerk acts only for the municipality in their token; treasury and audit for all.</summary>
    public static void RequireMunicipality(ClaimsPrincipal user, string municipalityId, bool staffMayToo = true)
    {
        if (user.IsInRole(Roles.Municipality))
        {
            if (Roles.MunicipalityOf(user) != municipalityId)
                throw new ForbiddenException($"This clerk may act only for municipality '{Roles.MunicipalityOf(user)}'.");
            return;
        }
        if (!staffMayToo) throw new ForbiddenException("Only the municipality's clerk may do this.");
    }

    public static string? Subject(ClaimsPrincipal user) => user.FindFirst("sub")?.Value;
}
