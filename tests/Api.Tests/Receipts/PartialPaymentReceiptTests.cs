using System.Text.Json;
using FlutHilfe.Api.Receipts;
using FlutHilfe.BankFiles;
using FlutHilfe.Api.Receipts.Cancelling;
using FlutHilfe.Api.Receipts.Delivering;
using FlutHilfe.Api.Receipts.Issuing;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Receipts;
using FlutHilfe.Domain.Receipts.Issuing;
using FlutHilfe.Domain.Shared;
using FlutHilfe.TestSupport;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;
using Wolverine.Persistence.Durability;
using Wolverine.Tracking;

namespace FlutHilfe.Api.Tests.Receipts;

/// <summary>A host whose clock can be moved forward (to reach the end of a grace period without waiting).</summary>
public sealed class PartialPaymentFixture : AppFixture
{
    public ShiftableClock Clock { get; } = new();

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["PublicBaseUrl"] = "https://spenden.example.org",
        ["Receipts:VerificationKey"] = "test-verification-key-for-partial-payments-0123456789",
        ["Receipts:TaxOfficeNoticeDate"] = "2021-11-15",
        ["Receipts:PartialPaymentGraceDays"] = "14",
    };

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);
}

/// <summary>
/// Receipts cover payments: a pledge paid in parts gets every euro receipted exactly once (issue 9). Payments booked
/// "today" wait for the rest of the pledge; payments booked long ago are past their grace period already.
/// </summary>
public class PartialPaymentReceiptTests(PartialPaymentFixture app) : IClassFixture<PartialPaymentFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    /// <summary>The German calendar day: receipts wait for, and are dated by, days in Aachen.</summary>
    private static DateOnly Today => FlutHilfe.Documents.Calendar.GermanCalendar.Day(DateTimeOffset.UtcNow);

    public async ValueTask InitializeAsync()
    {
        app.Clock.Reset();
        await app.ResetAsync();
        await app.OpenAppealAsync();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    internal sealed record Pledged(Guid Id, string Reference, string DonorUrl, string Token);

    private async Task<Pledged> Pledge(long cents, bool receiptWanted = true, string name = "Jürgen Müller", string? municipality = "stolberg")
    {
        var pledge = await app.PledgeAsync(new
        {
            amountCents = cents,
            earmarks = municipality is null ? null : new[] { new { municipalityId = municipality, amountCents = cents } },
            donor = new { name, street = "Kaiserplatz 1", postalCode = "52146", city = "Würselen", country = "DE" },
            receiptWanted,
        });
        var url = pledge.GetProperty("donorUrl").GetString()!;
        return new(pledge.GetProperty("donationId").GetGuid(), pledge.GetProperty("reference").GetString()!, url, Uri.UnescapeDataString(url.Split("token=")[1]));
    }

    /// <summary>Imports a statement and waits until every message it set off (receipts, PDFs) is handled.</summary>
    private async Task Statement(params GeneratedCredit[] bookings)
        => await Tracked(() => app.ImportAsync(CamtWriter.Write053v08("S-" + Guid.NewGuid().ToString("N")[..8], Requests.AppealIban, bookings)));

    private static GeneratedCredit Credit(Pledged p, long cents, DateOnly day) => new(cents, day, StructuredReference: p.Reference);

    private static GeneratedCredit Return(Pledged p, long cents, DateOnly day) => new(cents, day, StructuredReference: p.Reference, Direction: CreditDebit.Debit, ReturnReasonCode: "MD06");

    private async Task Tracked(Func<Task> action)
        => await app.Host.TrackActivity(Timeout).ExecuteAndWaitAsync((Func<IMessageContext, Task>)(_ => action()));

    private async Task TrackedQuietly(Func<Task> action)
        => await app.Host.TrackActivity(Timeout).ExecuteAndWaitAsync((Func<IMessageContext, Task>)(_ => action()));

    private async Task<IReadOnlyList<Receipt>> Receipts()
    {
        await using var session = app.Store.QuerySession();
        return (await session.Query<Receipt>().ToListAsync(TestContext.Current.CancellationToken)).OrderBy(r => r.Sequence).ToList();
    }

    private async Task<Donation> Donation(Guid id)
    {
        await using var session = app.Store.QuerySession();
        return (await session.LoadAsync<Donation>(id, TestContext.Current.CancellationToken))!;
    }

    private async Task<byte[]> Pdf(string number)
        => await (await app.Host.Scenario(s => { s.Get.Url($"/api/receipts/{number}.pdf"); s.WithBearer(app.Token("auditor")); s.StatusCodeShouldBeOk(); })).ReadAsBytesAsync();

    private static async Task Invoke(IServiceProvider services, object message)
    {
        using var scope = services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<IMessageBus>().InvokeAsync(message, TestContext.Current.CancellationToken);
    }

    /// <summary>Every payment of the donation is on exactly one valid receipt, which states exactly what stayed with us.</summary>
    private async Task EveryEuroOnExactlyOneValidReceipt(Guid donationId)
    {
        var donation = await Donation(donationId);
        var valid = (await Receipts()).Where(r => r.State == ReceiptState.Valid).SelectMany(r => r.Lines.Select(l => (r.Number, Line: l)))
            .Where(x => x.Line.DonationId == donationId).ToList();
        foreach (var payment in donation.Payments)
        {
            var kept = payment.Amount - Domain.Receipts.Covering.ReceiptCoverage.Returned(donation, payment.PaymentId);
            var lines = valid.Where(x => x.Line.PaymentId == payment.PaymentId).ToList();
            if (kept.IsPositive)
            {
                lines.Count.ShouldBe(1, $"payment {payment.PaymentId} over {payment.Amount} is on {lines.Count} valid receipts");
                lines[0].Line.Amount.ShouldBe(kept);
            }
            else
            {
                lines.ShouldBeEmpty();
            }
        }
        valid.Sum(x => x.Line.Amount.Cents).ShouldBe(donation.Net.Cents);
    }

    [Fact]
    public async Task thirty_plus_twenty_gets_the_whole_fifty_euros_on_one_sammelbestaetigung()
    {
        var p = await Pledge(5_000);
        await TrackedQuietly(() => app.ImportAsync(CamtWriter.Write053v08("S-30", Requests.AppealIban, [Credit(p, 3_000, Today)])));
        (await Receipts()).ShouldBeEmpty();
        var waiting = await app.Host.GetAsJson<JsonElement>(p.DonorUrl);
        waiting.GetProperty("receiptDueOn").GetString().ShouldBe(Today.AddDays(14).ToString("yyyy-MM-dd"));
        waiting.GetProperty("receiptNote").GetString()!.ShouldContain("sobald der zugesagte Betrag vollständig eingegangen ist");

        await Statement(Credit(p, 2_000, Today));

        var receipt = (await Receipts()).ShouldHaveSingleItem();
        receipt.Kind.ShouldBe(ReceiptKind.Collective);
        receipt.Amount.Cents.ShouldBe(5_000);
        receipt.Lines.Select(l => l.Amount.Cents).ShouldBe([3_000L, 2_000L], ignoreOrder: true);
        await EveryEuroOnExactlyOneValidReceipt(p.Id);

        var view = await app.Host.GetAsJson<JsonElement>(p.DonorUrl);
        view.GetProperty("receipts").EnumerateArray().Select(r => r.GetProperty("amountCents").GetInt64()).ShouldBe([5_000L]);
        var pages = PdfPages.Text(await Pdf(receipt.Number));
        pages[0].ShouldContain("Sammelbestätigung über Geldzuwendungen");
        pages[0].ShouldContain("50,00 €");
        pages[1].ShouldContain($"Anlage zur Sammelbestätigung vom {GermanDate.Format(receipt.IssueDate)}");
        pages[1].ShouldContain("30,00 €");
        pages[1].ShouldContain("20,00 €");
    }

    [Fact]
    public async Task three_payments_are_three_lines_of_one_receipt()
    {
        var p = await Pledge(9_000);
        // Three transfers on three days (the same booking twice on one day would be one transaction seen twice).
        await TrackedQuietly(() => app.ImportAsync(CamtWriter.Write053v08("S-1", Requests.AppealIban, [Credit(p, 3_000, Today.AddDays(-2))])));
        await TrackedQuietly(() => app.ImportAsync(CamtWriter.Write053v08("S-2", Requests.AppealIban, [Credit(p, 3_000, Today.AddDays(-1))])));
        (await Receipts()).ShouldBeEmpty();
        await Statement(Credit(p, 3_000, Today));

        var receipt = (await Receipts()).ShouldHaveSingleItem();
        receipt.Lines.Count.ShouldBe(3);
        receipt.Lines.Select(l => l.PaymentId).Distinct().Count().ShouldBe(3);
        await EveryEuroOnExactlyOneValidReceipt(p.Id);
    }

    [Fact]
    public async Task an_overpayment_is_receipted_at_the_amount_received()
    {
        var p = await Pledge(5_000);
        await Statement(Credit(p, 7_500, Today));
        var receipt = (await Receipts()).ShouldHaveSingleItem();
        (receipt.Kind, receipt.Amount.Cents).ShouldBe((ReceiptKind.Single, 7_500L));
        PdfPages.Text(await Pdf(receipt.Number))[0].ShouldContain("fünfundsiebzig Euro");
    }

    [Fact]
    public async Task an_underpayment_waits_durably_for_the_grace_period_and_is_then_receipted_at_the_amount_received()
    {
        var p = await Pledge(5_000);
        await TrackedQuietly(() => app.ImportAsync(CamtWriter.Write053v08("S-40", Requests.AppealIban, [Credit(p, 4_000, Today)])));
        (await Receipts()).ShouldBeEmpty();

        // The look at the end of the grace period is a durable scheduled message, stored with the transaction.
        var store = app.Host.Services.GetRequiredService<IMessageStore>();
        var scheduled = (await store.Admin.AllIncomingAsync()).Where(e => e.Status == EnvelopeStatus.Scheduled && e.MessageType == "FlutHilfe.Api.Receipts.IssueReceipt").ToList();
        var envelope = scheduled.ShouldHaveSingleItem();
        // Midnight in Aachen on the day the grace period ends.
        var lastDay = Today.AddDays(14).ToDateTime(TimeOnly.MinValue);
        envelope.ScheduledTime.ShouldBe(new DateTimeOffset(lastDay, TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin").GetUtcOffset(lastDay)));

        // Fourteen days later the scheduler delivers it (driven directly here): the 40 € are receipted as received.
        app.Clock.Advance(TimeSpan.FromDays(13));
        await Invoke(app.Host.Services, new IssueDueReceipts(p.Id));
        (await Receipts()).ShouldBeEmpty();
        app.Clock.Advance(TimeSpan.FromDays(1));
        await Invoke(app.Host.Services, new IssueDueReceipts(p.Id));
        var receipt = (await Receipts()).ShouldHaveSingleItem();
        (receipt.Kind, receipt.Amount.Cents).ShouldBe((ReceiptKind.Single, 4_000L));

        // The rest arriving later goes on a further receipt.
        await Statement(Credit(p, 1_000, Today.AddDays(20)));
        (await Receipts()).Select(r => r.Amount.Cents).ShouldBe([4_000L, 1_000L]);
        await EveryEuroOnExactlyOneValidReceipt(p.Id);
    }

    [Fact]
    public async Task a_part_booked_long_ago_is_past_its_grace_period_and_receipted_at_once()
    {
        var p = await Pledge(5_000);
        await Statement(Credit(p, 3_000, new DateOnly(2021, 11, 20)));
        (await Receipts()).ShouldHaveSingleItem().Amount.Cents.ShouldBe(3_000);
        await Statement(Credit(p, 2_000, new DateOnly(2021, 12, 20)));
        (await Receipts()).Select(r => r.Amount.Cents).ShouldBe([3_000L, 2_000L]);
        await EveryEuroOnExactlyOneValidReceipt(p.Id);
    }

    [Fact]
    public async Task a_return_after_the_receipt_cancels_it_and_the_payment_that_stayed_is_receipted_again()
    {
        var p = await Pledge(5_000);
        await TrackedQuietly(() => app.ImportAsync(CamtWriter.Write053v08("S-30", Requests.AppealIban, [Credit(p, 3_000, Today)])));
        await Statement(Credit(p, 2_000, Today));
        var first = (await Receipts()).ShouldHaveSingleItem().Number;

        await Statement(Return(p, 2_000, Today));

        var receipts = await Receipts();
        receipts.Count.ShouldBe(2);
        receipts[0].State.ShouldBe(ReceiptState.Cancelled);
        var second = receipts[1];
        (second.State, second.Kind, second.Amount.Cents, second.ReplacesNumber).ShouldBe((ReceiptState.Valid, ReceiptKind.Single, 3_000L, first));
        await EveryEuroOnExactlyOneValidReceipt(p.Id);
        PdfPages.Text(await Pdf(second.Number))[0].ShouldContain($"ersetzt die Zuwendungsbestätigung Nr. {first}");
        var notice = (await app.Host.GetAsJsonAs(app.Token("treasurer"), "/api/notices")).EnumerateArray().Single();
        notice.GetProperty("message").GetString()!.ShouldContain(second.Number);
    }

    [Fact]
    public async Task duplicate_messages_on_two_nodes_still_give_each_payment_one_receipt_and_one_replacement()
    {
        var p = await Pledge(5_000);
        await TrackedQuietly(() => app.ImportAsync(CamtWriter.Write053v08("S-30", Requests.AppealIban, [Credit(p, 3_000, Today)])));
        await using var second = await app.StartHostAsync();
        var nodes = new[] { app.Host.Services, second.Services };
        await Statement(Credit(p, 2_000, Today));
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Invoke(nodes[i % 2], new IssueDueReceipts(p.Id))));
        (await Receipts()).ShouldHaveSingleItem();

        await Statement(Return(p, 2_000, Today));
        var cancelled = (await Receipts()).First().Number;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Invoke(nodes[i % 2], new CancelVoidedReceipt(cancelled, ReceiptTriggers.BankReturnReason, true, true))));
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Invoke(nodes[i % 2], new IssueDueReceipts(p.Id))));

        (await Receipts()).Select(r => (r.State, r.Amount.Cents)).ShouldBe([(ReceiptState.Cancelled, 5_000L), (ReceiptState.Valid, 3_000L)]);
        await EveryEuroOnExactlyOneValidReceipt(p.Id);
    }

    [Fact]
    public async Task the_collective_endpoint_adds_a_payment_not_yet_receipted_and_never_a_receipted_one()
    {
        var p = await Pledge(5_000, receiptWanted: false);
        await TrackedQuietly(() => app.ImportAsync(CamtWriter.Write053v08("S-30", Requests.AppealIban, [Credit(p, 3_000, new DateOnly(2021, 11, 20))])));
        var treasurer = app.Token("treasurer");
        async Task<IScenarioResult> Collective(object body, int status) => await app.Host.Scenario(s =>
        {
            s.Post.Json(body).ToUrl("/api/receipts/collective");
            s.WithBearer(treasurer);
            s.StatusCodeShouldBe(status);
        });

        await Collective(new { donationIds = new[] { p.Id }, from = "2021-01-01", to = "2021-12-31" }, 201);
        var thirty = (await Donation(p.Id)).Payments.Single().PaymentId;
        await TrackedQuietly(() => app.ImportAsync(CamtWriter.Write053v08("S-20", Requests.AppealIban, [Credit(p, 2_000, new DateOnly(2021, 12, 20))])));
        var twenty = (await Donation(p.Id)).Payments.Single(x => x.PaymentId != thirty).PaymentId;

        (await (await Collective(new { donationIds = new[] { p.Id }, from = "2021-01-01", to = "2021-12-31", paymentIds = new[] { thirty } }, 409))
            .ReadAsJsonAsync<JsonElement>()).GetProperty("field").GetString().ShouldBe("paymentIds");
        await Collective(new { donationIds = new[] { p.Id }, from = "2021-01-01", to = "2021-12-31", paymentIds = new[] { twenty } }, 201);
        await Collective(new { donationIds = new[] { p.Id }, from = "2021-01-01", to = "2021-12-31" }, 409);

        (await Receipts()).Select(r => r.Amount.Cents).ShouldBe([3_000L, 2_000L]);
        await EveryEuroOnExactlyOneValidReceipt(p.Id);
    }

    [Fact]
    public async Task a_treasurers_collective_receipt_covers_a_waiting_part_and_the_scheduled_look_then_finds_nothing_to_do()
    {
        var p = await Pledge(5_000);
        await TrackedQuietly(() => app.ImportAsync(CamtWriter.Write053v08("S-30", Requests.AppealIban, [Credit(p, 3_000, Today)])));
        // Tracked: the receipt's delivery (PDF stored under its number) finishes inside this test, not during the next one's reset.
        await Tracked(() => app.Host.Scenario(s =>
        {
            s.Post.Json(new { donationIds = new[] { p.Id }, from = Today.AddDays(-1).ToString("yyyy-MM-dd"), to = Today.ToString("yyyy-MM-dd") }).ToUrl("/api/receipts/collective");
            s.WithBearer(app.Token("treasurer"));
            s.StatusCodeShouldBe(201);
        }));
        app.Clock.Advance(TimeSpan.FromDays(15));
        await Invoke(app.Host.Services, new IssueDueReceipts(p.Id));
        (await Receipts()).ShouldHaveSingleItem().Amount.Cents.ShouldBe(3_000);
    }
}
