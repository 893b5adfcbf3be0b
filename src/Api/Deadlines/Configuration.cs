using FlutHilfe.Api.Infrastructure;
using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Reminding;
using FlutHilfe.Domain.Receipts.Offering;
using Marten;
using Wolverine;
using Wolverine.ErrorHandling;

namespace FlutHilfe.Api.Deadlines;

/// <summary>
/// Deadlines and reminders (<c>Deadlines:*</c>): unpaid pledges are reminded and expire, proof-of-use deadlines remind the
/// municipality's clerks and tell the treasury when they passed. Days are German calendar days, decided on the injected clock.
/// </summary>
public sealed class DeadlineSettings
{
    public int PledgeReminderDays { get; set; } = PledgeTerms.Default.ReminderDays;
    public int PledgeExpiryDays { get; set; } = PledgeTerms.Default.ExpiryDays;
    public int ProofOfUseFirstReminderDaysBefore { get; set; } = ProofOfUseTerms.Default.FirstReminderDaysBefore;
    public int ProofOfUseSecondReminderDaysBefore { get; set; } = ProofOfUseTerms.Default.SecondReminderDaysBefore;
    public int ProofOfUseOverdueNoticeDaysAfter { get; set; } = ProofOfUseTerms.Default.OverdueNoticeDaysAfter;
    public int ReceiptOfferReminderDays { get; set; } = ReceiptOfferTerms.Default.ReminderDays;
    public int ReceiptOfferAnswerDays { get; set; } = ReceiptOfferTerms.Default.AnswerDays;
    /// <summary>How often every node looks for due work (<see cref="TimeSpan.Zero"/>: never by itself; tests sweep by hand).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(15);
    /// <summary>At most this many items of each kind per sweep; the next sweep takes the rest.</summary>
    public int SweepBatchSize { get; set; } = 500;
    /// <summary>
    /// Drills only (refused outside Development): the deadline work sees the clock this far ahead, so that reminders made
    /// due by days are due within a drill's minutes (<c>Deadlines__DrillClockOffset=11.00:00:00</c>). Nothing else moves.
    /// </summary>
    public TimeSpan DrillClockOffset { get; set; } = TimeSpan.Zero;
    /// <summary>Where a municipality's clerks are reminded, by municipality id (e.g. <c>Deadlines__MunicipalityAddresses__stolberg__0=kita@stolberg.de</c>).</summary>
    public Dictionary<string, string[]> MunicipalityAddresses { get; set; } = [];

    public PledgeTerms Pledges => new(PledgeReminderDays, PledgeExpiryDays);

    public ReceiptOfferTerms ReceiptOffers => new(ReceiptOfferReminderDays, ReceiptOfferAnswerDays);

    public ProofOfUseTerms ProofOfUse => new(ProofOfUseFirstReminderDaysBefore, ProofOfUseSecondReminderDaysBefore, ProofOfUseOverdueNoticeDaysAfter);

    public IReadOnlyList<string> ClerkAddressesOf(string municipalityId)
        => MunicipalityAddresses.GetValueOrDefault(municipalityId)?.Where(a => !string.IsNullOrWhiteSpace(a)).Select(a => a.Trim()).ToList() ?? [];

    public string? Problem()
        => Pledges.Problem() ?? ProofOfUse.Problem() ?? ReceiptOffers.Problem()
           ?? (SweepInterval < TimeSpan.Zero ? "Deadlines:SweepInterval must not be negative." : null)
           ?? (SweepBatchSize is < 1 or > 10_000 ? "Deadlines:SweepBatchSize must lie between 1 and 10000." : null);
}

public sealed class Configuration : IFeatureConfiguration
{
    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection("Deadlines").Get<DeadlineSettings>() ?? new DeadlineSettings();
        if (settings.Problem() is { } problem) throw new InvalidOperationException(problem);
        services.AddSingleton(settings);
        services.AddSingleton(sp => DeadlineClock.Create(sp.GetRequiredService<TimeProvider>(), settings.DrillClockOffset, sp.GetRequiredService<IHostEnvironment>()));
        services.AddHostedService<DeadlineSweeping>();
    }

    public void ConfigureStore(StoreOptions options)
    {
        // The sweep looks for unpaid pledges by age.
        options.Schema.For<Donation>().Index(d => d.PledgedAt);
        // … and for payments whose bank statement may not suffice, to remind of the receipt offer.
        options.Schema.For<Donation>().Index(d => d.FirstLargeOpenPaymentOn);
        options.Schema.For<SentDeadlineMail>();
    }

    public void ConfigureMessaging(WolverineOptions options)
    {
        // Durable local queues (UseDurableLocalQueues): a decided step and its mail wait in PostgreSQL across restarts.
        options.PublishMessage<SendPledgeReminder>().ToLocalQueue("deadlines");
        options.PublishMessage<ExpireUnpaidPledge>().ToLocalQueue("deadlines");
        options.PublishMessage<SendProofOfUseReminder>().ToLocalQueue("deadlines");
        options.LocalQueue("deadline-mail").Sequential();
        options.PublishMessage<MailPledgeReminder>().ToLocalQueue("deadline-mail");
        options.PublishMessage<MailProofOfUseReminder>().ToLocalQueue("deadline-mail");
        options.PublishMessage<Receipts.Offering.CheckReceiptOffer>().ToLocalQueue("deadlines");
        options.PublishMessage<Receipts.Offering.MailReceiptOfferReminder>().ToLocalQueue("deadline-mail");
        options.OnException<DeadlineMailFailed>()
            .RetryWithCooldown(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5))
            .Then.ScheduleRetry(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30))
            .Then.MoveToErrorQueue();
    }
}

/// <summary>
/// The clock the deadline work decides on: the service's clock, moved by <see cref="DeadlineSettings.DrillClockOffset"/>
/// (zero everywhere but in a drill). Created as the service starts (the sweep depends on it), so a start outside
/// Development with an offset is refused.
/// </summary>
public sealed class DeadlineClock : TimeProvider
{
    private readonly TimeProvider _inner;

    private DeadlineClock(TimeProvider inner, TimeSpan offset)
    {
        _inner = inner;
        Offset = offset;
    }

    public TimeSpan Offset { get; }

    public override DateTimeOffset GetUtcNow() => _inner.GetUtcNow() + Offset;

    public static DeadlineClock Create(TimeProvider inner, TimeSpan offset, IHostEnvironment environment)
    {
        if (offset != TimeSpan.Zero && !environment.IsDevelopment())
            throw new InvalidOperationException("Deadlines:DrillClockOffset (Deadlines__DrillClockOffset) moves the deadline clock for drills only; it is refused outside Development.");
        if (offset < TimeSpan.Zero || offset > TimeSpan.FromDays(3660))
            throw new InvalidOperationException("Deadlines:DrillClockOffset must lie between 0 and 3660 days.");
        return new DeadlineClock(inner, offset);
    }
}

/// <summary>A deadline mail that went out: a second delivery of the same mail message sends nothing.</summary>
public sealed class SentDeadlineMail
{
    public string Id { get; set; } = "";
    public DateTimeOffset SentAt { get; set; }
}

public sealed class DeadlineMailFailed(string mail, Exception inner) : Exception($"Sending the deadline mail {mail} failed; it is tried again.", inner);
