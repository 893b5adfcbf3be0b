using FlutHilfe.Api.Infrastructure;
using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Reminding;
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
    /// <summary>How often every node looks for due work (<see cref="TimeSpan.Zero"/>: never by itself; tests sweep by hand).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(15);
    /// <summary>At most this many items of each kind per sweep; the next sweep takes the rest.</summary>
    public int SweepBatchSize { get; set; } = 500;
    /// <summary>Where a municipality's clerks are reminded, by municipality id (e.g. <c>Deadlines__MunicipalityAddresses__stolberg__0=kita@stolberg.de</c>).</summary>
    public Dictionary<string, string[]> MunicipalityAddresses { get; set; } = [];

    public PledgeTerms Pledges => new(PledgeReminderDays, PledgeExpiryDays);

    public ProofOfUseTerms ProofOfUse => new(ProofOfUseFirstReminderDaysBefore, ProofOfUseSecondReminderDaysBefore, ProofOfUseOverdueNoticeDaysAfter);

    public IReadOnlyList<string> ClerkAddressesOf(string municipalityId)
        => MunicipalityAddresses.GetValueOrDefault(municipalityId)?.Where(a => !string.IsNullOrWhiteSpace(a)).Select(a => a.Trim()).ToList() ?? [];

    public string? Problem()
        => Pledges.Problem() ?? ProofOfUse.Problem()
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
        services.AddHostedService<DeadlineSweeping>();
    }

    public void ConfigureStore(StoreOptions options)
    {
        // The sweep looks for unpaid pledges by age.
        options.Schema.For<Donation>().Index(d => d.PledgedAt);
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
        options.OnException<DeadlineMailFailed>()
            .RetryWithCooldown(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5))
            .Then.ScheduleRetry(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30))
            .Then.MoveToErrorQueue();
    }
}

/// <summary>A deadline mail that went out: a second delivery of the same mail message sends nothing.</summary>
public sealed class SentDeadlineMail
{
    public string Id { get; set; } = "";
    public DateTimeOffset SentAt { get; set; }
}

public sealed class DeadlineMailFailed(string mail, Exception inner) : Exception($"Sending the deadline mail {mail} failed; it is tried again.", inner);
