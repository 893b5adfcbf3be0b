using System.Net;
using FlutHilfe.Api.Infrastructure.Auth;
using JasperFx.CommandLine;
using Marten;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Wolverine;

namespace FlutHilfe.Web.Tests.Support;

/// <summary>
/// The service as a real Kestrel host on 127.0.0.1 (a random port) against the real PostgreSQL of <c>ops/db</c>, in a
/// schema of its own that is dropped at the end. A browser needs a socket: Alba's in-memory server has none.
/// </summary>
public sealed class SiteHost : WebApplicationFactory<Program>
{
    public const string SigningKey = "test-signing-key-0123456789-abcdefghijklmnopqrstuvwxyz";
    public const string VerificationKey = "test-verification-key-0123456789-abcdefghijklmnop";

    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("FLUTHILFE_TEST_DB")
        ?? "Host=127.0.0.1;Port=54329;Database=fluthilfe;Username=fluthilfe;Password=fluthilfe";

    private readonly string _environment;
    private readonly IDictionary<string, string?> _extra;

    public SiteHost(string environment = "Development", IDictionary<string, string?>? settings = null)
    {
        _environment = environment;
        _extra = settings ?? new Dictionary<string, string?>();
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
    }

    public string Schema { get; } = "web_" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>http://127.0.0.1:port, without a trailing slash.</summary>
    public string BaseUrl { get; private set; } = "";

    public IDocumentStore Store => Services.GetRequiredService<IDocumentStore>();

    public Dictionary<string, string?> Settings()
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:FlutHilfe"] = new NpgsqlConnectionStringBuilder(ConnectionString) { MaxPoolSize = 20 }.ConnectionString,
            ["Marten:Schema"] = Schema,
            ["Auth:SigningKey"] = SigningKey,
            ["Auth:Authority"] = "",
            ["DemoData:Seed"] = "false",
            // A schema of its own, created as the host starts, also in Production (which otherwise expects `resources setup`).
            ["Database:ApplyChangesAtStartup"] = "true",
            ["Pledging:PledgesPerMinutePerClient"] = "100000",
            ["PublicFigures:ReplaysPerMinutePerClient"] = "100000",
            ["Receipts:VerificationKey"] = VerificationKey,
            // A failing run prints the host's output: keep it to what explains a failure.
            ["Logging:LogLevel:Wolverine"] = "Warning",
            ["Logging:LogLevel:Microsoft.Extensions.Hosting"] = "Warning",
            ["Logging:LogLevel:JasperFx"] = "Warning",
        };
        foreach (var (key, value) in _extra) settings[key] = value;
        return settings;
    }

    public Task StartAsync()
    {
        JasperFxEnvironment.AutoStartHost = true;
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseUrl = addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/');
        return Task.CompletedTask;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var settings = Settings();
        builder.UseEnvironment(_environment);
        builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(settings));
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
        builder.ConfigureServices(services =>
        {
            services.RunWolverineInSoloMode();
            services.DisableAllExternalWolverineTransports();
        });
    }

    public string Token(string role, string? municipalityId = null)
        => DevelopmentTokens.Issue(Services.GetRequiredService<AuthOptions>(), role, municipalityId, TimeProvider.System);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"drop schema if exists {Schema} cascade", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
