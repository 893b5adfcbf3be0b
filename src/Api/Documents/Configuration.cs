using FlutHilfe.Api.Infrastructure;
using Marten;

namespace FlutHilfe.Api.Documents;

public sealed class Configuration : IFeatureConfiguration
{
    public void ConfigureStore(StoreOptions options) => options.Schema.For<StoredDocument>();
}
