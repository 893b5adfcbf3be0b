using System.Text.Json;
using FlutHilfe.Api.Receipts;
using FlutHilfe.Api.Receipts.Cancelling;
using FlutHilfe.Api.Receipts.Delivering;
using FlutHilfe.Api.Receipts.Issuing;
using FlutHilfe.Domain.Receipts;
using FlutHilfe.Domain.Receipts.Issuing;
using FlutHilfe.TestSupport;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;

namespace FlutHilfe.Api.Tests.Receipts;

/// <summary>
/// Holds a session that is about to commit a <see cref="ReceiptIssued"/>: it can fail such a commit once (after the
/// number was drawn, inside the handler's transaction), or hold commits until several issuers have all drawn their
/// number, so that they commit at the same moment.
/// </summary>
public sealed class ReceiptCommitGate : DocumentSessionListenerBase
{
    private int _failures;
    private int _parties;
    private int _arrived;
    private TaskCompletionSource _allArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void FailNextCommit() => Interlocked.Exchange(ref _failures, 1);

    public void HoldUntil(int parties)
    {
        _allArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _arrived = 0;
        Volatile.Write(ref _parties, parties);
    }

    public int Arrived => Volatile.Read(ref _arrived);

    public override async Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
    {
        if (!session.PendingChanges.Streams().Any(s => s.Events.Any(e => e.Data is ReceiptIssued))) return;
        if (Interlocked.Exchange(ref _failures, 0) == 1)
            throw new JasperFx.ConcurrencyException("Injected: the transaction of a numbered receipt fails before it commits.", null!);
        var parties = Volatile.Read(ref _parties);
        if (parties > 0)
        {
            if (Interlocked.Increment(ref _arrived) >= parties)
            {
                Volatile.Write(ref _parties, 0);
                _allArrived.TrySetResult();
            }
            await _allArrived.Task.WaitAsync(TimeSpan.FromSeconds(20), token);
        }
    }
}

/// <summary>Two nodes on one database, Wolverine in Balanced mode (not solo), mailing switched off.</summary>
public sealed class MultiNodeReceiptFixture : AppFixture
{
    public ReceiptCommitGate Gate { get; } = new();

    protected override bool SoloMode => false;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Receipts:PublicBaseUrl"] = "https://spenden.example.org",
    };

    protected override void ConfigureServices(IServiceCollection services)
        => services.ConfigureMarten(o => o.Listeners.Add(Gate));
}

/// <summary>
/// Exactly once and gapless, under failure and under a real race between two nodes; and codes that cannot be guessed.
/// Each test was checked against a deliberate breakage (see the closing note of issue 10).
/// </summary>
public class ReceiptConcurrencyTests(MultiNodeReceiptFixture app) : IClassFixture<MultiNodeReceiptFixture>, IAsyncLifetime
{
    private static readonly DateOnly Day = new(2021, 11, 20);

