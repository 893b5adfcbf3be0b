using FlutHilfe.Api.Receipts;
using FlutHilfe.Api.Receipts.Delivering;
using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Shared;
using Marten;
using MimeKit;
using Wolverine;
using Wolverine.Marten;

namespace FlutHilfe.Api.Deadlines;

/// <summary>Take the step of this allocation's proof-of-use deadline that is due now, if any.</summary>
public sealed record SendProofOfUseReminder(Guid AllocationId);

/// <summary>Send the mail of a step taken (reminder to the clerks, overdue notice to the treasury).</summary>
public sealed record MailProofOfUseReminder(Guid AllocationId, ProofReminderStage Stage);

/// <summary>Decides on the allocation's stream (optimistic concurrency): the fact and its mail message commit together.</summary>
public static class SendProofOfUseReminderHandler
{
    public static async Task<(Events, OutgoingMessages)> Handle(SendProofOfUseReminder message,
        [WriteAggregate(nameof(SendProofOfUseReminder.AllocationId), Required = false)] Allocation? allocation,
        IDocumentSession session, IReceiptMailer mailer, DeadlineSettings settings, DeadlineClock clock, CancellationToken ct)
    {
        var events = new Events();
        var messages = new OutgoingMessages();
        if (allocation is null) return (events, messages);
        var appeal = await session.LoadAsync<Appeal>(AppealStream.IdFor(allocation.AppealId), ct);
        if (appeal is null) return (events, messages);
        var clerks = mailer.Enabled && settings.ClerkAddressesOf(allocation.MunicipalityId).Count > 0;
        var treasury = mailer.Enabled && !string.IsNullOrWhiteSpace(mailer.Settings.TreasurerAddress);
        events.AddRange(AllocationDecider.Decide(
            new RemindProofOfUse(allocation.Id, appeal.ProofOfUseDeadline, settings.ProofOfUse, clerks, treasury, clock.GetUtcNow()), allocation));
        foreach (var sent in events.OfType<ProofOfUseReminderSent>().Where(e => e.Mailed))
            messages.Add(new MailProofOfUseReminder(allocation.Id, sent.Stage));
        return (events, messages);
    }
}

public static class MailProofOfUseReminderHandler
{
    public static async Task Handle(MailProofOfUseReminder message, IDocumentSession session, IReceiptMailer mailer, DeadlineSettings settings,
        ReceiptSettings links, DeadlineClock clock, ILogger<MailProofOfUseReminder> logger, CancellationToken ct)
    {
        var key = $"proof-of-use-{message.Stage.ToString().ToLowerInvariant()}:{message.AllocationId}";
        if (await session.LoadAsync<SentDeadlineMail>(key, ct) is not null) return;
        var allocation = await session.LoadAsync<Allocation>(message.AllocationId, ct);
        if (allocation is null || !allocation.RemindersSent.Contains(message.Stage)) return;
        // Submitted since the reminder was decided: no reminder any more (the overdue notice still tells the treasury it came late).
        if (message.Stage != ProofReminderStage.Overdue && !AllocationDecider.OwesProof(allocation)) return;
        var appeal = await session.LoadAsync<Appeal>(AppealStream.IdFor(allocation.AppealId), ct);
        if (appeal is null) return;
        if (!mailer.Enabled)
        {
            logger.LogInformation("Mail is switched off (no Smtp:Host): the proof-of-use step {Stage} of allocation {Allocation} is not mailed", message.Stage, allocation.Id);
            return;
        }
        IReadOnlyList<string> to = message.Stage == ProofReminderStage.Overdue
            ? mailer.Settings.TreasurerAddress is { Length: > 0 } treasury ? [treasury] : []
            : settings.ClerkAddressesOf(allocation.MunicipalityId);
        if (to.Count == 0) return;
        var today = GermanDate.DayOf(clock.GetUtcNow());
        var mail = message.Stage == ProofReminderStage.Overdue
            ? DeadlineMails.OverdueNotice(mailer.Settings, to, appeal, allocation, links.BaseUrl, today)
            : DeadlineMails.ProofOfUseReminder(mailer.Settings, to, appeal, allocation, links.BaseUrl, today);
        await DeadlineMails.SendAsync(mailer, mail, key, ct);
        session.Store(new SentDeadlineMail { Id = key, SentAt = clock.GetUtcNow() });
    }
}

