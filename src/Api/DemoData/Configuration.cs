using FlutHilfe.Api.Infrastructure;

namespace FlutHilfe.Api.DemoData;

public sealed class Configuration : IFeatureConfiguration
{
    public void AddServices(IServiceCollection services, IConfiguration configuration) => services.AddHostedService<DemoSeeder>();
}
