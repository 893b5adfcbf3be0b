using FlutHilfe.Api.Documents;
using FlutHilfe.Api.Infrastructure.Idempotency;
using FlutHilfe.Api.Infrastructure.PersonalData;
using FlutHilfe.Api.Receipts;
using FlutHilfe.Api.Spending;
using FlutHilfe.Domain.Donors;
using FlutHilfe.Domain.Payments;
using FlutHilfe.Projections;
using Marten;

namespace FlutHilfe.Api.Infrastructure;

/// <summary>Every document, event and projection the store knows, in one place.</summary>
public static class MartenModel
{
    public static void ConfigureFlutHilfeModel(this StoreOptions options)
    {
        options.ConfigureEventStore();
        options.AddFlutHilfeProjections();

        options.Schema.For<IdempotencyRecord>().Index(r => r.ExpiresAt);
        options.Schema.For<SpendingItemIndex>();
        options.Schema.For<StoredDocument>();

        // The yearly receipt counter is written in the same transaction as the receipt, with optimistic
        // concurrency, so numbers are gapless.
        options.Schema.For<ReceiptCounter>().UseOptimisticConcurrency(true);
        options.Schema.For<StoredReceiptPdf>();
        options.Schema.For<TreasurerNotice>();

        // Personal data lives outside the event log so it can be erased (DESIGN §9).
        options.Schema.For<DonorKey>();
        options.Schema.For<SealedDonorProfile>();
        // Indexed so that returns and proposals find earlier payments of the same payer without a scan.
        options.Schema.For<PayerDetails>().Index(p => p.Iban).Index(p => p.NameKey);
    }
}
