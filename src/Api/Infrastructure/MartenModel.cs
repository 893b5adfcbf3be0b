using FlutHilfe.Api.Infrastructure.Idempotency;
using FlutHilfe.Api.Infrastructure.PersonalData;
using FlutHilfe.Domain.Donors;
using FlutHilfe.Domain.Payments;
using FlutHilfe.Projections;
using Marten;

namespace FlutHilfe.Api.Infrastructure;

/// <summary>The event store, its projections and the infrastructure's own documents; features add theirs in their <c>Configuration</c>.</summary>
public static class MartenModel
{
    public static void ConfigureFlutHilfeModel(this StoreOptions options)
    {
        options.ConfigureEventStore();
        options.AddFlutHilfeProjections();

        options.Schema.For<IdempotencyRecord>().Index(r => r.ExpiresAt);

        // Personal data lives outside the event log so it can be erased (DESIGN §9).
        options.Schema.For<DonorKey>();
        options.Schema.For<SealedDonorProfile>();
        // Indexed so that returns and proposals find earlier payments of the same payer without a scan.
        options.Schema.For<PayerDetails>().Index(p => p.Iban).Index(p => p.NameKey);
    }
}
