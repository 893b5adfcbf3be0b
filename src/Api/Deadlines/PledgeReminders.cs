using FlutHilfe.Api.Donations;
using FlutHilfe.Api.Donations.Viewing;
using FlutHilfe.Api.Infrastructure.PersonalData;
using FlutHilfe.Api.Receipts;
using FlutHilfe.Api.Receipts.Delivering;
using FlutHilfe.Documents.GiroCodes;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Reminding;
using FlutHilfe.Domain.Shared;
using Marten;
using MimeKit;
using Wolverine;
using Wolverine.Marten;

namespace FlutHilfe.Api.Deadlines;

/// <summary>Remind the donor of this pledge if it is (still) due.</summary>
public sealed record SendPledgeReminder(Guid DonationId);

/// <summary>Let this pledge expire if it is (still) due.</summary>
public sealed record ExpireUnpaidPledge(Guid DonationId);

/// <summary>Send the reminder mail of this pledge (decided and recorded in the commit that queued this message).</summary>
public sealed record MailPledgeReminder(Guid DonationId);

/// <summary>
/// Decides on the donation's own stream (optimistic concurrency) against the clock now: early, repeated or paid in the
/// meantime decides nothing. The fact and the mail message are committed together (Wolverine's outbox on Marten).
/// </summary>
public static class SendPledgeReminderHandler
{
    public static async Task<(Events, OutgoingMessages)> Handle(SendPledgeReminder message,
        [WriteAggregate(nameof(SendPledgeReminder.DonationId), Required = false)] Donation? donation,
        IDocumentSession session, IReceiptMailer mailer, DeadlineSettings settings, DeadlineClock clock, CancellationToken ct)
    {
        var events = new Events();
        var messages = new OutgoingMessages();
        if (donation is null || !UnpaidPledges.IsUnpaid(donation) || donation.RemindedAt is not null) return (events, messages);
        var email = donation.DonorId is { } donorId ? (await DonorProfiles.LoadAsync(session, donorId, ct))?.Email : null;
        var mailed = email is not null && mailer.Enabled;
        events.AddRange(DonationDecider.Decide(new RemindUnpaidPledge(donation.Id, settings.Pledges, mailed, clock.GetUtcNow()), donation));
        if (mailed && events.Count > 0) messages.Add(new MailPledgeReminder(donation.Id));
        return (events, messages);
    }
}

public static class ExpireUnpaidPledgeHandler
{
    public static Events Handle(ExpireUnpaidPledge message, [WriteAggregate(nameof(ExpireUnpaidPledge.DonationId), Required = false)] Donation? donation,
        DeadlineSettings settings, DeadlineClock clock)
    {
        var events = new Events();
        events.AddRange(DonationDecider.Decide(new ExpirePledge(message.DonationId, settings.Pledges, clock.GetUtcNow()), donation));
        return events;
    }
}

/// <summary>
/// Sends the reminder with the transfer data and the GiroCode again. Carries no personal data in the message: the address
/// is read from the personal-data store when the mail goes out. Sent once: a marker document is stored after the server
/// accepted the mail (a crash between the two may send it again, the usual at-least-once of mail).
/// </summary>
public static class MailPledgeReminderHandler
{
    public static async Task Handle(MailPledgeReminder message, IDocumentSession session, IReceiptMailer mailer, DeadlineSettings settings,
        DonorAccess access, DeadlineClock clock, ILogger<MailPledgeReminder> logger, CancellationToken ct)
    {
        var key = $"pledge-reminder:{message.DonationId}";
        // Paid since the reminder was decided: the donor is not bothered any more.
        if (await DeadlineMails.DueAsync(session, mailer, logger, key, message.DonationId, d => d.RemindedAt is not null && UnpaidPledges.IsUnpaid(d), ct)
            is not { } due) return;
        var mail = DeadlineMails.PledgeReminder(mailer.Settings, due.Email, due.Name, due.Appeal, due.Donation, settings.Pledges,
            access.Link(due.Donation.Id, clock.GetUtcNow()));
        await DeadlineMails.SendOnceAsync(session, mailer, mail, key, clock, ct);
    }
}

/// <summary>What a once-only mail about a donation needs: the donation, its donor's address and name, its appeal.</summary>
public sealed record DonorMail(Donation Donation, string Email, string? Name, Appeal Appeal);

