using System.Text.Json;
using FlutHilfe.Domain.Payments;
using Marten;

namespace FlutHilfe.Api.Tests.BankStatements;

/// <summary>
/// Statements written by hand in the DK style (BankStatements/Dk): a pledge paid in parts, over and under, one transfer
/// naming several pledges, returns recognised by code and matched to their original, a returned transfer of ours,
/// proposals with reasons, and the treasury's list of under-, over- and unpaid donations.
/// </summary>
public class DkStatementTests(AppFixture app) : IClassFixture<AppFixture>, IAsyncLifetime
{
    private const string Statement226 = "2021-11-22-stmt-226.camt053.001.08.xml";
    private const string Statement227 = "2021-11-23-stmt-227.camt053.001.02.xml";

    private readonly Dictionary<string, (string Id, string Reference, string DonorUrl)> _pledges = [];

    public async ValueTask InitializeAsync()
    {
        await app.ResetAsync();
        await app.OpenAppealAsync();
        foreach (var (name, cents) in new[] { ("P1", 5000L), ("P2", 2500L), ("P3", 5000L), ("P4", 3000L), ("P5", 2000L), ("P6", 10000L), ("P7", 25000L), ("P9", 2000L) })
        {
            var pledge = await app.PledgeAsync(new { amountCents = cents });
            _pledges[name] = (pledge.GetProperty("donationId").GetString()!, pledge.GetProperty("reference").GetString()!, pledge.GetProperty("donorUrl").GetString()!);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private byte[] Dk(string name) => DkStatements.Load(name, DkStatements.References(_pledges.ToDictionary(p => p.Key, p => p.Value.Reference)));

    private async Task<JsonElement> Donor(string pledge) => await app.Host.GetAsJson<JsonElement>(_pledges[pledge].DonorUrl);

    private async Task<JsonElement> Get(string url, string role = "treasurer") => await app.Host.GetAsJsonAs(app.Token(role), url);

    private async Task<JsonElement> Queue() => await Get("/api/payments/unmatched");

    private static JsonElement ByAmount(JsonElement queue, long cents) => queue.EnumerateArray().Single(p => p.GetProperty("amountCents").GetInt64() == cents);

    [Fact]
    public async Task a_dk_statement_books_parts_a_split_and_an_overpayment_and_keeps_a_returned_transfer_of_ours_apart()
    {
        var result = await app.ImportAsync(Dk(Statement226));

        result.GetProperty("entries").GetInt32().ShouldBe(5);
        result.GetProperty("transactions").GetInt32().ShouldBe(7);
        result.GetProperty("matched").GetInt32().ShouldBe(3);
        result.GetProperty("split").GetInt32().ShouldBe(1);
        result.GetProperty("unmatched").GetInt32().ShouldBe(2);
        result.GetProperty("debits").GetInt32().ShouldBe(1);
        result.GetProperty("returnedTransfers").GetInt32().ShouldBe(1);
        result.GetProperty("creditedCents").GetInt64().ShouldBe(28500);
        result.GetProperty("warnings").GetArrayLength().ShouldBe(0);

        // 30 € of 50 €: partly paid, the rest outstanding, the payment listed.
        var p1 = await Donor("P1");
        p1.GetProperty("status").GetString().ShouldBe("partly paid");
        (p1.GetProperty("pledgedCents").GetInt64(), p1.GetProperty("receivedCents").GetInt64(), p1.GetProperty("outstandingCents").GetInt64(), p1.GetProperty("overpaidCents").GetInt64())
            .ShouldBe((5000L, 3000L, 2000L, 0L));
        p1.GetProperty("payments").EnumerateArray().Single().GetProperty("amountCents").GetInt64().ShouldBe(3000);

        // One transfer, two pledges typed into the text: split, each part its outstanding amount, one payment id.
        var (p2, p3) = (await Donor("P2"), await Donor("P3"));
        p2.GetProperty("status").GetString().ShouldBe("paid");
        p3.GetProperty("status").GetString().ShouldBe("paid");
        p2.GetProperty("receivedCents").GetInt64().ShouldBe(2500);
        p3.GetProperty("receivedCents").GetInt64().ShouldBe(5000);
        p2.GetProperty("payments")[0].GetProperty("paymentId").GetString().ShouldBe(p3.GetProperty("payments")[0].GetProperty("paymentId").GetString());

        // 120 € for 100 €: paid, the 20 € shown apart.
        var p6 = await Donor("P6");
        (p6.GetProperty("status").GetString(), p6.GetProperty("overpaidCents").GetInt64(), p6.GetProperty("outstandingCents").GetInt64()).ShouldBe(("paid", 2000L, 0L));

        // Two structured references that do not add up: nothing booked on either.
        (await Donor("P4")).GetProperty("status").GetString().ShouldBe("pledged");
        (await Donor("P5")).GetProperty("status").GetString().ShouldBe("pledged");
        // The returned transfer names P7 in its text, yet it is no donation.
        (await Donor("P7")).GetProperty("status").GetString().ShouldBe("pledged");

        var funds = await Get("/api/appeals/freude-schenken-2021/funds", "auditor");
        funds.EnumerateArray().Single(f => f.GetProperty("fund").GetString() == "general").GetProperty("confirmedCents").GetInt64()
            .ShouldBe(3000 + 7500 + 12000);
    }

    [Fact]
    public async Task waiting_payments_carry_ranked_proposals_with_reasons_and_a_returned_transfer_can_be_neither_matched_nor_booked()
    {
        await app.ImportAsync(Dk(Statement226));
        var queue = await Queue();
        queue.GetArrayLength().ShouldBe(3);

        var notAddingUp = ByAmount(queue, 4000);
        notAddingUp.GetProperty("namedReferences").EnumerateArray().Select(r => r.GetString()).ShouldBe([_pledges["P4"].Reference, _pledges["P5"].Reference]);
        var named = notAddingUp.GetProperty("proposals").EnumerateArray().ToList();
        named.Select(p => p.GetProperty("donationId").GetString()).ShouldBe([_pledges["P4"].Id, _pledges["P5"].Id], ignoreOrder: true);
        named.ShouldAllBe(p => p.GetProperty("reasons").EnumerateArray().Any(r => r.GetProperty("code").GetString() == "named-in-transfer"));

        // The rest of P1 from the IBAN that paid its first part: P1 first, for IBAN, name and amount; P9 (20 €) after it.
        var rest = ByAmount(queue, 2000);
        var proposals = rest.GetProperty("proposals").EnumerateArray().ToList();
        proposals[0].GetProperty("donationId").GetString().ShouldBe(_pledges["P1"].Id);
        proposals[0].GetProperty("reasons").EnumerateArray().Select(r => r.GetProperty("code").GetString())
            .ShouldBe(["payer-iban-seen-before", "payer-name-seen-before", "amount-equals-outstanding"]);
        proposals[0].GetProperty("reasons")[0].GetProperty("textDe").GetString().ShouldBe("Eine frühere Zahlung von derselben IBAN ging an diesen Spender.");
        proposals.Select(p => p.GetProperty("donationId").GetString()).ShouldContain(_pledges["P9"].Id);
        proposals.FindIndex(p => p.GetProperty("donationId").GetString() == _pledges["P9"].Id).ShouldBeGreaterThan(0);
        // A proposal is never applied by itself.
        (await Donor("P1")).GetProperty("status").GetString().ShouldBe("partly paid");

        var back = ByAmount(queue, 25000);
        back.GetProperty("kind").GetString().ShouldBe("ReturnedTransfer");
        back.GetProperty("returnSignal").GetString().ShouldBe("RtrInf");
        back.GetProperty("proposals").GetArrayLength().ShouldBe(0);
        var id = back.GetProperty("paymentId").GetString();
        await Post($"/api/payments/{id}/match", new { donationId = _pledges["P7"].Id }, 409);
        await Post($"/api/payments/{id}/book-as-donation", new { }, 409);

        // The treasurer accepts the first proposal: P1 is paid.
        await Post($"/api/payments/{rest.GetProperty("paymentId").GetString()}/match", new { donationId = _pledges["P1"].Id }, 200);
        var p1 = await Donor("P1");
        (p1.GetProperty("status").GetString(), p1.GetProperty("receivedCents").GetInt64(), p1.GetProperty("payments").GetArrayLength()).ShouldBe(("paid", 5000L, 2));
    }

    [Fact]
    public async Task returns_marked_by_rtrinf_by_the_dk_code_or_by_the_iso_code_go_back_on_the_donations_they_came_from()
    {
        await app.ImportAsync(Dk(Statement226));
        var result = await app.ImportAsync(Dk(Statement227));

        result.GetProperty("returns").GetInt32().ShouldBe(4);
        result.GetProperty("matched").GetInt32().ShouldBe(3);
        result.GetProperty("unmatched").GetInt32().ShouldBe(1);
        result.GetProperty("debits").GetInt32().ShouldBe(0);
        result.GetProperty("warnings").GetArrayLength().ShouldBe(0);

        // RtrInf + EndToEndId: the 120 € overpayment of P6 goes back whole.
        var p6 = await Donor("P6");
        (p6.GetProperty("status").GetString(), p6.GetProperty("returnedCents").GetInt64()).ShouldBe(("returned", 12000L));
        // Only NMSC+109, found by amount and IBAN: the 30 € part of P1.
        var p1 = await Donor("P1");
        (p1.GetProperty("status").GetString(), p1.GetProperty("returnedCents").GetInt64()).ShouldBe(("returned", 3000L));
        // Only PMNT/RCDT/RRTN, found by EndToEndId: the split transfer goes back on both pledges.
        (await Donor("P2")).GetProperty("returnedCents").GetInt64().ShouldBe(2500);
        (await Donor("P3")).GetProperty("returnedCents").GetInt64().ShouldBe(5000);

        await using var session = app.Store.QuerySession();
        var returns = (await session.Query<Payment>().Where(p => p.Kind == PaymentKind.Return).ToListAsync(TestContext.Current.CancellationToken)).ToDictionary(p => p.AmountCents);
        returns[12000].Method.ShouldBe(MatchMethod.OriginalPaymentByEndToEndId);
        returns[3000].Method.ShouldBe(MatchMethod.OriginalPaymentByPayerIban);
        returns[3000].ReturnSignal.ShouldBe("BkTxCd/Prtry");
        returns[7500].Parts.Select(p => p.Amount.Cents).ShouldBe([2500L, 5000L]);
        returns[7500].ReturnSignal.ShouldBe("BkTxCd/Domn");

        // The reversal nobody can place waits in the queue as a return, not among other debits.
        var unplaced = ByAmount(await Queue(), 1700);
        (unplaced.GetProperty("kind").GetString(), unplaced.GetProperty("returnSignal").GetString()).ShouldBe(("Return", "RvslInd"));

        var funds = await Get("/api/appeals/freude-schenken-2021/funds", "auditor");
        var general = funds.EnumerateArray().Single(f => f.GetProperty("fund").GetString() == "general");
        general.GetProperty("refundedCents").GetInt64().ShouldBe(12000 + 3000 + 7500);
        general.GetProperty("availableCents").GetInt64().ShouldBe(0);
    }

    [Fact]
    public async Task unmatching_a_split_transfer_takes_every_part_back_and_the_treasurer_can_split_by_hand()
    {
        await app.ImportAsync(Dk(Statement226));
        await using var session = app.Store.QuerySession();
        var split = (await session.Query<Payment>().Where(p => p.AmountCents == 7500).ToListAsync(TestContext.Current.CancellationToken)).Single();

        var undone = await Post($"/api/payments/{split.Id}/unmatch", new { reason = "Spenderin bat um andere Aufteilung" }, 200);
        undone.GetProperty("status").GetString().ShouldBe("Unmatched");
        undone.GetProperty("parts").EnumerateArray().Select(p => p.GetProperty("donationStatus").GetString()).ShouldBe(["pledged", "pledged"]);
        (await Donor("P2")).GetProperty("receivedCents").GetInt64().ShouldBe(0);
        (await Donor("P3")).GetProperty("receivedCents").GetInt64().ShouldBe(0);

        var again = await Post($"/api/payments/{split.Id}/split", new
        {
            parts = new[] { new { donationId = _pledges["P2"].Id, amountCents = 4000L }, new { donationId = _pledges["P3"].Id, amountCents = 3500L } },
        }, 200);
        again.GetProperty("method").GetString().ShouldBe("Treasurer");
        (await Donor("P2")).GetProperty("overpaidCents").GetInt64().ShouldBe(1500);
        (await Donor("P3")).GetProperty("outstandingCents").GetInt64().ShouldBe(1500);

        // The same split sent again (a retry, a second click) books nothing twice and answers like the first.
        var repeated = await Post($"/api/payments/{split.Id}/split", new
        {
            parts = new[] { new { donationId = _pledges["P2"].Id, amountCents = 4000L }, new { donationId = _pledges["P3"].Id, amountCents = 3500L } },
        }, 200);
        repeated.GetRawText().ShouldBe(again.GetRawText());
        (await Donor("P2")).GetProperty("receivedCents").GetInt64().ShouldBe(4000);
        (await Donor("P3")).GetProperty("receivedCents").GetInt64().ShouldBe(3500);

        var wrong = await Post($"/api/payments/{split.Id}/split", new
        {
            parts = new[] { new { donationId = _pledges["P4"].Id, amountCents = 4000L }, new { donationId = _pledges["P5"].Id, amountCents = 3000L } },
        }, 409);
        wrong.GetProperty("detail").GetString()!.ShouldContain("already matched");
    }

    [Fact]
    public async Task the_treasury_lists_under_over_and_unpaid_donations_without_personal_data()
    {
        await app.ImportAsync(Dk(Statement226));

        var underpaid = await Get("/api/appeals/freude-schenken-2021/donations?balance=underpaid", "auditor");
        var item = underpaid.GetProperty("items").EnumerateArray().Single();
        item.GetProperty("donationId").GetString().ShouldBe(_pledges["P1"].Id);
        (item.GetProperty("receivedCents").GetInt64(), item.GetProperty("outstandingCents").GetInt64()).ShouldBe((3000L, 2000L));

        var overpaid = await Get("/api/appeals/freude-schenken-2021/donations?balance=overpaid");
        overpaid.GetProperty("items").EnumerateArray().Single().GetProperty("overpaidCents").GetInt64().ShouldBe(2000);

        var unpaid = await Get("/api/appeals/freude-schenken-2021/donations?balance=unpaid&pageSize=3");
        unpaid.GetProperty("items").GetArrayLength().ShouldBe(3);
        unpaid.GetProperty("hasMore").GetBoolean().ShouldBeTrue();
        var rest = await Get("/api/appeals/freude-schenken-2021/donations?balance=unpaid&pageSize=3&page=2");
        unpaid.GetProperty("items").EnumerateArray().Concat(rest.GetProperty("items").EnumerateArray()).Select(i => i.GetProperty("donationId").GetString())
            .ShouldBe(new[] { "P4", "P5", "P7", "P9" }.Select(p => _pledges[p].Id), ignoreOrder: true);

        var raw = underpaid.GetRawText() + overpaid.GetRawText() + unpaid.GetRawText();
        raw.ShouldNotContain("DE02120300000000202051");
        raw.ShouldNotContain("Mustermann");

        foreach (var bad in new[] { "balance=everything", "balance=unpaid&pageSize=1000", "" })
        {
            var problem = await app.Host.Scenario(s =>
            {
                s.Get.Url("/api/appeals/freude-schenken-2021/donations?" + bad);
                s.WithBearer(app.Token("treasurer"));
                s.StatusCodeShouldBe(422);
            });
            (await problem.ReadAsJsonAsync<JsonElement>()).GetProperty("field").GetString().ShouldBeOneOf("balance", "pageSize");
        }
    }

    private async Task<JsonElement> Post(string url, object body, int status) => await (await app.Host.Scenario(s =>
    {
        s.Post.Json(body).ToUrl(url);
        s.WithBearer(app.Token("treasurer"));
        s.StatusCodeShouldBe(status);
    })).ReadAsJsonAsync<JsonElement>();
}
