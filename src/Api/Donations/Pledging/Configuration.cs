using FlutHilfe.Api.Infrastructure;

namespace FlutHilfe.Api.Donations.Pledging;

public sealed class Configuration : IFeatureConfiguration
{
    public void AddServices(IServiceCollection services, IConfiguration configuration) => services.AddSingleton<PledgeIntake>();
}
