using System.Net;
using System.Net.Sockets;
using FlutHilfe.Api.Receipts;
using FlutHilfe.Api.Receipts.Cancelling;
using FlutHilfe.Api.Receipts.Delivering;
using FlutHilfe.Api.Receipts.Issuing;
using FlutHilfe.Domain.Receipts;
using FlutHilfe.Domain.Receipts.Issuing;
using FlutHilfe.TestSupport;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using netDumbster.smtp;

namespace FlutHilfe.Api.Tests.Receipts;

/// <summary>
/// The real SMTP mailer (to a sink on loopback), counted: connections opened and sends tried; one send can be made to
/// fail once, as a mail server that drops the connection midway would.
/// </summary>
public sealed class CountingMailer(SmtpReceiptMailer inner) : IReceiptMailer
{
    private int _failAt;
    private int _holdAt;
    private TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _sends;
    private int _connections;

    public SmtpSettings Settings => inner.Settings;
    public bool Enabled => inner.Enabled;
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>The <paramref name="send"/>-th send from now on (1-based) fails once.</summary>
    public void FailSendOnce(int send)
    {
        Interlocked.Exchange(ref _sends, 0);
        Volatile.Write(ref _failAt, send);
    }

    /// <summary>The <paramref name="send"/>-th send from now on (1-based) waits until <see cref="Release"/>, as a slow mail server would.</summary>
    public void HoldSendOnce(int send)
    {
        Interlocked.Exchange(ref _sends, 0);
        _release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _holdAt, send);
    }

    public void Release() => _release.TrySetResult();

    public void Reset()
    {
        Volatile.Write(ref _failAt, 0);
        Volatile.Write(ref _holdAt, 0);
        _release.TrySetResult();
        Interlocked.Exchange(ref _sends, 0);
        Interlocked.Exchange(ref _connections, 0);
    }

    public async Task<IReceiptMailConnection> ConnectAsync(CancellationToken ct)
    {
        Interlocked.Increment(ref _connections);
        return new Counted(this, await inner.ConnectAsync(ct));
    }

    private sealed class Counted(CountingMailer mailer, IReceiptMailConnection inner) : IReceiptMailConnection
    {
        public async Task SendAsync(MimeMessage message, CancellationToken ct)
        {
            var n = Interlocked.Increment(ref mailer._sends);
            if (n == Volatile.Read(ref mailer._failAt))
            {
                Volatile.Write(ref mailer._failAt, 0);
                throw new IOException("Injected: the mail server dropped the connection.");
            }
            if (n == Volatile.Read(ref mailer._holdAt))
            {
                Volatile.Write(ref mailer._holdAt, 0);
                await mailer._release.Task.WaitAsync(ct);
            }
            await inner.SendAsync(message, ct);
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}

/// <summary>A host that mails through a real SMTP sink on loopback, through a <see cref="CountingMailer"/>.</summary>
public sealed class ReceiptBatchFixture : AppFixture
{
    public SimpleSmtpServer Smtp { get; } = SimpleSmtpServer.Start(FreePort());

    public CountingMailer Mailer { get; private set; } = null!;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Smtp:Host"] = "127.0.0.1",
        ["Smtp:Port"] = Smtp.Configuration.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Receipts:PublicBaseUrl"] = "https://spenden.example.org",
    };

    protected override void ConfigureServices(IServiceCollection services)
        => services.AddSingleton<IReceiptMailer>(sp => Mailer = new CountingMailer(new SmtpReceiptMailer(sp.GetRequiredService<SmtpSettings>())));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>
/// Receipts of many donations paid by one statement go in batches (issue 14, goal 5): numbers of a batch taken in one
/// transaction, consecutive and without gaps; PDFs rendered and mailed over one SMTP connection; a mail failure midway
/// sends only what had not gone out.
/// </summary>
public class ReceiptBatchTests(ReceiptBatchFixture app) : IClassFixture<ReceiptBatchFixture>, IAsyncLifetime
{
    private static readonly DateOnly Day = new(2021, 11, 20);

    public async ValueTask InitializeAsync()
    {
        await app.ResetAsync();
        app.Smtp.ClearReceivedEmail();
        app.Host.Services.GetRequiredService<IReceiptMailer>();
        app.Mailer.Reset();
        await app.OpenAppealAsync();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<IReadOnlyList<(Guid Id, string Reference, long Cents, string Email)>> PledgeManyAsync(int count)
    {
        var result = new List<(Guid, string, long, string)>();
        for (var i = 0; i < count; i++)
        {
            var cents = 1_000L + i * 100;
            var email = $"spender-{i}@example.org";
            var pledge = await app.PledgeAsync(new
            {
                amountCents = cents, receiptWanted = true,
                donor = new { name = $"Bärbel Weiß {i}", street = "Königstraße 12", postalCode = "52062", city = "Aachen", country = "DE", email },
            });
            result.Add((pledge.GetProperty("donationId").GetGuid(), pledge.GetProperty("reference").GetString()!, cents, email));
        }
        return result;
    }

    private Task PayAllAsync(IEnumerable<(Guid Id, string Reference, long Cents, string Email)> pledges)
        => app.ImportAsync(CamtWriter.Write053v08("S-" + Guid.NewGuid().ToString("N")[..8], Requests.AppealIban,
            pledges.Select(p => new GeneratedCredit(p.Cents, Day, StructuredReference: p.Reference)).ToList()));

    private async Task<IReadOnlyList<Receipt>> EventuallyMailedAsync(int count)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(45));
        while (true)
        {
            await using var session = app.Store.QuerySession();
            var receipts = await session.Query<Receipt>().ToListAsync(timeout.Token);
            if (receipts.Count(r => r.Mailed) >= count && app.Smtp.ReceivedEmailCount >= count) return receipts.OrderBy(r => r.Sequence).ToList();
            await Task.Delay(100, timeout.Token);
        }
    }

    private async Task<int> MailedFactsAsync(string number)
    {
        await using var session = app.Store.QuerySession();
        var events = await session.Events.FetchStreamAsync(ReceiptStream.IdFor(number), token: TestContext.Current.CancellationToken);
        return events.Count(e => e.Data is ReceiptMailed);
    }

    [Fact]
    public async Task a_statement_paying_many_donations_numbers_them_consecutively_and_mails_each_once_over_one_connection()
    {
        var pledges = await PledgeManyAsync(5);
        await PayAllAsync(pledges);

        var receipts = await EventuallyMailedAsync(5);
        await Task.Delay(500, TestContext.Current.CancellationToken); // a second mail would show up now

        receipts.Select(r => r.Sequence).ShouldBe([1, 2, 3, 4, 5]);
        receipts.Select(r => r.Lines.Single().DonationId).ShouldBe(pledges.Select(p => p.Id), ignoreOrder: true);
        app.Smtp.ReceivedEmailCount.ShouldBe(5);
        app.Smtp.ReceivedEmail.Select(m => m.ToAddresses.Single().Address).ShouldBe(pledges.Select(p => p.Email), ignoreOrder: true);
        // a stable Message-ID per receipt: a mail sent again after a crash is recognisably the same mail
        app.Smtp.ReceivedEmail.Select(m => m.Headers["Message-ID"]).ShouldBe(receipts.Select(r => $"<zuwendungsbestaetigung-{r.Number}@region-aachen.example>"), ignoreOrder: true);
        app.Mailer.Connections.ShouldBe(1, "one SMTP connection for the batch");
        await using var session = app.Store.QuerySession();
        (await session.LoadManyAsync<StoredReceiptPdf>(TestContext.Current.CancellationToken, receipts.Select(r => r.Number).ToArray()))
            .Select(p => p.Id).ShouldBe(receipts.Select(r => r.Number), ignoreOrder: true);
        foreach (var r in receipts) (await MailedFactsAsync(r.Number)).ShouldBe(1);
        (await session.LoadAsync<ReceiptCounter>(ReceiptNumbers.CounterId(DateTimeOffset.UtcNow), TestContext.Current.CancellationToken))!.Last.ShouldBe(5);
    }

    [Fact]
    public async Task a_mail_failing_midway_sends_only_the_unsent_ones_again_and_none_twice()
    {
        var pledges = await PledgeManyAsync(5);
        app.Mailer.FailSendOnce(3);
        await PayAllAsync(pledges);

        var receipts = await EventuallyMailedAsync(5);
        await Task.Delay(1_000, TestContext.Current.CancellationToken); // a second mail would show up now

        app.Smtp.ReceivedEmailCount.ShouldBe(5, "two mails went out before the failure, the retry sends the other three");
        app.Smtp.ReceivedEmail.Select(m => m.ToAddresses.Single().Address).ShouldBe(pledges.Select(p => p.Email), ignoreOrder: true);
        app.Mailer.Connections.ShouldBe(2, "the batch, then its retry");
        receipts.Count.ShouldBe(5);
        receipts.ShouldAllBe(r => r.Mailed);
        foreach (var r in receipts) (await MailedFactsAsync(r.Number)).ShouldBe(1);
    }

    [Fact]
    public async Task mails_accepted_by_the_server_are_marked_as_mailed_while_the_batch_still_mails()
    {
        // A process killed in the middle of a batch sends again only what was accepted and not yet marked (mail is at least
        // once): the marks are committed every ReceiptDelivery.MailedMarkEvery mails, not only when the batch ends.
        var pledges = await PledgeManyAsync(13);
        app.Mailer.HoldSendOnce(12);
        await PayAllAsync(pledges);

        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken))
        {
            timeout.CancelAfter(TimeSpan.FromSeconds(45));
            while (app.Smtp.ReceivedEmailCount < 11) await Task.Delay(50, timeout.Token);
        }
        // the twelfth mail hangs at the server; the first ten are facts already
        await using (var session = app.Store.QuerySession())
        {
            var mailed = (await session.Query<Receipt>().ToListAsync(TestContext.Current.CancellationToken)).Count(r => r.Mailed);
            mailed.ShouldBe(ReceiptDelivery.MailedMarkEvery, "accepted mails were not marked while the batch went on");
        }
        app.Mailer.Release();

        var receipts = await EventuallyMailedAsync(13);
        await Task.Delay(500, TestContext.Current.CancellationToken); // a second mail would show up now
        app.Smtp.ReceivedEmailCount.ShouldBe(13);
        foreach (var r in receipts) (await MailedFactsAsync(r.Number)).ShouldBe(1);
    }
}

