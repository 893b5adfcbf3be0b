namespace FlutHilfe.Api.Infrastructure.Auth;

public sealed class AuthOptions
{
    public string Issuer { get; set; } = "fluthilfe-dev";
    public string Audience { get; set; } = "fluthilfe";
    /// <summary>Symmetric key for development and tests. Empty in production.</summary>
    public string SigningKey { get; set; } = "";
    /// <summary>An OIDC authority for production (its discovery document supplies the keys).</summary>
    public string Authority { get; set; } = "";
    /// <summary>The pages' client at the OIDC authority (staff sign-in with a cookie); the secret may be empty with PKCE.</summary>
    public string ClientId { get; set; } = "fluthilfe";
    public string ClientSecret { get; set; } = "";
    public int TokenLifetimeHours { get; set; } = 12;
}
