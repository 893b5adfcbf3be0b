using FlutHilfe.Api.Infrastructure;

namespace FlutHilfe.Api.Health;

public sealed class Configuration : IFeatureConfiguration
{
    public void AddServices(IServiceCollection services, IConfiguration configuration) => services.AddSingleton<HealthDatabase>();
}
