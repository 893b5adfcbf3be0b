using System.Security.Claims;

namespace FlutHilfe.Api.Infrastructure.Auth;

/// <summary>Staff roles carried in the bearer token's <c>role</c> claim (DESIGN §2).</summary>
public static class Roles
{
    public const string Treasurer = "treasurer";
    public const string Municipality = "municipality";
    public const string Auditor = "auditor";

    /// <summary>Readers of everything financial: the treasury and audit.</summary>
    public const string TreasurerOrAuditor = Treasurer + "," + Auditor;

    public static readonly IReadOnlyList<string> All = [Treasurer, Municipality, Auditor];

    public const string RoleClaim = "role";
    public const string MunicipalityClaim = "municipality";

    public static string? MunicipalityOf(ClaimsPrincipal user) => user.FindFirst(MunicipalityClaim)?.Value;
}
