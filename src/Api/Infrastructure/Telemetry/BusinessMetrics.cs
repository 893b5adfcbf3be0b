using System.Diagnostics.Metrics;
using FlutHilfe.Domain.Donations.Pledging;
using FlutHilfe.Domain.Donations.Receiving;
using FlutHilfe.Domain.Receipts.Issuing;
using Marten;
using Marten.Services;

namespace FlutHilfe.Api.Infrastructure.Telemetry;

/// <summary>
/// The service's business figures as OpenTelemetry metrics (meter <c>FlutHilfe</c>), counted from committed facts only:
/// a pledge that was refused or rolled back counts nothing, a retried command that found its earlier result counts once.
/// </summary>
public sealed class BusinessMetrics
{
    public const string MeterName = "FlutHilfe";

    private readonly Counter<long> _pledges;
    private readonly Counter<long> _pledgedCents;
    private readonly Counter<long> _receivedCents;
    private readonly Counter<long> _receipts;
    private readonly Histogram<double> _importSeconds;
    private readonly Histogram<long> _importTransactions;
    private volatile QueueDepths _queues = new(0, 0, 0, 0);

    public BusinessMetrics(IMeterFactory factory)
    {
        Meter = factory.Create(MeterName);
        _pledges = Meter.CreateCounter<long>("fluthilfe.pledges", "{pledge}", "Pledges committed");
        _pledgedCents = Meter.CreateCounter<long>("fluthilfe.pledged.amount", "cent", "Amount pledged, in euro cents");
        _receivedCents = Meter.CreateCounter<long>("fluthilfe.received.amount", "cent", "Money received on donations (bank statements), in euro cents; returns count negative");
        _receipts = Meter.CreateCounter<long>("fluthilfe.receipts.issued", "{receipt}", "Zuwendungsbestätigungen issued");
        _importSeconds = Meter.CreateHistogram<double>("fluthilfe.import.duration", "s", "Duration of one bank statement upload: planning and writing");
        _importTransactions = Meter.CreateHistogram<long>("fluthilfe.import.transactions", "{transaction}", "Bank transactions in one upload");
        Meter.CreateObservableGauge("fluthilfe.messages.waiting", () => new[]
        {
            new Measurement<long>(_queues.Incoming, new KeyValuePair<string, object?>("state", "incoming")),
            new Measurement<long>(_queues.Scheduled, new KeyValuePair<string, object?>("state", "scheduled")),
            new Measurement<long>(_queues.Outgoing, new KeyValuePair<string, object?>("state", "outgoing")),
            new Measurement<long>(_queues.DeadLetters, new KeyValuePair<string, object?>("state", "dead-letter")),
        }, "{message}", "Durable messages waiting in the inbox, scheduled, in the outbox and in the dead-letter table (sampled)");
    }

    /// <summary>The meter itself (tests listen to this instance only, not to other hosts in the same process).</summary>
    public Meter Meter { get; }

    public void Committed(IEnumerable<object> events)
    {
        foreach (var data in events)
        {
            switch (data)
            {
                case DonationPledged pledged:
                    var appeal = new KeyValuePair<string, object?>("appeal", pledged.AppealId);
                    _pledges.Add(1, appeal);
                    _pledgedCents.Add(pledged.Amount.Cents, appeal);
                    break;
                case DonationPaymentReceived received:
                    _receivedCents.Add(received.Amount.Cents, new KeyValuePair<string, object?>("appeal", received.AppealId));
                    break;
                case ReceiptIssued issued:
                    _receipts.Add(1, new KeyValuePair<string, object?>("appeal", issued.AppealId), new KeyValuePair<string, object?>("kind", issued.Kind.ToString()));
                    break;
            }
        }
    }

    public void ImportFinished(TimeSpan duration, int transactions, int duplicates)
    {
        var outcome = new KeyValuePair<string, object?>("all_duplicates", transactions > 0 && duplicates == transactions);
        _importSeconds.Record(duration.TotalSeconds, outcome);
        _importTransactions.Record(transactions, outcome);
    }

    public void Sampled(QueueDepths depths) => _queues = depths;
}

public sealed record QueueDepths(long Incoming, long Scheduled, long Outgoing, long DeadLetters);

/// <summary>Feeds <see cref="BusinessMetrics"/> from every commit of the store (inline, so only what committed counts).</summary>
public sealed class BusinessMetricsListener(BusinessMetrics metrics) : DocumentSessionListenerBase
{
    public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        metrics.Committed(commit.GetEvents().Select(e => e.Data));
        return Task.CompletedTask;
    }
}
