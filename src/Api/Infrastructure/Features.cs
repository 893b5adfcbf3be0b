using Marten;
using Wolverine;

namespace FlutHilfe.Api.Infrastructure;

/// <summary>
/// What a feature slice registers: services, documents of the store, message routing. Each feature that registers
/// something has one <c>Configuration</c> class implementing this; the host finds them all in this assembly, so the
/// infrastructure names no feature.
/// </summary>
public interface IFeatureConfiguration
{
    void AddServices(IServiceCollection services, IConfiguration configuration)
    {
    }

    void ConfigureStore(StoreOptions options)
    {
    }

    void ConfigureMessaging(WolverineOptions options)
    {
    }
}

public static class Features
{
    /// <summary>Every feature's configuration, in a stable order (by namespace).</summary>
    public static IReadOnlyList<IFeatureConfiguration> All { get; } = typeof(Features).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IFeatureConfiguration).IsAssignableFrom(t))
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .Select(t => (IFeatureConfiguration)Activator.CreateInstance(t)!)
        .ToList();
}