/// <summary>The looks at receipts set off by one transaction, gathered into batches.</summary>
public class ReceiptTriggerTests
{
    [Fact]
    public void looks_at_many_donations_go_out_in_batches_of_at_most_a_hundred_and_other_messages_stay()
    {
        var ids = Enumerable.Range(0, 250).Select(_ => Guid.NewGuid()).ToList();
        var cancel = new CancelVoidedReceipt("2021-000001", "Rückbuchung", NotifyTreasurer: true, Reissue: true);
        object[] messages = [cancel, .. ids.Select(id => new IssueDueReceipts(id)), new IssueDueReceipts(ids[0]), new IssueDueReceipts(ids[1], "2021-000001")];

        var coalesced = ReceiptTriggers.Coalesce(messages);

        coalesced[0].ShouldBe(cancel);
        coalesced.ShouldContain(new IssueDueReceipts(ids[1], "2021-000001"));
        var batches = coalesced.OfType<IssueDueReceiptsOf>().ToList();
        batches.Select(b => b.DonationIds.Count).ShouldBe([100, 100, 50]);
        batches.SelectMany(b => b.DonationIds).ShouldBe(ids);
        coalesced.OfType<IssueDueReceipts>().Count().ShouldBe(1);
    }

    [Fact]
    public void a_single_look_stays_a_single_message()
    {
        var id = Guid.NewGuid();
        ReceiptTriggers.Coalesce([new IssueDueReceipts(id)]).ShouldBe([new IssueDueReceipts(id)]);
    }
}
