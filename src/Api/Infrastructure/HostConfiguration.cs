using FlutHilfe.Api.Infrastructure.Telemetry;
using System.Text.Json.Serialization;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Api.Infrastructure.Idempotency;
using FlutHilfe.Api.Infrastructure.Problems;
using FlutHilfe.Api.Pages.Infrastructure;
using JasperFx;
using JasperFx.CodeGeneration;
using JasperFx.Resources;
using Marten;
using Microsoft.AspNetCore.Http.Json;
using Scalar.AspNetCore;
using Wolverine;
using Wolverine.Http;
using Wolverine.ErrorHandling;
using Wolverine.Marten;

namespace FlutHilfe.Api.Infrastructure;

public static class HostConfiguration
{
    public static void AddFlutHilfe(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var connectionString = WithAutoPrepare(configuration.GetConnectionString("FlutHilfe")
            ?? throw new InvalidOperationException("Missing connection string ConnectionStrings:FlutHilfe"));
        var schema = configuration["Marten:Schema"] ?? "fluthilfe";
        // Development (and the tests) create and update the database objects as they start; production applies them in
        // a deployment step (`dotnet FlutHilfe.Api.dll resources setup`) and starts without comparing every table
        // (seconds of catalog queries). A database the step was not run against stops the start (Wolverine's storage
        // check) or fails the first command that needs a missing table.
        var applyChangesAtStartup = configuration.GetValue("Database:ApplyChangesAtStartup", builder.Environment.IsDevelopment());

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = Problem.Customize);
        builder.Services.AddExceptionHandler<DomainExceptionHandler>();
        builder.Services.ConfigureHttpJsonOptions(o => ConfigureJson(o.SerializerOptions));
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "FlutHilfe API";
            doc.Info.Description = "Donations, bank statements, allocations and proofs of use for earmarked flood-relief appeals.";
            return Task.CompletedTask;
        }));
        // The OpenAPI document is built once: endpoints are fixed at start-up (see UseFlutHilfe).
        builder.Services.AddOutputCache(o => o.AddPolicy(OpenApiDocument, p => p.Expire(TimeSpan.FromDays(365))));
        builder.Services.AddFlutHilfeAuth(configuration, builder.Environment);
        builder.Services.AddHostedService<RequiredSettingsCheck>();
        builder.Services.AddFlutHilfeRateLimiting(configuration);
        if (ReverseProxy.Configure(builder.Services, configuration)) builder.Services.AddSingleton<ReverseProxyMarker>();
        builder.Services.AddSingleton<IdempotencyStore>();
        builder.Services.AddSingleton(configuration.GetSection("Idempotency").Get<IdempotencySettings>() ?? new IdempotencySettings());
        builder.Services.AddHostedService<IdempotencyCleanup>();
        // Commands are invoked in process (IMessageBus.InvokeAsync) by the HTTP endpoints (and the pages): a refusal
        // reaches the caller as an exception and becomes a problem there. Wolverine would also log every failed invocation
        // as an error, under the command's type name and with its fields, some personal; the caller logs instead.
        builder.Logging.AddFilter((category, level) => level != LogLevel.Error || category?.StartsWith(InvokedCommands, StringComparison.Ordinal) != true);

        builder.Services.AddMarten(options =>
            {
                options.Connection(connectionString);
                options.DatabaseSchemaName = schema;
                options.AutoCreateSchemaObjects = applyChangesAtStartup ? AutoCreate.CreateOrUpdate : AutoCreate.None;
                options.ConfigureFlutHilfeModel();
                foreach (var feature in Features.All) feature.ConfigureStore(options);
            })
            .UseLightweightSessions()
            .IntegrateWithWolverine(w => w.UseWolverineManagedEventSubscriptionDistribution = true);
        ProjectionWakeup.DaemonWakeup.Configure(builder.Services, configuration, connectionString);

        builder.Host.UseWolverine(options =>
        {
            // Under a test host the entry assembly is the test assembly: name ours explicitly.
            options.ApplicationAssembly = typeof(Program).Assembly;
            options.Policies.AutoApplyTransactions();
            options.Policies.UseDurableLocalQueues();
            options.Policies.UseDurableOutboxOnAllSendingEndpoints();
            options.Policies.UseDurableInboxOnAllListeners();
            // Static in a build published by ops/publish (code generated ahead of time), else generated at start-up.
            options.CodeGeneration.TypeLoadMode = PregeneratedCode.TypeLoadMode;
            options.AutoBuildMessageStorageOnStartup = applyChangesAtStartup ? AutoCreate.CreateOrUpdate : AutoCreate.None;
            if (applyChangesAtStartup) options.Services.AddResourceSetupOnStartup();
            // Several nodes on one database: how soon a node that stopped answering (kill -9, a lost host) is noticed and
            // its agents and envelopes handed to the others (Wolverine:Durability:StaleNodeTimeout, …HealthCheckPollingTime,
            // …StaleNodeEjectionThreshold, …CheckAssignmentPeriod); Wolverine's defaults when not set. See README "Drills".
            configuration.GetSection("Wolverine:Durability").Bind(options.Durability);

            // Racing writers (two issuers of the next receipt number, two handlers for one donation) lose their
            // commit; the retry reads the winner's state and decides again, so the effect happens exactly once.
            options.OnException<ConcurrencyException>().Or<JasperFx.Events.ExistingStreamIdCollisionException>().Or<Marten.Exceptions.ExistingStreamIdCollisionException>().Or<DocumentAlreadyExistsException>()
                .RetryWithCooldown(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(100),
                    TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(800), TimeSpan.FromMilliseconds(1600))
                .Then.ScheduleRetry(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(60))
                .Then.MoveToErrorQueue();

            foreach (var feature in Features.All) feature.ConfigureMessaging(options);
        });

        builder.Services.AddWolverineHttp();
        builder.AddFlutHilfeTelemetry();
        builder.Services.AddHostedService<PregeneratedCodeCheck>();
        // After Wolverine, so that hosted services of features (the demo seeder) start when the message bus runs.
        foreach (var feature in Features.All) feature.AddServices(builder.Services, configuration);
    }

    /// <summary>
    /// Npgsql prepares the statements a connection runs repeatedly (<c>Max Auto Prepare</c>), so PostgreSQL parses and plans
    /// Marten's inserts and upserts once per connection instead of once per command; a connection going back to the pool
    /// keeps them (Npgsql then resets the session without <c>DISCARD ALL</c>, still releasing advisory locks, LISTENs and
    /// temporary tables). Measured side by side (docs/benchmarks.md, "Pledge intake"): 254 → 370 pledges/s, the backends'
    /// CPU per pledge 3.2 → 2.0 ms. A connection string that sets <c>Max Auto Prepare</c> itself wins; 0 switches it off
    /// (e.g. behind a PgBouncer in transaction mode, which cannot keep prepared statements).
    /// </summary>
    public static string WithAutoPrepare(string connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (given.ContainsKey("Max Auto Prepare") || given.ContainsKey("MaxAutoPrepare")) return connectionString;
        return new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = AutoPreparedStatements, AutoPrepareMinUsages = 2 }.ConnectionString;
    }

    /// <summary>Statements prepared per connection: the pledge path runs about a dozen, the import and the daemon a few dozen more.</summary>
    public const int AutoPreparedStatements = 64;

    private const string OpenApiDocument = "openapi-document";

    /// <summary>The namespace of the domain's commands, which only ever run in process.</summary>
    private const string InvokedCommands = "FlutHilfe.Domain.";

    public static void ConfigureJson(System.Text.Json.JsonSerializerOptions options)
    {
        options.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase));
        // Strict input: the web defaults read "5000" as a number; an amount is a JSON integer or it is refused.
        options.NumberHandling = JsonNumberHandling.Strict;
        // {"amountCents": 1, "amountCents": 100000} is ambiguous: refuse it instead of taking the last one.
        options.AllowDuplicateProperties = false;
    }

    /// <summary>Registered when <c>Proxy:KnownNetworks</c> is set: the pipeline then starts with the forwarded headers.</summary>
    private sealed class ReverseProxyMarker;

    public static void UseFlutHilfe(this WebApplication app)
    {
        if (app.Services.GetService<ReverseProxyMarker>() is not null) app.UseForwardedHeaders();
        app.UseMiddleware<SecurityHeaders>();
        app.UseFlutHilfePages();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<RoutingRejections>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseMiddleware<Json.JsonRequestValidation>();
        app.UseMiddleware<IdempotencyMiddleware>();
        app.UseMiddleware<PublicCaching.PublicResponseCache>();
        app.UseOutputCache();

        app.MapOpenApi().AllowAnonymous().CacheOutput(OpenApiDocument);
        app.MapScalarApiReference("/api-docs").AllowAnonymous();

        // ?year=abc is a 400 naming the parameter, not a silent default.
        app.MapWolverineEndpoints(http => http.RejectUnparseableQueryValues = true);
        app.MapFlutHilfePages();
    }
}
