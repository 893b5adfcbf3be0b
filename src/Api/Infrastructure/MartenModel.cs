using FlutHilfe.Api.Infrastructure.Idempotency;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donors;
using FlutHilfe.Domain.Payments;
using FlutHilfe.Api.Documents;
using FlutHilfe.Api.Infrastructure.PersonalData;
using FlutHilfe.Api.Receipts;
using FlutHilfe.Domain.Receipts;
using FlutHilfe.Api.Spending;
using FlutHilfe.Domain.Allocations;
using FlutHilfe.Projections.Appeals;
using FlutHilfe.Projections.Funds;
using FlutHilfe.Projections.Municipalities;
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

        // The donation snapshot is written with each donation event: payments are matched by reference
        // and the donor view reads it. The unique index makes a clashing reference refuse the pledge.
        options.Projections.Snapshot<Donation>(SnapshotLifecycle.Inline);
        options.Schema.For<Donation>().UniqueIndex(d => d.Reference);

        // One stream per bank transaction, id derived from its composite key: a re-import collides.
        options.Projections.Snapshot<Payment>(SnapshotLifecycle.Inline);
        options.Schema.For<Payment>().Index(p => p.Status);

        // Confirmed money per fund, in the same transaction as each payment fact (allocations rely on it).
        options.Projections.Add<FundBalanceProjection>(ProjectionLifecycle.Inline);

        // Spending is serialized on its allocation's stream; the snapshot answers reads and proofs of use.
        options.Projections.Snapshot<Allocation>(SnapshotLifecycle.Inline);
        options.Schema.For<SpendingItemIndex>();
        options.Schema.For<StoredDocument>();

        // Read-only views, kept by the async daemon.
        options.Projections.Add<MunicipalityBalanceProjection>(ProjectionLifecycle.Async);
        options.Projections.Add<AppealTotalsProjection>(ProjectionLifecycle.Async);
        options.Projections.Add<TransparencyProjection>(ProjectionLifecycle.Async);
        options.Schema.For<MunicipalityBalance>().Index(b => b.MunicipalityId);

        // Receipts: one stream per number; the yearly counter is written in the same transaction as the receipt,
        // with optimistic concurrency, so numbers are gapless and never given twice.
        options.Projections.Snapshot<Receipt>(SnapshotLifecycle.Inline);
        options.Schema.For<Receipt>().Index(r => r.Year);
        options.Schema.For<ReceiptCounter>().UseOptimisticConcurrency(true);
        options.Schema.For<StoredReceiptPdf>();
        options.Schema.For<TreasurerNotice>();

        // Personal data lives outside the event log so it can be erased (DESIGN §9).
        options.Schema.For<DonorKey>();
        options.Schema.For<DonorProfile>();
        options.Schema.For<PayerDetails>();
    }
}
