using FlutHilfe.Api.Infrastructure.PersonalData;
using FlutHilfe.Documents.Receipts;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donors;
using FlutHilfe.Domain.Receipts;
using FlutHilfe.Domain.Receipts.Issuing;
using FlutHilfe.Domain.Shared;
using Marten;
using MailKit.Net.Smtp;
using MimeKit;

namespace FlutHilfe.Api.Receipts.Delivering;

/// <summary>The rendered PDF of a receipt, kept so the donor and auditors get the very document that was sent.</summary>
public sealed class StoredReceiptPdf
{
    public string Id { get; set; } = "";
    public byte[] Content { get; set; } = [];
    public DateTimeOffset RenderedAt { get; set; }
}

public static class ReceiptDocuments
{
    /// <summary>The frozen fact of a receipt: the first event of its stream.</summary>
    public static async Task<ReceiptIssued?> IssuedAsync(IQuerySession session, string number, CancellationToken ct)
    {
        if (!ReceiptNumber.IsWellFormed(number)) return null;
        var events = await session.Events.FetchStreamAsync(ReceiptStream.IdFor(number), token: ct);
        return events.Count == 0 ? null : events[0].Data as ReceiptIssued;
    }

    public static async Task<byte[]> RenderAsync(IQuerySession session, ReceiptIssued issued, ReceiptSettings settings, bool copy, CancellationToken ct)
    {
        var donor = await DonorKeys.UnprotectAsync(session, issued.DonorId, issued.ProtectedDonor, ct);
        return ReceiptPdf.Render(issued, donor, settings.MachineNote, settings.VerificationUrl(issued.Number), copy);
    }
}

public static class DeliverReceiptHandler
{
    /// <summary>
    /// Renders and stores the PDF once, then mails it once (a <see cref="ReceiptMailed"/> fact marks it sent).
    /// Runs from the durable outbox: a crash before the commit makes it run again.
    /// </summary>
    /// <remarks>
    /// Not on the aggregate workflow (<c>[WriteAggregate]</c>), on purpose: the workflow would fetch the receipt's stream
    /// before the slow rendering and mailing, and a cancellation committed meanwhile would fail this commit after the mail
    /// went out, so the retry would mail again. Fetched for writing here, right before the one append, the window is small.
    /// </remarks>
    public static async Task Handle(DeliverReceipt command, IDocumentSession session, ReceiptSettings settings, SmtpSettings smtp, TimeProvider clock,
        ILogger<DeliverReceipt> logger, CancellationToken ct)
    {
        var issued = await ReceiptDocuments.IssuedAsync(session, command.Number, ct)
                     ?? throw new InvalidOperationException($"Receipt {command.Number} does not exist.");
        var stored = await session.LoadAsync<StoredReceiptPdf>(command.Number, ct);
        if (stored is null)
        {
            stored = new StoredReceiptPdf { Id = command.Number, Content = await ReceiptDocuments.RenderAsync(session, issued, settings, false, ct), RenderedAt = clock.GetUtcNow() };
            session.Store(stored);
        }

        var receipt = await session.Events.FetchForWriting<Receipt>(ReceiptStream.IdFor(command.Number), ct);
        if (receipt.Aggregate!.Mailed || receipt.Aggregate.State == ReceiptState.Cancelled) return;
        var profile = await DonorProfiles.LoadAsync(session, issued.DonorId, ct);
        if (profile?.Email is not { } email) return;
        if (string.IsNullOrWhiteSpace(smtp.Host))
        {
            logger.LogInformation("Mail is switched off (no Smtp:Host): receipt {Number} not mailed", command.Number);
            return;
        }

        await ReceiptMail.SendAsync(smtp, email, profile.Name, issued, stored.Content, ct);
        receipt.AppendOne(new ReceiptMailed(command.Number, clock.GetUtcNow()));
    }
}

public static class ReceiptMail
{
    public static async Task SendAsync(SmtpSettings smtp, string to, string? name, ReceiptIssued issued, byte[] pdf, CancellationToken ct)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(smtp.FromName, smtp.From));
        message.To.Add(new MailboxAddress(name ?? "", to));
        message.Subject = $"Ihre Zuwendungsbestätigung Nr. {issued.Number}";
        var body = new BodyBuilder
        {
            TextBody = $"""
                Guten Tag{(name is null ? "" : " " + name)},

                vielen Dank für Ihre Spende über {issued.Amount} vom {GermanDate.Format(issued.DonationDate)}.
                Im Anhang finden Sie Ihre Zuwendungsbestätigung Nr. {issued.Number} für das Finanzamt.

                Mit freundlichen Grüßen
                {issued.Issuer.Name}
                """,
        };
        body.Attachments.Add($"Zuwendungsbestaetigung-{issued.Number}.pdf", pdf, new ContentType("application", "pdf"));
        message.Body = body.ToMessageBody();

        using var client = new SmtpClient();
        await client.ConnectAsync(smtp.Host, smtp.Port, smtp.UseStartTls ? MailKit.Security.SecureSocketOptions.StartTls : MailKit.Security.SecureSocketOptions.None, ct);
        if (!string.IsNullOrEmpty(smtp.UserName)) await client.AuthenticateAsync(smtp.UserName, smtp.Password ?? "", ct);
        await client.SendAsync(message, ct);
        await client.DisconnectAsync(true, ct);
    }
}
