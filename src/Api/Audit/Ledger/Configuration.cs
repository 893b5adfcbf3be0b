using FlutHilfe.Api.Infrastructure;
using FlutHilfe.Projections.Ledger;
using JasperFx.Events.Projections;
using Marten;

namespace FlutHilfe.Api.Audit.Ledger;

/// <summary>The double-entry ledger: a read-only view kept by the async daemon (nothing decides on it).</summary>
public sealed class Configuration : IFeatureConfiguration
{
    public void ConfigureStore(StoreOptions options) => options.Projections.Add<LedgerProjection>(ProjectionLifecycle.Async);
}
