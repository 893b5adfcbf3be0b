using FlutHilfe.Api.Infrastructure.PersonalData;
using FlutHilfe.Api.Deadlines;
using FlutHilfe.Api.Donations.Viewing;
using FlutHilfe.Api.Receipts;
using FlutHilfe.Api.Receipts.Delivering;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.EarmarkDecisions;
using FlutHilfe.Domain.Shared;
using Marten;
using MimeKit;
using Wolverine;
using Wolverine.Marten;

namespace FlutHilfe.Api.EarmarkDecisions;

/// <summary>Apply the default to this donation's open questions whose deadline passed (decided again on the donation's stream).</summary>
public sealed record ApplyEarmarkDefaultNow(Guid DonationId);

/// <summary>Remind the donor of this donation's open questions whose reminder day came.</summary>
public sealed record SendEarmarkReminder(Guid DonationId);

/// <summary>Mail the question (or its reminder) to the donor; the address is read from the personal-data store when it goes out.</summary>
public sealed record MailEarmarkQuestion(Guid DonationId, Guid DecisionId, bool Reminder);

/// <summary>The part of the deadline sweep that looks at earmark questions (indexed on the donation snapshot's days).</summary>
public static class EarmarkSweep
{
    public static async Task<int> QueueAsync(IQuerySession session, DateOnly today, int batchSize, OutgoingMessages messages, CancellationToken ct)
    {
        var defaults = await session.Query<Donation>().Where(d => d.OpenEarmarkAnswerBy != null && d.OpenEarmarkAnswerBy < today)
            .Select(d => d.Id).Take(batchSize).ToListAsync(ct);
        var reminders = await session.Query<Donation>().Where(d => d.EarmarkRemindOn != null && d.EarmarkRemindOn <= today)
            .Select(d => d.Id).Take(batchSize).ToListAsync(ct);
        foreach (var id in defaults) messages.Add(new ApplyEarmarkDefaultNow(id));
        foreach (var id in reminders) messages.Add(new SendEarmarkReminder(id));
        return defaults.Count + reminders.Count;
    }
}

public static class ApplyEarmarkDefaultHandler
{
    public static Events Handle(ApplyEarmarkDefaultNow message, [WriteAggregate(nameof(ApplyEarmarkDefaultNow.DonationId), Required = false)] Donation? donation,
        DeadlineClock clock)
    {
        var events = new Events();
        var now = clock.GetUtcNow();
        foreach (var q in donation?.EarmarkQuestions.Where(q => q.IsOpen) ?? [])
            events.AddRange(EarmarkDecider.Decide(new ApplyEarmarkDefault(message.DonationId, q.DecisionId, now), donation));
        return events;
    }
}

public static class SendEarmarkReminderHandler
{
    public static async Task<(Events, OutgoingMessages)> Handle(SendEarmarkReminder message,
        [WriteAggregate(nameof(SendEarmarkReminder.DonationId), Required = false)] Donation? donation, IDocumentSession session, IReceiptMailer mailer,
        DeadlineClock clock, CancellationToken ct)
    {
        var events = new Events();
        var messages = new OutgoingMessages();
        if (donation is null || !donation.EarmarkQuestions.Any(q => q.IsOpen && q.RemindedAt is null)) return (events, messages);
        var email = donation.DonorId is { } donorId ? (await DonorProfiles.LoadAsync(session, donorId, ct))?.Email : null;
        var mailed = email is not null && mailer.Enabled;
        var now = clock.GetUtcNow();
        foreach (var q in donation.EarmarkQuestions.Where(q => q.IsOpen && q.RemindedAt is null).ToList())
        {
            var decided = EarmarkDecider.Decide(new RemindEarmarkQuestion(donation.Id, q.DecisionId, mailed, now), donation);
            events.AddRange(decided);
            if (mailed && decided.Count > 0) messages.Add(new MailEarmarkQuestion(donation.Id, q.DecisionId, Reminder: true));
        }
        return (events, messages);
    }
}

/// <summary>Sent once per question and kind (a marker after the server accepted it, as for the other deadline mails); not when answered meanwhile.</summary>
public static class MailEarmarkQuestionHandler
{
    public static async Task Handle(MailEarmarkQuestion message, IDocumentSession session, IReceiptMailer mailer, DonorAccess access, TimeProvider clock,
        ILogger<MailEarmarkQuestion> logger, CancellationToken ct)
    {
        var key = $"earmark-{(message.Reminder ? "reminder" : "question")}:{message.DonationId}:{message.DecisionId}";
        // Not when answered meanwhile.
        if (await DeadlineMails.DueAsync(session, mailer, logger, key, message.DonationId,
                d => d.EarmarkQuestions.Any(x => x.DecisionId == message.DecisionId && x.IsOpen), ct) is not { } due) return;
        var q = due.Donation.EarmarkQuestions.First(x => x.DecisionId == message.DecisionId);
        // Mailed only to the donor's own stored address: a link of its own, valid until two weeks after the answer day.
        var link = access.Link(due.Donation.Id, q.AnswerBy.AddDays(DonorAccess.EarmarkLinkGraceDays));
        await DeadlineMails.SendOnceAsync(session, mailer, EarmarkMails.Question(mailer.Settings, due.Email, due.Name, due.Appeal, due.Donation, q, message.Reminder, link),
            key, clock, ct);
    }
}

public static class EarmarkMails
{
    /// <summary>The question (or its reminder) in German, with the amount, the fund, the choices, the deadline, the default and the link to answer.</summary>
    public static MimeMessage Question(SmtpSettings smtp, string to, string? name, Appeal appeal, Donation donation, EarmarkQuestion q, bool reminder,
        MailedDonorLink link)
    {
        var fund = AnswerEarmarkQuestionEndpoint.FundName(appeal, q.FundKey);
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(smtp.FromName, smtp.From));
        message.To.Add(new MailboxAddress(name ?? "", to));
        message.Subject = (reminder ? "Erinnerung: " : "") + $"Ihre Entscheidung zu {q.Amount} Ihrer Spende für „{appeal.Title}“";
        message.Body = new TextPart("plain")
        {
            Text = $"""
                Guten Tag{(name is null ? "" : " " + name)},

                {(reminder ? "wir haben von Ihnen noch keine Antwort erhalten und erinnern Sie gern an unsere Frage:\n\n" : "")}Sie haben für „{appeal.Title}“ gespendet und Ihre Spende für {fund} bestimmt – vielen Dank!
                {q.Amount} Ihrer Spende können dort nicht mehr wie bestimmt verwendet werden. Ohne Ihre Zustimmung verwenden wir
                Ihr Geld nicht für einen anderen Zweck. Bitte entscheiden Sie bis zum {GermanDate.Format(q.AnswerBy)}:

                – Umwidmung an eine andere Kommune oder einen anderen Zweck des Aufrufs,
                – Umwidmung in den allgemeinen Fonds des Aufrufs (für alle betroffenen Kommunen und Zwecke), oder
                – Rückzahlung auf Ihr Konto.

                Ihre Spende und Ihre Antwort: {link.Url}
                ({link.ValidUntilText}; der Link, den Sie bei Ihrer Zusage erhalten haben, führt ebenfalls dorthin)
                Erhalten wir bis zum {GermanDate.Format(q.AnswerBy)} keine Antwort, gilt die im Aufruf festgelegte Regel:
                {AnswerEarmarkQuestionEndpoint.ChoiceText(appeal, q.DefaultChoice, null)}.

                Mit freundlichen Grüßen
                {appeal.Issuer.Name}
                """,
        };
        return message;
    }
}
