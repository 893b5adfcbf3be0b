using JasperFx.CodeGeneration;
using JasperFx.CodeGeneration.Model;
using Wolverine;

namespace FlutHilfe.Api.Infrastructure;

/// <summary>
/// Whether this build carries Wolverine's handler and endpoint code generated ahead of time. <c>ops/publish</c> builds,
/// runs <c>codegen write</c> against that very build (into <c>src/Api/Internal/Generated</c>, git-ignored), and publishes
/// with <c>-p:PregeneratedCode=true</c>, which compiles the files in and defines <c>PREGENERATED_CODE</c>. Such a build
/// loads the code statically (<see cref="TypeLoadMode.Static"/>, no Roslyn at start-up) in every environment; any other
/// build (<c>dotnet run</c>, <c>ops/run</c>, the tests) generates it at start-up (<see cref="TypeLoadMode.Dynamic"/>),
/// so a changed handler never needs a regeneration step in development. The code is generated from the same commit it
/// is compiled with, never committed, so it cannot be stale; a type that is missing anyway stops the start
/// (<see cref="PregeneratedCodeCheck"/>) instead of being compiled or skipped silently.
/// Marten 9 generates no code at run time (its projections are dispatched by a source generator at build time).
/// </summary>
public static class PregeneratedCode
{
#if PREGENERATED_CODE
    public static bool InThisBuild { get; } = true;
#else
    public static bool InThisBuild { get; } = false;
#endif

    public static TypeLoadMode TypeLoadMode => InThisBuild ? TypeLoadMode.Static : TypeLoadMode.Dynamic;
}

/// <summary>
/// When Wolverine loads its code statically (a build with pre-generated code): every handler and endpoint type Wolverine expects must be in the assembly at
/// start-up (JasperFx's own assertion over every code file collection), else the service refuses to start. Outside
/// Development, a build without it starts but says so, since it compiles its handler code at start-up (seconds).
/// </summary>
internal sealed class PregeneratedCodeCheck(IServiceProvider services, WolverineOptions wolverine, IHostEnvironment environment, ILogger<PregeneratedCodeCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (wolverine.CodeGeneration.TypeLoadMode == TypeLoadMode.Static)
        {
            foreach (var collection in services.GetServices<ICodeFileCollection>()) collection.AssertPreBuildTypesExist(services);
        }
        else if (!environment.IsDevelopment())
        {
            logger.LogWarning("This build carries no pre-generated handler code: Wolverine compiles it at start-up. Publish with ops/publish for a fast start.");
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
