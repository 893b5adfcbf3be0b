using Marten;

namespace FlutHilfe.Api.Infrastructure.PublicCaching;

public sealed class Configuration : IFeatureConfiguration
{
    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        var seconds = Math.Clamp(configuration.GetValue("PublicFigures:CacheSeconds", 10.0), 0, 300);
        services.AddSingleton(sp => new PublicFigures(sp.GetRequiredService<TimeProvider>(), TimeSpan.FromSeconds(seconds)));
        services.ConfigureMarten((sp, options) =>
        {
            var invalidation = new PublicFiguresInvalidation(sp.GetRequiredService<PublicFigures>());
            options.Listeners.Add(invalidation);
            options.Projections.AsyncListeners.Add(invalidation);
        });
    }
}
