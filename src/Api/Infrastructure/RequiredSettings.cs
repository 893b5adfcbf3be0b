using System.Text;

namespace FlutHilfe.Api.Infrastructure;

/// <summary>
/// Settings the service refuses to start without (like the JWT key, see <c>AuthConfigurationCheck</c>):
/// <c>Receipts:VerificationKey</c>, the MAC key of the codes on printed receipts, at least 32 bytes; outside
/// Development neither it nor <c>Auth:SigningKey</c> (when no OIDC authority is set) may be a development key of
/// <c>appsettings.Development.json</c> (anything starting with "development-only"), so that neither receipt codes nor
/// bearer tokens can be computed from the source. Each message names the setting and its environment variable, never
/// the value.
/// </summary>
internal sealed class RequiredSettingsCheck(IConfiguration configuration, IHostEnvironment environment) : IHostedService
{
    public const int KeyBytesMin = 32;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var problems = Problems(configuration, environment).ToList();
        return problems.Count == 0
            ? Task.CompletedTask
            : throw new InvalidOperationException("The service cannot start: " + string.Join(" ", problems));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The secrets of <c>appsettings.Development.json</c> all start so; none may serve outside Development.</summary>
    public static bool IsDevelopmentSecret(string value) => value.StartsWith("development-only", StringComparison.Ordinal);

    public static IEnumerable<string> Problems(IConfiguration configuration, IHostEnvironment environment)
    {
        var key = configuration["Receipts:VerificationKey"] ?? "";
        if (Encoding.UTF8.GetByteCount(key) < KeyBytesMin)
            yield return $"Receipts:VerificationKey must be set to a secret of at least {KeyBytesMin} bytes (env Receipts__VerificationKey).";
        else if (!environment.IsDevelopment() && IsDevelopmentSecret(key))
            yield return "Receipts:VerificationKey is the development key; set a secret of your own outside Development (env Receipts__VerificationKey).";

        // Tokens signed with the key of appsettings.Development.json (public in the source) must not open a real service.
        var authority = configuration["Auth:Authority"];
        var signingKey = configuration["Auth:SigningKey"] ?? "";
        if (!environment.IsDevelopment() && string.IsNullOrWhiteSpace(authority) && IsDevelopmentSecret(signingKey))
            yield return "Auth:SigningKey is the development key; set Auth:Authority (OIDC) or a signing key of your own outside Development (env Auth__SigningKey).";
    }
}
