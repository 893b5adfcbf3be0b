using Marten;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Wolverine.Persistence.Durability;

namespace FlutHilfe.Api.Infrastructure.Telemetry;

/// <summary>
/// OpenTelemetry: traces (ASP.NET Core, Wolverine, Marten, Npgsql) and metrics (the same plus <see cref="BusinessMetrics"/>
/// and the runtime), exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the standard variables configure
/// the exporter: protocol, headers, service name). <c>Telemetry:Enabled</c> turns collection on without an endpoint (the
/// tests add an in-memory exporter) or off with one. Without either, nothing listens and nothing is collected. Outside
/// Development the console log is JSON, one object per line.
/// </summary>
public static class Telemetry
{
    public const string ServiceName = "fluthilfe";

    public static void AddFlutHilfeTelemetry(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.Services.AddSingleton<BusinessMetrics>();
        builder.Services.ConfigureMarten((sp, options) => options.Listeners.Add(new BusinessMetricsListener(sp.GetRequiredService<BusinessMetrics>())));

        if (!builder.Environment.IsDevelopment())
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z' ";
                o.IncludeScopes = true;
            });
        }

        var otlp = !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        if (!configuration.GetValue("Telemetry:Enabled", otlp)) return;

        builder.Services.ConfigureMarten(options =>
        {
            options.OpenTelemetry.TrackConnections = JasperFx.OpenTelemetry.TrackLevel.Normal;
            options.OpenTelemetry.TrackEventCounters();
        });
        builder.Services.AddHostedService<QueueDepthSampler>();
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(configuration["OTEL_SERVICE_NAME"] ?? ServiceName,
                serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId))
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !http.Request.Path.StartsWithSegments("/health"))
                .AddSource("Wolverine", "Marten")
                .AddNpgsql())
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddMeter(BusinessMetrics.MeterName, "Wolverine", "Marten", "Npgsql", "System.Runtime", "Microsoft.AspNetCore.Server.Kestrel"));
        if (otlp) telemetry.UseOtlpExporter();
    }
}

/// <summary>Samples the durable message counts for <c>fluthilfe.messages.waiting</c> (one small query per interval).</summary>
public sealed class QueueDepthSampler(IMessageStore store, BusinessMetrics metrics, IConfiguration configuration, ILogger<QueueDepthSampler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(Math.Max(1, configuration.GetValue("Telemetry:QueueSampleSeconds", 15)));
        using var timer = new PeriodicTimer(interval);
        do
        {
            try
            {
                var counts = await store.Admin.FetchCountsAsync();
                metrics.Sampled(new QueueDepths(counts.Incoming, counts.Scheduled, counts.Outgoing, counts.DeadLetter));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogDebug(e, "Sampling the message counts failed; the next interval tries again");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
