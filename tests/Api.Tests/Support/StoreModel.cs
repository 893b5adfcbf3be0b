using JasperFx.Events.Projections;
using Marten;

namespace FlutHilfe.Api.Tests.Support;

/// <summary>What the event store is configured with, read from the store itself (so a new projection is not forgotten).</summary>
public static class StoreModel
{
    public static IReadOnlyList<IProjectionSource<IDocumentOperations, IQuerySession>> Projections(IDocumentStore store)
        => ((DocumentStore)store).Options.Projections.All.ToList();

    public static IReadOnlyList<Type> DocumentTypes(IProjectionSource<IDocumentOperations, IQuerySession> projection)
        => projection.PublishedTypes().ToList();

    public static string TableOf(IDocumentStore store, Type documentType)
        => store.Options.FindOrResolveDocumentType(documentType).TableName.Name;

    public static IReadOnlyList<string> AsyncProjectionTables(IDocumentStore store)
        => Projections(store).Where(p => p.Lifecycle == ProjectionLifecycle.Async)
            .SelectMany(DocumentTypes).Select(t => TableOf(store, t)).Distinct().ToList();
}
