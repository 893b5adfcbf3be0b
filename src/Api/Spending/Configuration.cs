using FlutHilfe.Api.Infrastructure;
using Marten;

namespace FlutHilfe.Api.Spending;

/// <summary>Finds the allocation of a spending item (items are addressed by their own id).</summary>
public sealed record SpendingItemIndex(Guid Id, Guid AllocationId);

public sealed class Configuration : IFeatureConfiguration
{
    public void ConfigureStore(StoreOptions options) => options.Schema.For<SpendingItemIndex>();
}
