using FlutHilfe.Api.Infrastructure.Idempotency;
using Marten;

namespace FlutHilfe.Api.Infrastructure;

/// <summary>Every document, event and projection the store knows, in one place.</summary>
public static class MartenModel
{
    public static void ConfigureFlutHilfeModel(this StoreOptions options)
    {
        options.Schema.For<IdempotencyRecord>();
    }
}