    public async ValueTask InitializeAsync()
    {
        await app.ResetAsync();
        await app.OpenAppealAsync();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<(Guid Id, string Reference, string DonorUrl)> PledgeAsync(long cents, bool receiptWanted)
    {
        var pledge = await app.PledgeAsync(new
        {
            amountCents = cents, receiptWanted,
            donor = new { name = "Jürgen Müller", street = "Kaiserplatz 1", postalCode = "52062", city = "Aachen", country = "DE" },
        });
        return (pledge.GetProperty("donationId").GetGuid(), pledge.GetProperty("reference").GetString()!, pledge.GetProperty("donorUrl").GetString()!);
    }

    private Task PayAsync(string reference, long cents)
        => app.ImportAsync(CamtWriter.Write053v08("S-" + Guid.NewGuid().ToString("N")[..8], Requests.AppealIban, [new GeneratedCredit(cents, Day, StructuredReference: reference)]));

    private async Task<IReadOnlyList<Receipt>> ReceiptsAsync()
    {
        await using var session = app.Store.QuerySession();
        return (await session.Query<Receipt>().ToListAsync(TestContext.Current.CancellationToken)).OrderBy(r => r.Sequence).ToList();
    }

    private async Task<IReadOnlyList<Receipt>> EventuallyAsync(Func<IReadOnlyList<Receipt>, bool> done)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            var receipts = await ReceiptsAsync();
            if (done(receipts)) return receipts;
            await Task.Delay(50, timeout.Token);
        }
    }

    private static async Task InvokeAsync(IServiceProvider node, object message)
    {
        using var scope = node.CreateScope();
        await scope.ServiceProvider.GetRequiredService<IMessageBus>().InvokeAsync(message, TestContext.Current.CancellationToken, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task a_receipt_whose_transaction_fails_after_numbering_leaves_no_gap()
    {
        var (_, reference, _) = await PledgeAsync(5_000, receiptWanted: true);
        app.Gate.FailNextCommit();

        // The import sends IssueReceipt through the outbox; its first transaction fails after drawing number 1, the
        // retry draws again. The counter lives in that same transaction, so the failed attempt used up nothing.
        await PayAsync(reference, 5_000);

        var receipts = await EventuallyAsync(r => r.Count >= 1);
        receipts.Select(r => r.Sequence).ShouldBe([1]);
        await using var session = app.Store.QuerySession();
        (await session.LoadAsync<ReceiptCounter>(DateTimeOffset.UtcNow.Year.ToString(System.Globalization.CultureInfo.InvariantCulture), TestContext.Current.CancellationToken))!
            .Last.ShouldBe(1);
    }

    [Fact]
    public async Task two_nodes_racing_to_issue_the_first_receipt_of_a_donation_issue_one()
    {
        var (id, reference, _) = await PledgeAsync(6_000, receiptWanted: true);
        await using var second = await app.StartHostAsync();
        // Every issuer is held at its commit until two have drawn a number: then they commit at the same moment.
        app.Gate.HoldUntil(2);

        // Node A issues from its durable queue (the payment's outbox message); node B is invoked at the same time.
        await PayAsync(reference, 6_000);
        await InvokeAsync(second.Services, new IssueDueReceipts(id));

        app.Gate.Arrived.ShouldBeGreaterThanOrEqualTo(2);
        var receipts = await EventuallyAsync(r => r.Count >= 1);
        await Task.Delay(200, TestContext.Current.CancellationToken);
        receipts = await ReceiptsAsync();
        receipts.Count.ShouldBe(1);
        receipts.Single().Sequence.ShouldBe(1);
        receipts.Single().Lines.Single().DonationId.ShouldBe(id);
    }

    [Fact]
    public async Task two_batches_racing_for_the_years_numbers_get_consecutive_numbers_without_gap_or_duplicate()
    {
        var first = new List<(Guid Id, string Reference)>();
        var second = new List<(Guid Id, string Reference)>();
        for (var i = 0; i < 3; i++)
        {
            var a = await PledgeAsync(1_000 + i, receiptWanted: true);
            first.Add((a.Id, a.Reference));
            var b = await PledgeAsync(2_000 + i, receiptWanted: true);
            second.Add((b.Id, b.Reference));
        }
        await using var nodeB = await app.StartHostAsync();
        // Both batches are held at their commit until both have drawn their three numbers from the same counter state.
        app.Gate.HoldUntil(2);

        // Node A: one statement pays the first three, its batch draws numbers and waits. The second three are paid too
        // (node A's sequential queue holds their batch behind the first); node B issues them at the same moment.
        await PayManyAsync(first.Select(p => p.Reference).ToList(), 1_000);
        await PayManyAsync(second.Select(p => p.Reference).ToList(), 2_000);
        await InvokeAsync(nodeB.Services, new IssueDueReceiptsOf(second.Select(p => p.Id).ToList()));

        app.Gate.Arrived.ShouldBeGreaterThanOrEqualTo(2);
        var receipts = await EventuallyAsync(r => r.Count >= 6);
        await Task.Delay(300, TestContext.Current.CancellationToken);
        receipts = await ReceiptsAsync();
        receipts.Select(r => r.Sequence).ShouldBe([1, 2, 3, 4, 5, 6]);
        receipts.Select(r => r.Lines.Single().DonationId).ShouldBe(first.Concat(second).Select(p => p.Id), ignoreOrder: true);
        await using var session = app.Store.QuerySession();
        (await session.LoadAsync<ReceiptCounter>(ReceiptNumbers.CounterId(DateTimeOffset.UtcNow), TestContext.Current.CancellationToken))!.Last.ShouldBe(6);
    }

    /// <summary>One statement paying each reference (amounts from <paramref name="baseCents"/> on, as pledged above).</summary>
    private Task PayManyAsync(IReadOnlyList<string> references, long baseCents)
        => app.ImportAsync(CamtWriter.Write053v08("S-" + Guid.NewGuid().ToString("N")[..8], Requests.AppealIban,
            references.Select((r, i) => new GeneratedCredit(baseCents + i, Day, StructuredReference: r)).ToList()));

    [Fact]
    public async Task the_verify_endpoint_answers_valid_only_with_the_code_of_that_number()
    {
        var (_, reference, donorUrl) = await PledgeAsync(7_000, receiptWanted: true);
        await PayAsync(reference, 7_000);
        var number = (await EventuallyAsync(r => r.Count == 1)).Single().Number;
        var settings = app.Host.Services.GetRequiredService<ReceiptSettings>();
        var other = ReceiptNumber.Format(DateTimeOffset.UtcNow.Year, 2);

        async Task<string> StatusAsync(string query)
            => (await app.Host.GetAsJson<JsonElement>($"/api/receipts/{number}/verify{query}")).GetProperty("status").GetString()!;

        (await StatusAsync("?c=" + settings.VerificationCode(number))).ShouldBe("valid");
        (await StatusAsync("")).ShouldBe("unknown");
        (await StatusAsync("?c=")).ShouldBe("unknown");
        (await StatusAsync("?c=" + settings.VerificationCode(other))).ShouldBe("unknown");
        var code = settings.VerificationCode(number);
        (await StatusAsync("?c=" + (code[0] == 'A' ? 'B' : 'A') + code[1..])).ShouldBe("unknown");
        donorUrl.ShouldNotBeEmpty();
    }
}
