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
        => Render(issued, await DonorKeys.UnprotectAsync(session, issued.DonorId, issued.ProtectedDonor, ct), settings, copy);

    /// <summary>The PDF of the frozen fact for the donor as printed (null: erased); pure CPU, safe to run in parallel.</summary>
    public static byte[] Render(ReceiptIssued issued, PrintedDonor? donor, ReceiptSettings settings, bool copy)
        => ReceiptPdf.Render(issued, donor, settings.MachineNote, settings.VerificationUrl(issued.Number), copy);
}

/// <summary>Old single-receipt deliveries (still stored in outboxes, sent by cancellations, replacements and collective receipts).</summary>
public static class DeliverReceiptHandler
{
    [Wolverine.Attributes.MessageTimeout(DeliverReceiptsHandler.ExecutionTimeoutSeconds)]
    public static Task Handle(DeliverReceipt command, IDocumentSession session, IDocumentStore store, ReceiptSettings settings, IReceiptMailer mailer,
        TimeProvider clock, ILogger<DeliverReceipt> logger, CancellationToken ct)
        => ReceiptDelivery.DeliverAsync(session, store, [command.Number], settings, mailer, clock, logger, ct);
}

/// <summary>
/// A batch of issued receipts (<see cref="DeliverReceipts"/>). A batch of 100 mails over a slow mail server can take
/// minutes: the execution timeout is generous, and a batch cut off by it is retried like a failed mail (never dead-lettered).
/// </summary>
public static class DeliverReceiptsHandler
{
    public const int ExecutionTimeoutSeconds = 600;

    [Wolverine.Attributes.MessageTimeout(ExecutionTimeoutSeconds)]
    public static Task Handle(DeliverReceipts command, IDocumentSession session, IDocumentStore store, ReceiptSettings settings, IReceiptMailer mailer,
        TimeProvider clock, ILogger<DeliverReceipts> logger, CancellationToken ct)
        => ReceiptDelivery.DeliverAsync(session, store, command.Numbers, settings, mailer, clock, logger, ct);
}

/// <summary>A mail of a batch failed after others of it went out; those are recorded as mailed, the batch is tried again.</summary>
public sealed class ReceiptMailFailed(string number, int sent, Exception inner)
    : Exception($"Mailing receipt {number} failed after {sent} mail(s) of its batch went out; those are recorded as mailed.", inner);

public static class ReceiptDelivery
{
    /// <summary>Another SMTP connection is opened for a batch only when each carries at least this many mails.</summary>
    public const int MailsPerConnectionMin = 20;

    /// <summary>
    /// Renders and stores each receipt's PDF once (in parallel, outside any number transaction), then mails each once over
    /// one SMTP connection for the batch (a <see cref="ReceiptMailed"/> fact marks it sent). Runs from the durable inbox: a
    /// crash before the commit makes it run again. When a mail fails midway, the mails that went out are committed as
    /// mailed at once (in a session of their own) before <see cref="ReceiptMailFailed"/> makes the batch run again: the
    /// retry finds them mailed and sends only the rest.
    /// </summary>
    /// <remarks>
    /// <see cref="ReceiptMailed"/> is appended without an expected version, on purpose: a cancellation committed while the
    /// mails go out must not fail this commit after the mails left (the retry would send them again). The state read before
    /// sending decides whether to send; a cancellation after that read is a fact after the mail.
    /// </remarks>
    public static async Task DeliverAsync(IDocumentSession session, IDocumentStore store, IReadOnlyList<string> numbers, ReceiptSettings settings,
        IReceiptMailer mailer, TimeProvider clock, ILogger logger, CancellationToken ct)
    {
        var wanted = numbers.Where(ReceiptNumber.IsWellFormed).Distinct().ToList();
        if (wanted.Count == 0) return;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();

        var batch = session.CreateBatchQuery();
        var fetching = wanted.Select(n => (Number: n, Events: batch.Events.FetchStream(ReceiptStream.IdFor(n)))).ToList();
        var storing = batch.LoadMany<StoredReceiptPdf>().ById(wanted.ToArray());
        await batch.Execute(ct);
        var receipts = new List<(ReceiptIssued Issued, Receipt Receipt)>();
        foreach (var (number, events) in fetching)
        {
            var stream = await events;
            if (stream.Count == 0 || stream[0].Data is not ReceiptIssued issued) throw new InvalidOperationException($"Receipt {number} does not exist.");
            receipts.Add((issued, stream.Select(e => e.Data).Aggregate((Receipt?)null, ReceiptDecider.Evolve)!));
        }
        var stored = (await storing).ToDictionary(p => p.Id);
        var donors = await DonorProfiles.LoadManyAsync(session, receipts.Select(r => r.Issued.DonorId), ct);

        var loadedAfter = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        // Render what is not stored yet, in parallel (CPU only; the donors' keys are already loaded).
        var toRender = receipts.Where(r => !stored.ContainsKey(r.Issued.Number)).ToList();
        var rendered = new StoredReceiptPdf[toRender.Count];
        var renderedAt = clock.GetUtcNow();
        Parallel.For(0, toRender.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct }, i =>
        {
            var issued = toRender[i].Issued;
            var donor = DonorKeys.Unprotect(donors.Keys.GetValueOrDefault(issued.DonorId), issued.DonorId, issued.ProtectedDonor);
            rendered[i] = new StoredReceiptPdf { Id = issued.Number, Content = ReceiptDocuments.Render(issued, donor, settings, false), RenderedAt = renderedAt };
        });
        var renderedAfter = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        foreach (var pdf in rendered)
        {
            stored[pdf.Id] = pdf;
            session.Store(pdf);
        }

