using FlutHilfe.Api.Deadlines;
using FlutHilfe.Api.Donations.Viewing;
using FlutHilfe.Api.Infrastructure.PersonalData;
using FlutHilfe.Api.Receipts.Delivering;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Receipts;
using FlutHilfe.Domain.Receipts.Offering;
using FlutHilfe.Domain.Shared;
using Marten;
using MimeKit;
using Wolverine;
using Wolverine.Marten;

namespace FlutHilfe.Api.Receipts.Offering;

/// <summary>Decide this donation's receipt offer again now (reminder, default or nothing).</summary>
public sealed record CheckReceiptOffer(Guid DonationId);

/// <summary>Mail the reminder of the receipt offer; the address is read from the personal-data store when it goes out.</summary>
public sealed record MailReceiptOfferReminder(Guid DonationId);

/// <summary>
/// The part of the deadline sweep that looks at receipt offers: per appeal, donations with an open payment above 300 € outside
/// the appeal's disaster window (indexed booking days on the snapshot), whose reminder day or deadline may have come.
/// </summary>
public static class ReceiptOfferSweep
{
    public static async Task<int> QueueAsync(IQuerySession session, DateOnly today, DeadlineSettings settings, OutgoingMessages messages, CancellationToken ct)
    {
        var terms = settings.ReceiptOffers;
        // The offer day is on or after the first such payment's day: reminders are due for offers of that day or before,
        // the default for offers more than AnswerDays ago.
        var remindFrom = today.AddDays(-terms.ReminderDays);
        var lapseFrom = today.AddDays(-terms.AnswerDays - 1);
        var appeals = await session.Query<Appeal>().Take(1_000).ToListAsync(ct);
        var queued = 0;
        foreach (var appeal in appeals)
        {
            var query = session.Query<Donation>().Where(d => d.AppealId == appeal.AppealId && d.FirstLargeOpenPaymentOn != null
                && d.FirstLargeOpenPaymentOn <= remindFrom && (d.ReceiptOfferRemindedAt == null || d.FirstLargeOpenPaymentOn <= lapseFrom));
            if (appeal.IsDisasterSpecialAccount && appeal.SimplifiedProof is { } w)
                query = query.Where(d => d.FirstLargeOpenPaymentOn < w.From || d.LastLargeOpenPaymentOn > w.To);
            var ids = await query.OrderBy(d => d.FirstLargeOpenPaymentOn).Select(d => d.Id).Take(settings.SweepBatchSize - queued).ToListAsync(ct);
            foreach (var id in ids) messages.Add(new CheckReceiptOffer(id));
            queued += ids.Count;
            if (queued >= settings.SweepBatchSize) break;
        }
        return queued;
    }
}

/// <summary>
/// Decides on the donation's own stream (optimistic concurrency) against the deadline clock: early, asked for, receipted,
/// reminded or lapsed decides nothing again. The fact and the mail message commit together (Wolverine's outbox on Marten).
/// </summary>
public static class CheckReceiptOfferHandler
{
    public static async Task<(Events, OutgoingMessages)> Handle(CheckReceiptOffer message,
        [WriteAggregate(nameof(CheckReceiptOffer.DonationId), Required = false)] Donation? donation, IDocumentSession session, IReceiptMailer mailer,
        DeadlineSettings settings, DeadlineClock clock, CancellationToken ct)
    {
        var events = new Events();
        var messages = new OutgoingMessages();
        if (donation is null || !ReceiptOffers.Waits(donation)) return (events, messages);
        var appeal = await session.LoadAsync<Appeal>(AppealStream.IdFor(donation.AppealId), ct);
        if (appeal is null) return (events, messages);
        var email = donation.DonorId is { } donorId ? (await DonorProfiles.LoadAsync(session, donorId, ct))?.Email : null;
        var decided = ReceiptOffers.Decide(new DecideReceiptOffer(donation.Id, settings.ReceiptOffers, email is not null && mailer.Enabled, clock.GetUtcNow()),
            donation, appeal);
        events.AddRange(decided);
        if (decided.OfType<ReceiptOfferReminded>().Any(r => r.Mailed)) messages.Add(new MailReceiptOfferReminder(donation.Id));
        return (events, messages);
    }
}

/// <summary>Sent once (a marker after the server accepted it, as the other deadline mails); not when a receipt was asked for meanwhile.</summary>
public static class MailReceiptOfferReminderHandler
{
    public static async Task Handle(MailReceiptOfferReminder message, IDocumentSession session, IReceiptMailer mailer, DeadlineSettings settings,
        DonorAccess access, DeadlineClock clock, ILogger<MailReceiptOfferReminder> logger, CancellationToken ct)
    {
        var key = $"receipt-offer-reminder:{message.DonationId}";
        if (await DeadlineMails.DueAsync(session, mailer, logger, key, message.DonationId, d => d.ReceiptOfferRemindedAt is not null && ReceiptOffers.Waits(d), ct)
            is not { } due) return;
        var needing = ReceiptOffers.Needing(due.Donation, due.Appeal);
        if (needing.Count == 0) return;
        await DeadlineMails.SendOnceAsync(session, mailer, ReceiptOfferMail(mailer.Settings, due.Email, due.Name, due.Appeal, needing, settings.ReceiptOffers,
            access.Link(due.Donation.Id, clock.GetUtcNow())), key,
            clock, ct);
    }

    /// <summary>The reminder in German: which money needs a receipt, why, how to ask for it, until when we remind, and that it stays possible.</summary>
    public static MimeMessage ReceiptOfferMail(SmtpSettings smtp, string to, string? name, Appeal appeal, IReadOnlyList<Domain.Receipts.Covering.ReceiptablePayment> needing,
        ReceiptOfferTerms terms, MailedDonorLink link)
    {
        var amount = needing.Aggregate(Money.Zero, (s, p) => checked(s + p.Amount));
        var answerBy = needing[0].Date.AddDays(terms.AnswerDays);
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(smtp.FromName, smtp.From));
        message.To.Add(new MailboxAddress(name ?? "", to));
        message.Subject = $"Ihre Zuwendungsbestätigung über {amount} für „{appeal.Title}“";
        message.MessageId = ReceiptMail.MessageIdFor($"beleg-angebot-{needing[0].DonationId:N}", smtp.From);
        message.Body = new TextPart("plain")
        {
            Text = $"""
                Guten Tag{(name is null ? "" : " " + name)},

                vielen Dank für Ihre Spende für „{appeal.Title}“! Am {GermanDate.Format(needing[0].Date)} sind {amount} bei uns eingegangen.
                Für Zuwendungen über {SimplifiedProof.Limit} genügt Ihr Kontoauszug dem Finanzamt nicht als Nachweis
                (§ 50 Abs. 4 EStDV): Es verlangt eine Zuwendungsbestätigung. Sie haben bisher keine angefordert.

                Wenn Sie eine möchten, fordern Sie sie bitte auf der Seite Ihrer Spende an und geben Sie dort Ihre Postanschrift an.
                Wir stellen sie dann aus und schicken sie Ihnen.

                Ihre Spende: {link.Url}
                ({link.ValidUntilText}; der Link, den Sie bei Ihrer Zusage erhalten haben, führt ebenfalls dorthin)

                Erhalten wir bis zum {GermanDate.Format(answerBy)} keine Anforderung, stellen wir keine Bestätigung aus und erinnern Sie nicht
                noch einmal. Anfordern können Sie sie auf der Seite Ihrer Spende auch danach jederzeit.

                Mit freundlichen Grüßen
                {appeal.Issuer.Name}
                """,
        };
        return message;
    }
}
