using FlutHilfe.Api.Infrastructure;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.EarmarkDecisions;
using Marten;
using Wolverine;

namespace FlutHilfe.Api.EarmarkDecisions;

/// <summary>
/// Earmark decisions (<c>EarmarkDecisions:*</c>): how long donors have to answer, when they are reminded, and the appeal's
/// documented default without an answer (the general fund).
/// </summary>
public sealed class EarmarkDecisionSettings
{
    public int AnswerDays { get; set; } = EarmarkTerms.Default.AnswerDays;
    public int ReminderDaysBefore { get; set; } = EarmarkTerms.Default.ReminderDaysBefore;
    public EarmarkChoice DefaultChoice { get; set; } = EarmarkTerms.Default.DefaultChoice;

    public EarmarkTerms Terms => new(AnswerDays, ReminderDaysBefore, DefaultChoice);
}

/// <summary>A refund account a donor confirmed or gave (personal data: kept out of the events, by donation and decision).</summary>
public sealed class RefundAccount
{
    /// <summary><c>{donationId}:{decisionId}</c></summary>
    public string Id { get; set; } = "";
    public Guid DonationId { get; set; }
    public Guid DecisionId { get; set; }
    public string Iban { get; set; } = "";
    public string? Holder { get; set; }
    /// <summary>True: the account the donation was paid from, confirmed by the donor.</summary>
    public bool FromPayment { get; set; }

    public static string IdFor(Guid donationId, Guid decisionId) => $"{donationId}:{decisionId}";
}

public sealed class Configuration : IFeatureConfiguration
{
    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection("EarmarkDecisions").Get<EarmarkDecisionSettings>() ?? new EarmarkDecisionSettings();
        if (settings.Terms.Problem() is { } problem) throw new InvalidOperationException(problem);
        services.AddSingleton(settings);
    }

    public void ConfigureStore(StoreOptions options)
    {
        options.Schema.For<RefundAccount>().Index(a => a.DonationId);
        // The deadline sweep looks for open questions by their days.
        options.Schema.For<Donation>().Index(d => d.OpenEarmarkAnswerBy).Index(d => d.EarmarkRemindOn);
    }

    public void ConfigureMessaging(WolverineOptions options)
    {
        options.PublishMessage<ApplyEarmarkDefaultNow>().ToLocalQueue("deadlines");
        options.PublishMessage<SendEarmarkReminder>().ToLocalQueue("deadlines");
        options.PublishMessage<MailEarmarkQuestion>().ToLocalQueue("deadline-mail");
    }
}
