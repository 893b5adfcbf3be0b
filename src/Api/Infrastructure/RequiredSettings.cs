using System.Text;

namespace FlutHilfe.Api.Infrastructure;

/// <summary>
/// Settings the service refuses to start without (like the JWT key, see <c>AuthConfigurationCheck</c>):
/// <c>Receipts:VerificationKey</c>, the MAC key of the codes on printed receipts, at least 32 bytes; outside
/// Development it must not be the development key of <c>appsettings.Development.json</c> (anything starting with
/// "development-only"), so that codes cannot be computed from the source.
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

    public static IEnumerable<string> Problems(IConfiguration configuration, IHostEnvironment environment)
    {
        var key = configuration["Receipts:VerificationKey"] ?? "";
        if (Encoding.UTF8.GetByteCount(key) < KeyBytesMin)
            yield return $"Receipts:VerificationKey must be set to a secret of at least {KeyBytesMin} bytes (env Receipts__VerificationKey).";
        else if (!environment.IsDevelopment() && key.StartsWith("development-only", StringComparison.Ordinal))
            yield return "Receipts:VerificationKey is the development key; set a secret of your own outside Development.";
    }
}