        var mails = receipts
            .Where(r => !r.Receipt.Mailed && r.Receipt.State != ReceiptState.Cancelled)
            .Select(r => (r.Issued, Profile: donors.Profiles.GetValueOrDefault(r.Issued.DonorId)))
            .Where(m => m.Profile?.Email is not null)
            .ToList();
        if (mails.Count == 0) return;
        if (!mailer.Enabled)
        {
            logger.LogInformation("Mail is switched off (no Smtp:Host): {Count} receipt(s) not mailed, e.g. {Number}", mails.Count, mails[0].Issued.Number);
            return;
        }

        // A few connections side by side, each carrying many mails one after another (a batch of 100: 4 × 25).
        var lanes = Math.Clamp((mails.Count + MailsPerConnectionMin - 1) / MailsPerConnectionMin, 1, Math.Max(1, mailer.Settings.Connections));
        var sent = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var failures = new System.Collections.Concurrent.ConcurrentQueue<(string Number, Exception Error)>();
        var marked = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
        await Task.WhenAll(Enumerable.Range(0, lanes).Select(async lane =>
        {
            var mine = mails.Where((_, i) => i % lanes == lane).ToList();
            var index = 0;
            try
            {
                await using var connection = await mailer.ConnectAsync(ct);
                var unmarked = new List<string>();
                for (; index < mine.Count; index++)
                {
                    var (issued, profile) = mine[index];
                    await connection.SendAsync(ReceiptMail.Compose(mailer.Settings, profile!.Email!, profile.Name, issued, stored[issued.Number].Content), ct);
                    sent.Enqueue(issued.Number);
                    unmarked.Add(issued.Number);
                    if (unmarked.Count == MailedMarkEvery && index < mine.Count - 1)
                    {
                        // Marked as mailed while the connection goes on: a crash from here sends at most the next few again.
                        await MarkMailedAsync(store, unmarked, stored, clock);
                        foreach (var number in unmarked) marked.TryAdd(number, true);
                        unmarked.Clear();
                    }
                }
            }
            catch (Exception e) when (index == mine.Count && e is not OperationCanceledException)
            {
                // Every mail of this connection was accepted; only closing it failed.
                logger.LogWarning(e, "Closing an SMTP connection failed after all {Count} of its mails were accepted", mine.Count);
            }
            catch (Exception e)
            {
                failures.Enqueue((mine[Math.Min(index, mine.Count - 1)].Issued.Number, e));
            }
        }));

        if (!failures.IsEmpty)
        {
            // What went out is a fact now, whatever happens to this batch: committed on its own, with the PDFs sent.
            var unrecorded = sent.Where(n => !marked.ContainsKey(n)).ToList();
            if (unrecorded.Count > 0) await MarkMailedAsync(store, unrecorded, stored, clock);
            // Cut off (the execution timeout, or the node shutting down) or a mail server failing: either way the batch is
            // tried again for the rest, never dead-lettered (an OperationCanceledException would be).
            var (failed, error) = failures.First();
            logger.LogWarning(error, "Mailing receipt {Number} failed; {Sent} of {Count} mails of its batch went out", failed, sent.Count, mails.Count);
            throw new ReceiptMailFailed(failed, sent.Count, error);
        }
        var mailedAt = clock.GetUtcNow();
        foreach (var number in sent.Where(n => !marked.ContainsKey(n))) session.Events.Append(ReceiptStream.IdFor(number), new ReceiptMailed(number, mailedAt));
        logger.LogInformation("Receipt batch of {Count}: {Rendered} rendered in {RenderMs:F0} ms, {Sent} mailed in {MailMs:F0} ms over {Lanes} connection(s)",
            wanted.Count, toRender.Count, (renderedAfter - loadedAfter).TotalMilliseconds, sent.Count, (System.Diagnostics.Stopwatch.GetElapsedTime(started) - renderedAfter).TotalMilliseconds, lanes);
    }

    /// <summary>
    /// Mails accepted by the server are marked as mailed every this many on each connection, in a commit of their own (with
    /// their PDFs), not only when the batch ends: a process killed while a batch mails sends again at most this many per
    /// connection after the restart (mail is at least once; the stable Message-ID lets a receiver drop the repeat).
    /// </summary>
    public const int MailedMarkEvery = 10;

    private static async Task MarkMailedAsync(IDocumentStore store, IReadOnlyCollection<string> numbers, IReadOnlyDictionary<string, StoredReceiptPdf> stored,
        TimeProvider clock)
    {
        await using var record = store.LightweightSession();
        var at = clock.GetUtcNow();
        foreach (var number in numbers)
        {
            record.Store(stored[number]);
            record.Events.Append(ReceiptStream.IdFor(number), new ReceiptMailed(number, at));
        }
        await record.SaveChangesAsync(CancellationToken.None);
    }
}

