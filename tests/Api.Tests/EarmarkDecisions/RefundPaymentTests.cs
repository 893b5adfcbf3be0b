using System.Text.Json;
using System.Xml.Linq;
using FlutHilfe.Api.EarmarkDecisions;
using FlutHilfe.Api.Receipts;
using FlutHilfe.BankFiles;
using JasperFx.Events.Daemon;
using Marten.Events;
using FlutHilfe.Api.Receipts.Cancelling;
using FlutHilfe.Api.Tests.Deadlines;
using FlutHilfe.Domain.EarmarkDecisions;
using FlutHilfe.Domain.Receipts;
using FlutHilfe.TestSupport;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;
using Wolverine.Tracking;

namespace FlutHilfe.Api.Tests.EarmarkDecisions;

/// <summary>
/// Issue 15, paying the refunds donors chose: a refund goes into the same pain.001 file as disbursements (EndToEndId "FR…",
/// the donor's confirmed account), the statement's debit pays it once (ledger: refunds settled), a return or a refused file
/// reopens it; a refund whose donor was erased is never paid. And the receipt: from the donor's answer a refunded part is no
/// gift, so the receipt stating it is cancelled and what stayed receipted again, exactly once.
/// </summary>
public class RefundPaymentTests(DeadlineFixture app) : IClassFixture<DeadlineFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private const string Appeal = "/api/appeals/freude-schenken-2021";
    private const string PayerIban = "DE02120300000000202051";
    private static readonly XNamespace Pain = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09";

    public async ValueTask InitializeAsync()
    {
        app.ResetClock();
        await app.ResetAsync();
        await Send("/api/appeals", Requests.OpenAppeal(), 201);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed record Pledged(Guid Id, string Reference, string Token, string? DonorId);

    private DateOnly Today => Domain.Shared.GermanDate.DayOf(app.Clock.GetUtcNow());

    private async Task<JsonElement> Send(string url, object body, int status)
    {
        JsonElement answer = default;
        await app.Host.TrackActivity(Timeout).ExecuteAndWaitAsync((Func<IMessageContext, Task>)(async _ => answer = await (await app.Host.Scenario(s =>
        {
            s.Post.Json(body).ToUrl(url);
            s.WithBearer(app.TokenNow("treasurer"));
            s.StatusCodeShouldBe(status);
        })).ReadAsJsonAsync<JsonElement>()));
        return answer;
    }

    private async Task<JsonElement> Get(string url) => await app.Host.GetAsJsonAs(app.TokenNow("treasurer"), url);

    private async Task Import(params GeneratedCredit[] bookings)
        => await ImportFile(CamtWriter.Write053v08("S-" + Guid.NewGuid().ToString("N")[..8], Requests.AppealIban, bookings));

    private async Task ImportFile(byte[] xml)
        => await app.Host.TrackActivity(Timeout).ExecuteAndWaitAsync((Func<IMessageContext, Task>)(async _ => _lastImport = await app.ImportAsync(xml)));

    private JsonElement _lastImport;

    /// <summary>A pledge to Stolberg, paid (from <see cref="PayerIban"/>) on the clock's day.</summary>
    private async Task<Pledged> PaidPledge(long cents, bool receiptWanted = false, string name = "Jürgen Müller")
    {
        var pledge = await app.PledgeAsync(new
        {
            amountCents = cents, receiptWanted,
            earmarks = new[] { new { municipalityId = "stolberg", amountCents = cents } },
            donor = new { name, street = "Kaiserplatz 1", postalCode = "52146", city = "Würselen", country = "DE" },
        });
        var p = new Pledged(pledge.GetProperty("donationId").GetGuid(), pledge.GetProperty("reference").GetString()!,
            Uri.UnescapeDataString(pledge.GetProperty("donorUrl").GetString()!.Split("token=")[1]), null);
        await Import(new GeneratedCredit(cents, Today, StructuredReference: p.Reference, DebtorName: name, DebtorIban: PayerIban));
        return p;
    }

    /// <summary>A decision on Stolberg's money; the donation paid last is asked first.</summary>
    private async Task<Guid> Decide(long cents)
        => (await Send($"{Appeal}/earmark-decisions", new { municipalityId = "stolberg", amountCents = cents, reason = "Die Kommune lehnt ab." }, 201))
            .GetProperty("decisionId").GetGuid();

    private async Task<JsonElement> Answer(Pledged p, Guid decision, object body, int status = 200)
    {
        JsonElement answer = default;
        await app.Host.TrackActivity(Timeout).ExecuteAndWaitAsync((Func<IMessageContext, Task>)(async _ => answer = await (await app.Host.Scenario(s =>
        {
            s.Post.Json(body).ToUrl($"/api/donations/{p.Id}/earmark-questions/{decision}").QueryString("token", p.Token);
            s.StatusCodeShouldBe(status);
        })).ReadAsJsonAsync<JsonElement>()));
        return answer;
    }

    private async Task<JsonElement> Refund() => (await Get($"{Appeal}/refund-orders")).EnumerateArray().ShouldHaveSingleItem();

    private async Task<JsonElement> File(object body, int status = 201)
        => await Send($"{Appeal}/payment-files", body, status);

    private GeneratedCredit Debit(long cents, string e2e, string reference)
        => new(cents, Today, EndToEndId: e2e, Direction: CreditDebit.Debit, CreditorName: "Juergen Mueller", CreditorIban: PayerIban, AccountServicerReference: reference);

    private GeneratedCredit Returned(long cents, string e2e, string reference)
        => new(cents, Today.AddDays(2), EndToEndId: e2e, ReturnReasonCode: "AC04", DebtorName: "Juergen Mueller", DebtorIban: PayerIban, AccountServicerReference: reference);

    /// <summary>The ledger's balance of an account (debit positive), after the projections caught up.</summary>
    private async Task<long> Ledger(string account)
    {
        await app.CatchUpAsync();
        var balance = await Get("/api/audit/trial-balance?appealId=freude-schenken-2021");
        balance.GetProperty("sumCents").GetInt64().ShouldBe(0);
        return balance.GetProperty("accounts").EnumerateArray().FirstOrDefault(a => a.GetProperty("account").GetString() == account) is { ValueKind: JsonValueKind.Object } a
            ? a.GetProperty("balanceCents").GetInt64() : 0;
    }

    [Fact]
    public async Task a_refund_goes_into_the_payment_file_beside_a_disbursement_is_paid_once_by_the_statements_debit_and_is_not_offered_again()
    {
        await PaidPledge(100_00, name: "Erika Erste");
        app.Clock.Advance(TimeSpan.FromDays(1)); // paid a day later: the decision (latest first) asks this donation
        var p = await PaidPledge(300_00);
        var decision = await Decide(300_00);
        await Answer(p, decision, new { choice = "refund" });
        (await Ledger("refunds")).ShouldBe(-300_00, "owed to the donor from the answer on");
        var allocation = (await Send($"{Appeal}/allocations", new { municipalityId = "stolberg", amountCents = 100_00, decisionReference = "SI/2022/1", decidedOn = Today }, 201))
            .GetProperty("allocationId").GetString();
        await Send($"/api/allocations/{allocation}/disbursement-orders", new
        {
            amountCents = 100_00, payee = new { iban = "DE75512108001245126199", holder = "Stadt Stolberg (Rhld.)" }, remittanceText = "Zuweisung SI/2022/1",
        }, 200);

        var refund = await Refund();
        var e2e = refund.GetProperty("endToEndId").GetString()!;
        (refund.GetProperty("status").GetString(), refund.GetProperty("amountCents").GetInt64(), e2e[..2]).ShouldBe(("ordered", 300_00L, "FR"));
        var file = await File(new { requestedExecutionDate = Today });
        file.GetProperty("totalCents").GetInt64().ShouldBe(400_00);
        file.GetProperty("transfers").GetArrayLength().ShouldBe(1);
        var inFile = file.GetProperty("refunds").EnumerateArray().ShouldHaveSingleItem();
        (inFile.GetProperty("payeeIban").GetString(), inFile.GetProperty("payeeName").GetString(), inFile.GetProperty("remittanceText").GetString())
            .ShouldBe((PayerIban, "Jürgen Müller", "Rueckerstattung Spende " + p.Reference));

        var xml = XDocument.Parse(System.Text.Encoding.UTF8.GetString(await (await app.Host.Scenario(s =>
        {
            s.Get.Url(file.GetProperty("download").GetString()!);
            s.WithBearer(app.TokenNow("treasurer"));
        })).ReadAsBytesAsync()));
        xml.Descendants(Pain + "GrpHdr").Single().Element(Pain + "NbOfTxs")!.Value.ShouldBe("2");
        xml.Descendants(Pain + "GrpHdr").Single().Element(Pain + "CtrlSum")!.Value.ShouldBe("400.00");
        var tx = xml.Descendants(Pain + "CdtTrfTxInf").Single(t => t.Descendants(Pain + "EndToEndId").Single().Value == e2e);
        tx.Element(Pain + "Cdtr")!.Element(Pain + "Nm")!.Value.ShouldBe("Juergen Mueller");
        tx.Descendants(Pain + "Ustrd").Single().Value.ShouldBe("Rueckerstattung Spende " + p.Reference);

        // In a file: not offered again, by itself or by name.
        (await File(new { requestedExecutionDate = Today }, 409)).GetProperty("field").GetString().ShouldBe("disbursementIds");
        (await File(new { requestedExecutionDate = Today, refundIds = new[] { refund.GetProperty("refundId").GetGuid() } }, 409))
            .GetProperty("field").GetString().ShouldBe("refundIds[0]");

        await Import(Debit(300_00, e2e, "BANK-1"));
        (_lastImport.GetProperty("refundsPaid").GetInt32(), _lastImport.GetProperty("debits").GetInt32()).ShouldBe((1, 1));
        (await Refund()).GetProperty("status").GetString().ShouldBe("paid");
        (await Ledger("refunds")).ShouldBe(0, "the refund is settled");

        // The same debit on a later statement pays nothing twice; it is an issue.
        await Import(Debit(300_00, e2e, "BANK-2"));
        _lastImport.GetProperty("refundsPaid").GetInt32().ShouldBe(0);
        _lastImport.GetProperty("disbursementIssues").EnumerateArray().ShouldHaveSingleItem().GetProperty("outcome").GetString().ShouldBe("already-confirmed");
        await using var session = app.Store.QuerySession();
        (await session.Events.QueryRawEventDataOnly<RefundPaid>().CountAsync(TestContext.Current.CancellationToken)).ShouldBe(1);
        (await Ledger("refunds")).ShouldBe(0);
    }

    [Fact]
    public async Task a_refused_file_and_a_returned_refund_reopen_it_and_the_donor_is_owed_it_again()
    {
        var p = await PaidPledge(250_00);
        await Answer(p, await Decide(250_00), new { choice = "refund", iban = "DE89 3704 0044 0532 0130 00", accountHolder = "Jürgen Müller" });
        var refundId = (await Refund()).GetProperty("refundId").GetGuid();
        var e2e = RefundDecider.EndToEndIdOf(refundId);

        var refused = (await File(new { requestedExecutionDate = Today })).GetProperty("paymentFileId").GetString();
        (await Refund()).GetProperty("status").GetString().ShouldBe("sentToBank");
        await Send($"/api/payment-files/{refused}/rejection", new { reason = "RJCT FF01" }, 200);
        (await Refund()).GetProperty("status").GetString().ShouldBe("ordered");

        var file = await File(new { requestedExecutionDate = Today, refundIds = new[] { refundId } });
        file.GetProperty("refunds")[0].GetProperty("payeeIban").GetString().ShouldBe("DE89370400440532013000");
        await Import(Debit(250_00, e2e, "BANK-1"));
        (await Ledger("refunds")).ShouldBe(0);
        // A rejection of the file after the statement paid it leaves it paid.
        await Send($"/api/payment-files/{file.GetProperty("paymentFileId").GetString()}/rejection", new { reason = "zu spät" }, 200);
        (await Refund()).GetProperty("status").GetString().ShouldBe("paid");

        await Import(Returned(250_00, e2e, "RET-1"));
        _lastImport.GetProperty("refundsReturned").GetInt32().ShouldBe(1);
        (await Refund()).GetProperty("status").GetString().ShouldBe("ordered");
        (await Ledger("refunds")).ShouldBe(-250_00, "owed again");
        await Import(Returned(250_00, e2e, "RET-2"));
        _lastImport.GetProperty("refundsReturned").GetInt32().ShouldBe(0);
        _lastImport.GetProperty("disbursementIssues")[0].GetProperty("outcome").GetString().ShouldBe("not-paid");
        (await File(new { requestedExecutionDate = Today })).GetProperty("refunds").GetArrayLength().ShouldBe(1, "offered again");
    }

    [Fact]
    public async Task a_refund_whose_donor_was_erased_is_never_put_into_a_file()
    {
        var p = await PaidPledge(120_00);
        await Answer(p, await Decide(120_00), new { choice = "refund" });
        string donorId;
        await using (var session = app.Store.QuerySession())
            donorId = (await session.LoadAsync<Domain.Donations.Donation>(p.Id, TestContext.Current.CancellationToken))!.DonorId!.Value.ToString();
        await Send($"/api/donors/{donorId}/erasure", new { }, 200);

        var refund = await Refund();
        refund.GetProperty("problem").GetString()!.ShouldContain("erased");
        refund.GetProperty("payeeIbanMasked").ValueKind.ShouldBe(JsonValueKind.Null);
        (await File(new { requestedExecutionDate = Today }, 409)).GetProperty("field").GetString().ShouldBe("disbursementIds");
        (await File(new { requestedExecutionDate = Today, refundIds = new[] { refund.GetProperty("refundId").GetGuid() } }, 409))
            .GetProperty("detail").GetString()!.ShouldContain("erased");
    }

    [Fact]
    public async Task one_upload_with_a_donations_credit_and_later_its_refunds_debit_books_both_in_order_and_again_nothing()
    {
        var p = await PaidPledge(100_00);
        await Answer(p, await Decide(100_00), new { choice = "refund" });
        var e2e = (await Refund()).GetProperty("endToEndId").GetString()!;
        await File(new { requestedExecutionDate = Today });
        app.Clock.Advance(TimeSpan.FromDays(1));

        // The donor pays once more with the pledge's reference; the same statement then shows the refund leaving.
        var xml = CamtWriter.Write053v08("S-both", Requests.AppealIban,
        [
            new GeneratedCredit(40_00, Today, StructuredReference: p.Reference, DebtorName: "Jürgen Müller", DebtorIban: PayerIban, AccountServicerReference: "BANK-C"),
            Debit(100_00, e2e, "BANK-D"),
        ]);
        await ImportFile(xml);
        (_lastImport.GetProperty("matched").GetInt32(), _lastImport.GetProperty("refundsPaid").GetInt32(), _lastImport.GetProperty("duplicates").GetInt32())
            .ShouldBe((1, 1, 0));
        (await Refund()).GetProperty("status").GetString().ShouldBe("paid");
        await using (var session = app.Store.QuerySession())
        {
            var stream = await session.Events.FetchStreamAsync(p.Id, token: TestContext.Current.CancellationToken);
            var tail = stream.Select(e => e.Data).SkipWhile(e => e is not Domain.Donations.Receiving.DonationPaymentReceived { Amount.Cents: 40_00 }).ToList();
            tail.Select(e => e.GetType().Name).ShouldBe(["DonationPaymentReceived", "RefundPaid"], "the credit, then the debit: in the file's order");
            stream.Select(e => e.Version).ShouldBe(Enumerable.Range(1, stream.Count).Select(v => (long)v), "one gapless stream");
            (await session.LoadAsync<Domain.Donations.Donation>(p.Id, TestContext.Current.CancellationToken))!.ReceivedCents.ShouldBe(140_00);
        }

        await ImportFile(xml);
        (_lastImport.GetProperty("duplicates").GetInt32(), _lastImport.GetProperty("matched").GetInt32(), _lastImport.GetProperty("refundsPaid").GetInt32())
            .ShouldBe((2, 0, 0));
        await using (var session = app.Store.QuerySession())
        {
            (await session.Events.QueryRawEventDataOnly<RefundPaid>().CountAsync(TestContext.Current.CancellationToken)).ShouldBe(1);
            (await session.Events.QueryRawEventDataOnly<Domain.Donations.Receiving.DonationPaymentReceived>().CountAsync(TestContext.Current.CancellationToken))
                .ShouldBe(2, "the first payment and the one in this file, each once");
        }
        (await Ledger("refunds")).ShouldBe(0);
    }

    [Fact]
    public async Task erasure_deletes_the_refund_account_the_export_shows_none_and_the_unpaid_refund_is_refused_clearly()
    {
        var p = await PaidPledge(150_00);
        var decision = await Decide(150_00);
        await Answer(p, decision, new { choice = "refund", iban = "DE89 3704 0044 0532 0130 00", accountHolder = "Jürgen Müller" });
        string donorId;
        await using (var session = app.Store.QuerySession())
            donorId = (await session.LoadAsync<Domain.Donations.Donation>(p.Id, TestContext.Current.CancellationToken))!.DonorId!.Value.ToString();
        var before = (await Get($"/api/donors/{donorId}/export")).GetProperty("refundAccounts").EnumerateArray().ShouldHaveSingleItem();
        (before.GetProperty("iban").GetString(), before.GetProperty("holder").GetString()).ShouldBe(("DE89370400440532013000", "Jürgen Müller"));

        await Send($"/api/donors/{donorId}/erasure", new { }, 200);

        await using (var session = app.Store.QuerySession())
            (await session.Query<RefundAccount>().Where(a => a.DonationId == p.Id).CountAsync(TestContext.Current.CancellationToken)).ShouldBe(0);
        (await Get($"/api/donors/{donorId}/export")).GetProperty("refundAccounts").GetArrayLength().ShouldBe(0);
        var refund = await Refund();
        refund.GetProperty("payeeIbanMasked").ValueKind.ShouldBe(JsonValueKind.Null);
        refund.GetProperty("problem").GetString()!.ShouldContain("erased");
        (await File(new { requestedExecutionDate = Today, refundIds = new[] { refund.GetProperty("refundId").GetGuid() } }, 409))
            .GetProperty("detail").GetString()!.ShouldContain("erased");
        // The donor's link still works; the answer given is shown without an account, and repeating it changes nothing.
        (await Answer(p, decision, new { choice = "refund" })).GetProperty("refundIbanMasked").ValueKind.ShouldBe(JsonValueKind.Null);
        await app.Host.Scenario(s => { s.Get.Url($"/api/donations/{p.Id}?token={Uri.EscapeDataString(p.Token)}"); s.StatusCodeShouldBe(200); });
        await app.Host.Scenario(s => { s.Get.Url($"/spenden/{p.Id}?token={Uri.EscapeDataString(p.Token)}"); s.StatusCodeShouldBe(200); });
    }

    private async Task<IReadOnlyList<Receipt>> Receipts()
    {
        await using var session = app.Store.QuerySession();
        return (await session.Query<Receipt>().ToListAsync(TestContext.Current.CancellationToken)).OrderBy(r => r.Sequence).ToList();
    }

    [Fact]
    public async Task a_refund_cancels_the_receipt_and_what_stayed_is_receipted_again_once_even_when_answered_and_delivered_twice()
    {
        var p = await PaidPledge(500_00, receiptWanted: true);
        var first = (await Receipts()).ShouldHaveSingleItem();
        first.Amount.Cents.ShouldBe(500_00);
        var decision = await Decide(200_00);

        await Answer(p, decision, new { choice = "refund" });
        await Answer(p, decision, new { choice = "refund" });
        using (var scope = app.Host.Services.CreateScope())
            await app.Host.TrackActivity(Timeout).ExecuteAndWaitAsync((Func<IMessageContext, Task>)(async _ => await scope.ServiceProvider.GetRequiredService<IMessageBus>()
                .InvokeAsync(new CancelVoidedReceipt(first.Number, ReceiptTriggers.RefundReason, true, true))));

        var receipts = await Receipts();
        receipts.Select(r => (r.State, r.Amount.Cents, r.ReplacesNumber)).ShouldBe([(ReceiptState.Cancelled, 500_00L, null), (ReceiptState.Valid, 300_00L, first.Number)]);
        receipts.Where(r => r.State == ReceiptState.Valid).SelectMany(r => r.Lines).Sum(l => l.Amount.Cents).ShouldBe(300_00, "the valid receipts state what stayed");
    }

    [Fact]
    public async Task a_fully_refunded_donation_keeps_no_valid_receipt()
    {
        var p = await PaidPledge(80_00, receiptWanted: true);
        await Answer(p, await Decide(80_00), new { choice = "refund" });
        (await Receipts()).Select(r => r.State).ShouldBe([ReceiptState.Cancelled]);
    }
}