public static partial class DeadlineMails
{
    private static string MunicipalityName(Appeal appeal, Allocation a) => appeal.FindMunicipality(a.MunicipalityId)?.Name ?? a.MunicipalityId;

    private static string Days(int days) => days == 1 ? "1 Tag" : $"{days} Tage";

    /// <summary>The reminder to the municipality's clerks (German), with the figures of the allocation and the link to its page.</summary>
    public static MimeMessage ProofOfUseReminder(SmtpSettings smtp, IReadOnlyList<string> to, Appeal appeal, Allocation a, string baseUrl, DateOnly today)
    {
        var deadline = appeal.ProofOfUseDeadline;
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(smtp.FromName, smtp.From));
        foreach (var address in to) message.To.Add(MailboxAddress.Parse(address));
        message.Subject = $"Erinnerung: Verwendungsnachweis bis {GermanDate.Format(deadline)} – Zuweisung {a.DecisionReference} an {MunicipalityName(appeal, a)}";
        var rejected = a.ProofStatus == ProofStatus.Rejected
            ? "\nIhr eingereichter Nachweis wurde zurückgewiesen; bitte reichen Sie ihn überarbeitet erneut ein.\n"
            : "";
        message.Body = new TextPart("plain")
        {
            Text = $"""
                Guten Tag,

                für die Zuweisung von {a.Net} an {MunicipalityName(appeal, a)} aus dem Spendenaufruf „{appeal.Title}“
                (Beschluss {a.DecisionReference} vom {GermanDate.Format(a.DecidedOn)}) ist der Verwendungsnachweis bis zum {GermanDate.Format(deadline)} vorzulegen
                – noch {Days(deadline.DayNumber - today.DayNumber)}.
                {rejected}
                Bisher gemeldete Ausgaben: {a.Spent}
                Noch nicht verwendet oder zurückgezahlt: {a.Open}

                Bitte melden Sie die fehlenden Ausgaben mit Belegen und reichen Sie den Verwendungsnachweis mit Sachbericht ein:
                {baseUrl}/kommune/zuweisungen/{a.Id}

                Mit freundlichen Grüßen
                {appeal.Issuer.Name}
                """,
        };
        return message;
    }

    /// <summary>The overdue notice to the treasury (German).</summary>
    public static MimeMessage OverdueNotice(SmtpSettings smtp, IReadOnlyList<string> to, Appeal appeal, Allocation a, string baseUrl, DateOnly today)
    {
        var deadline = appeal.ProofOfUseDeadline;
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(smtp.FromName, smtp.From));
        foreach (var address in to) message.To.Add(MailboxAddress.Parse(address));
        message.Subject = $"Verwendungsnachweis überfällig: {MunicipalityName(appeal, a)} – Zuweisung {a.DecisionReference}";
        var state = a.ProofStatus == ProofStatus.Rejected ? "wurde zurückgewiesen und nicht erneut eingereicht" : "liegt nicht vor";
        message.Body = new TextPart("plain")
        {
            Text = $"""
                Guten Tag,

                der Verwendungsnachweis für die Zuweisung von {a.Net} an {MunicipalityName(appeal, a)} (Beschluss {a.DecisionReference} vom {GermanDate.Format(a.DecidedOn)})
                war bis zum {GermanDate.Format(deadline)} vorzulegen und {state} (Stand {GermanDate.Format(today)}).

                Gemeldete Ausgaben: {a.Spent}
                Nicht verwendet oder zurückgezahlt: {a.Open}

                Zuweisung: {baseUrl}/schatzamt/zuweisungen/{a.Id}

                Diese Nachricht wurde automatisch erstellt.
                """,
        };
        return message;
    }
}