/// <summary>Opens a connection to the mail server for a batch of receipt mails (a seam for tests that make a send fail).</summary>
public interface IReceiptMailer
{
    SmtpSettings Settings { get; }

    /// <summary>False when no <c>Smtp:Host</c> is configured: mail is switched off.</summary>
    bool Enabled { get; }

    Task<IReceiptMailConnection> ConnectAsync(CancellationToken ct);
}

public interface IReceiptMailConnection : IAsyncDisposable
{
    Task SendAsync(MimeMessage message, CancellationToken ct);
}

/// <summary>SMTP through MailKit: one connection (and one authentication) per batch, many messages on it.</summary>
public sealed class SmtpReceiptMailer(SmtpSettings smtp) : IReceiptMailer
{
    public SmtpSettings Settings => smtp;

    public bool Enabled => !string.IsNullOrWhiteSpace(smtp.Host);

    public async Task<IReceiptMailConnection> ConnectAsync(CancellationToken ct)
    {
        var client = new SmtpClient();
        var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
        try
        {
            // No Nagle: the end of each message (a small write after the attachment) would otherwise wait for the
            // server's delayed acknowledgement, about 40 ms per mail.
            await socket.ConnectAsync(smtp.Host, smtp.Port, ct);
            await client.ConnectAsync(socket, smtp.Host, smtp.Port, smtp.UseStartTls ? MailKit.Security.SecureSocketOptions.StartTls : MailKit.Security.SecureSocketOptions.None, ct);
            if (!string.IsNullOrEmpty(smtp.UserName)) await client.AuthenticateAsync(smtp.UserName, smtp.Password ?? "", ct);
            return new Connection(client);
        }
        catch
        {
            client.Dispose();
            socket.Dispose();
            throw;
        }
    }

    private sealed class Connection(SmtpClient client) : IReceiptMailConnection
    {
        public Task SendAsync(MimeMessage message, CancellationToken ct) => client.SendAsync(message, ct);

        public async ValueTask DisposeAsync()
        {
            try
            {
                if (client.IsConnected) await client.DisconnectAsync(true, CancellationToken.None);
            }
            catch (Exception e) when (e is IOException or MailKit.ProtocolException or MailKit.Net.Smtp.SmtpCommandException)
            {
                // The mails were accepted; a failing QUIT changes nothing about them.
            }
            finally
            {
                client.Dispose();
            }
        }
    }
}

public static class ReceiptMail
{
    public static MimeMessage Compose(SmtpSettings smtp, string to, string? name, ReceiptIssued issued, byte[] pdf)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(smtp.FromName, smtp.From));
        message.To.Add(new MailboxAddress(name ?? "", to));
        message.Subject = $"Ihre Zuwendungsbestätigung Nr. {issued.Number}";
        // The same Message-ID every time this receipt is mailed: a mail sent again after a crash (mail is at least once)
        // can be recognised as a repeat by the relay or the donor's mail program.
        message.MessageId = MessageIdFor("zuwendungsbestaetigung-" + issued.Number, smtp.From);
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
        return message;
    }

    /// <summary>A stable Message-ID (RFC 5322 msg-id without the angle brackets): <paramref name="key"/> at the sender's domain.</summary>
    public static string MessageIdFor(string key, string from)
    {
        var at = from.LastIndexOf('@');
        var domain = at >= 0 && at < from.Length - 1 ? from[(at + 1)..] : "fluthilfe.invalid";
        var local = new string(key.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' ? c : '-').ToArray());
        return $"{local}@{domain}";
    }
}
