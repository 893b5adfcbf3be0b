using FlutHilfe.Api.Audit.Export;
using FlutHilfe.Api.Audit.Verification;
using FlutHilfe.Api.Infrastructure;
using Marten;
using Wolverine;

namespace FlutHilfe.Api.Audit.TamperEvidence;

/// <summary>The audit trail's services: the event catalogue, the chain and its keys, the verifier, and periodic sealing.</summary>
public sealed class Configuration : IFeatureConfiguration
{
    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection("Audit");
        var settings = new AuditSettings
        {
            SealInterval = section.GetValue("SealInterval", TimeSpan.FromMinutes(5)),
            CheckpointEvery = Math.Max(1, section.GetValue("CheckpointEvery", 10_000)),
            CheckpointSigningKey = section["CheckpointSigningKey"],
            TrustedPublicKeys = section.GetSection("TrustedPublicKeys").Get<string[]>() ?? [],
        };
        services.AddSingleton(settings);
        services.AddSingleton<EventCatalogue>();
        services.AddSingleton(sp => new CheckpointKeys(settings.CheckpointSigningKey, settings.TrustedPublicKeys,
            generateWhenMissing: sp.GetRequiredService<IHostEnvironment>().IsDevelopment()));
        services.AddSingleton<ChainSealer>();
        services.AddSingleton<AuditVerifier>();
        services.AddHostedService<ChainSealing>();
    }

    // The signed-in caller's name (token subject) travels from the HTTP endpoint into the handler's session: the events' user_name.
    public void ConfigureMessaging(WolverineOptions options) => options.EnableRelayOfUserName = true;

    public void ConfigureStore(StoreOptions options)
    {
        // Who recorded each event (the token's subject), for the export's metadata; correlation and causation are on already.
        options.Events.MetadataConfig.UserNameEnabled = true;
        options.Storage.ExtendedSchemaObjects.Add(ChainTables.LinksTable(options.Events.DatabaseSchemaName));
        options.Storage.ExtendedSchemaObjects.Add(ChainTables.CheckpointsTable(options.Events.DatabaseSchemaName));
    }
}

/// <summary>Extends the chain every <see cref="AuditSettings.SealInterval"/> (first after one interval) on every node; the advisory lock lets one work.</summary>
public sealed class ChainSealing(ChainSealer sealer, AuditSettings settings, ILogger<ChainSealing> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (settings.SealInterval <= TimeSpan.Zero) return;
        using var timer = new PeriodicTimer(settings.SealInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var result = await sealer.SealAsync(checkpointNow: false, stoppingToken);
                if (result.NewLinks > 0) logger.LogInformation("Sealed {Links} events up to sequence {Sequence}; {Checkpoints} checkpoints signed", result.NewLinks, result.LastSequence, result.Checkpoints.Count);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Sealing the event chain failed; next try in {Interval}", settings.SealInterval);
            }
        }
    }
}
