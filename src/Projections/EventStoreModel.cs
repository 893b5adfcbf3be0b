using FlutHilfe.Domain.EarmarkDecisions;
using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.BankStatements.Continuity;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.PaymentFiles;
using FlutHilfe.Domain.Payments;
using FlutHilfe.Domain.Receipts;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Projections.Appeals.Reporting;
using FlutHilfe.Projections.Funds;
using FlutHilfe.Projections.Municipalities;
using FlutHilfe.Projections.Snapshots;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Weasel.Core;

namespace FlutHilfe.Projections;

/// <summary>The event store's settings and every projection, shared by the service and the benchmarks.</summary>
public static class EventStoreModel
{
    public static void ConfigureEventStore(this StoreOptions options)
    {
        options.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);
        options.Events.StreamIdentity = StreamIdentity.AsGuid;
        // Marten 9 changed these defaults; we state them so an upgrade cannot silently flip them.
        // Quick append with server timestamps: the database clock records "when we learned it"
        // (auditors' "as known on"); business time lives inside each event.
        options.Events.AppendMode = EventAppendMode.QuickWithServerTimestamps;
        // Aggregates fetched for writing are kept in the session's identity map, so a handler
        // must never mutate the aggregate it is handed (decisions return new events instead).
        options.Events.UseIdentityMapForAggregates = true;
        options.Events.MetadataConfig.HeadersEnabled = true;
        options.Events.MetadataConfig.CausationIdEnabled = true;
        options.Events.MetadataConfig.CorrelationIdEnabled = true;
        // Every event type is known up front (snapshots route by interface, not by Apply methods).
        options.Events.AddEventTypes(DomainEvents.All);
    }

    public static void AddFlutHilfeProjections(this StoreOptions options)
    {
        // Appeals are read on every pledge: keep the folded state next to the stream, in the same transaction.
        options.Projections.Add(new StreamSnapshot<Appeal>(AppealDecider.Evolve), ProjectionLifecycle.Inline);

        // The donation snapshot is written with each donation event: payments are matched by reference
        // and the donor view reads it. The unique index makes a clashing reference refuse the pledge.
        options.Projections.Add(new StreamSnapshot<Donation>(DonationDecider.Evolve), ProjectionLifecycle.Inline);
        options.Schema.For<Donation>().UniqueIndex(d => d.Reference);
        // Reconciliation proposals and the treasury's balance list look donations up by donor and by amount.
        options.Schema.For<Donation>().Index(d => d.DonorId).Index(d => d.OutstandingCents).Index(d => d.PledgedCents);

        // One stream per bank transaction, id derived from its composite key: a re-import collides.
        options.Projections.Add(new StreamSnapshot<Payment>(PaymentDecider.Evolve), ProjectionLifecycle.Inline);
        options.Schema.For<Payment>().Index(p => p.Status);
        // A return finds the payment it gives back by EndToEndId, or by amount (proposals for unmatched returns).
        options.Schema.For<Payment>().Index(p => p.EndToEndId).Index(p => p.AmountCents);

        // One stream per bank statement (id from account and Stmt/Id): continuity is checked against the recorded ones.
        options.Projections.Add(new StreamSnapshot<BankStatement>(StatementContinuity.Evolve), ProjectionLifecycle.Inline);
        options.Schema.For<BankStatement>().Index(s => s.AccountIban);

        // Confirmed money per fund, in the same transaction as each payment fact (allocations rely on it).
        options.Projections.Add<FundBalanceProjection>(ProjectionLifecycle.Inline);

        // Spending is serialized on its allocation's stream; the snapshot answers reads and proofs of use.
        options.Projections.Add(new StreamSnapshot<Allocation>(AllocationDecider.Evolve), ProjectionLifecycle.Inline);

        // SEPA payment files: one stream per file; its transfers are marked on their allocations in the same transaction.
        options.Projections.Add(new StreamSnapshot<PaymentFile>(PaymentFileDecider.Evolve), ProjectionLifecycle.Inline);
        options.Schema.For<PaymentFile>().Index(f => f.AppealId);

        // Earmark decisions: one stream per decision; its questions and answers live on the donations' streams.
        options.Projections.Add(new StreamSnapshot<EarmarkDecision>(EarmarkDecider.Evolve), ProjectionLifecycle.Inline);
        options.Schema.For<EarmarkDecision>().Index(d => d.AppealId);

        // Read-only views, kept by the async daemon (woken by the commits that append events: the host's DaemonWakeup).
        options.Projections.Add<MunicipalityBalanceProjection>(ProjectionLifecycle.Async);
        options.Projections.Add<AppealTotalsProjection>(ProjectionLifecycle.Async);
        options.Projections.Add<TransparencyProjection>(ProjectionLifecycle.Async);
        options.Schema.For<MunicipalityBalance>().Index(b => b.MunicipalityId);

        // Receipts: one stream per number (a number can never be given twice).
        options.Projections.Add(new StreamSnapshot<Receipt>(ReceiptDecider.Evolve), ProjectionLifecycle.Inline);
        options.Schema.For<Receipt>().Index(r => r.Year).Index(r => r.DonorId);
    }
}