public static partial class DeadlineMails
{
    /// <summary>
    /// The donation, its donor's address and its appeal for the once-only mail <paramref name="key"/>; null when that mail
    /// went out already, the donation no longer needs it (<paramref name="stillDue"/>), the donor gave no address, or mail is
    /// switched off (logged). The address is read from the personal-data store now, never carried in a message.
    /// </summary>
    public static async Task<DonorMail?> DueAsync(IDocumentSession session, IReceiptMailer mailer, ILogger logger, string key, Guid donationId,
        Func<Donation, bool> stillDue, CancellationToken ct)
    {
        if (await session.LoadAsync<SentDeadlineMail>(key, ct) is not null) return null;
        var donation = await session.LoadAsync<Donation>(donationId, ct);
        if (donation is null || !stillDue(donation)) return null;
        var profile = donation.DonorId is { } donorId ? await DonorProfiles.LoadAsync(session, donorId, ct) : null;
        var appeal = await session.LoadAsync<Appeal>(AppealStream.IdFor(donation.AppealId), ct);
        if (profile?.Email is null || appeal is null) return null;
        if (!mailer.Enabled)
        {
            logger.LogInformation("Mail is switched off (no Smtp:Host): {Mail} of donation {Donation} is not mailed", key, donation.Id);
            return null;
        }
        return new DonorMail(donation, profile.Email, profile.Name, appeal);
    }

    /// <summary>
    /// Sends the mail and stores the marker <paramref name="key"/> in the handler's transaction: once the server accepted
    /// it, the mail is not sent again (a crash between the two may send it twice, the usual at-least-once of mail).
    /// </summary>
    public static async Task SendOnceAsync(IDocumentSession session, IReceiptMailer mailer, MimeMessage mail, string key, TimeProvider clock, CancellationToken ct)
    {
        await SendAsync(mailer, mail, key, ct);
        session.Store(new SentDeadlineMail { Id = key, SentAt = clock.GetUtcNow() });
    }

    public static async Task SendAsync(IReceiptMailer mailer, MimeMessage mail, string key, CancellationToken ct)
    {
        try
        {
            await using var connection = await mailer.ConnectAsync(ct);
            await connection.SendAsync(mail, ct);
        }
        catch (Exception e)
        {
            // Cut off by the execution timeout (a mail server slow to greet) or the node shutting down, or a failing server:
            // either way the mail is tried again, never dead-lettered (an OperationCanceledException would be; found by the
            // two-node drill at load 58: a reminder mail was never sent). On a shutdown the envelope stays in the durable inbox.
            throw new DeadlineMailFailed(key, e);
        }
    }

    /// <summary>The reminder of an unpaid pledge (German): the transfer data as the donor got them at pledge time, the GiroCode attached, the link to the donation.</summary>
    public static MimeMessage PledgeReminder(SmtpSettings smtp, string to, string? name, Appeal appeal, Donation donation, PledgeTerms terms, MailedDonorLink link)
    {
        var instructions = PaymentInstructions.For(appeal, donation);
        var payload = PaymentInstructions.EpcPayload(appeal, donation);
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(smtp.FromName, smtp.From));
        message.To.Add(new MailboxAddress(name ?? "", to));
        message.Subject = $"Erinnerung: Ihre Spendenzusage über {donation.Pledged} für „{appeal.Title}“";
        message.MessageId = ReceiptMail.MessageIdFor($"zusage-erinnerung-{donation.Id:N}", smtp.From);
        var body = new BodyBuilder
        {
            TextBody = $"""
                Guten Tag{(name is null ? "" : " " + name)},

                am {GermanDate.Format(UnpaidPledges.PledgeDay(donation))} haben Sie uns eine Spende über {donation.Pledged} für „{appeal.Title}“ zugesagt – vielen Dank!
                Bisher ist dafür keine Zahlung bei uns eingegangen. Falls die Überweisung untergegangen ist, hier noch einmal alle Angaben:

                Empfänger:          {instructions.Beneficiary}
                IBAN:               {instructions.IbanPrint}
                BIC:                {instructions.Bic ?? "–"}
                Betrag:             {donation.Pledged}
                Verwendungszweck:   {instructions.ReferencePrint}

                Im Anhang finden Sie den GiroCode (einen QR-Code für Überweisungen): Ihre Banking-App übernimmt damit alle Angaben.
                Bitte geben Sie die Referenz {instructions.ReferencePrint} unverändert an, damit wir Ihre Zahlung zuordnen können.

                Ihre Spende und alle Angaben zur Überweisung: {link.Url}
                ({link.ValidUntilText}; der Link, den Sie bei Ihrer Zusage erhalten haben, führt ebenfalls dorthin)

                Ohne Zahlung verfällt die Zusage am {GermanDate.Format(UnpaidPledges.ExpiryDay(donation, terms))}. Geld, das danach noch eingeht, wird selbstverständlich Ihrer Spende gutgeschrieben.
                Hat sich Ihre Überweisung mit dieser Nachricht gekreuzt, betrachten Sie sie bitte als gegenstandslos.

                Mit freundlichen Grüßen
                {appeal.Issuer.Name}
                """,
        };
        body.Attachments.Add($"GiroCode-{donation.Reference}.png", GiroCodeImage.Png(payload), new ContentType("image", "png"));
        message.Body = body.ToMessageBody();
        return message;
    }
}
