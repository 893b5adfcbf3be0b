using FlutHilfe.Api.Infrastructure.Idempotency;
using FlutHilfe.Domain.Appeals;
using JasperFx.Events.Projections;
using Marten;

namespace FlutHilfe.Api.Infrastructure;

/// <summary>Every document, event and projection the store knows, in one place.</summary>
public static class MartenModel
{
    public static void ConfigureFlutHilfeModel(this StoreOptions options)
    {
        options.Schema.For<IdempotencyRecord>();

        // Appeals are read on every pledge: keep the folded state next to the stream, in the same transaction.
        options.Projections.Snapshot<Appeal>(SnapshotLifecycle.Inline);
    }
}
