using System.IO.Compression;
using System.Text;
using System.Text.Json;
using FlutHilfe.BankFiles;
using FlutHilfe.Domain.Donations.Receiving;
using FlutHilfe.Domain.Payments;
using FlutHilfe.TestSupport;
using Marten;
using Npgsql;

namespace FlutHilfe.Api.Tests.BankStatements;

public class ImportTests(AppFixture app) : IClassFixture<AppFixture>, IAsyncLifetime
{
    private static readonly DateOnly Day = new(2021, 11, 20);

    public async ValueTask InitializeAsync()
    {
        await app.ResetAsync();
        await app.OpenAppealAsync();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static byte[] Statement(string id, params GeneratedCredit[] bookings) => CamtWriter.Write053v08(id, Requests.AppealIban, bookings);

    private async Task<(string Id, string Reference, string DonorUrl)> PledgeAsync(long cents, object[]? earmarks = null)
    {
        var pledge = await app.PledgeAsync(new { amountCents = cents, earmarks });
        return (pledge.GetProperty("donationId").GetString()!, pledge.GetProperty("reference").GetString()!, pledge.GetProperty("donorUrl").GetString()!);
    }

    [Fact]
    public async Task pledge_then_statement_with_its_reference_makes_the_donation_paid()
    {
        var (_, reference, donorUrl) = await PledgeAsync(5000);

        var result = await app.ImportAsync(Statement("S1", new GeneratedCredit(5000, Day, StructuredReference: reference, DebtorName: "Jürgen Müller", DebtorIban: "DE02120300000000202051")));

        result.GetProperty("transactions").GetInt32().ShouldBe(1);
        result.GetProperty("matched").GetInt32().ShouldBe(1);
        result.GetProperty("unmatched").GetInt32().ShouldBe(0);
        result.GetProperty("creditedCents").GetInt64().ShouldBe(5000);

        var view = await app.Host.GetAsJson<JsonElement>(donorUrl);
        view.GetProperty("status").GetString().ShouldBe("paid");
        view.GetProperty("paidCents").GetInt64().ShouldBe(5000);
        view.GetProperty("paidOn").GetString().ShouldBe("2021-11-20");
    }

    [Fact]
    public async Task a_reference_retyped_in_the_free_text_matches()
    {
        var (_, reference, donorUrl) = await PledgeAsync(2000);
        var retyped = "Spende " + string.Join(' ', reference.ToLowerInvariant().Chunk(4).Select(c => new string(c))) + " danke";

        var result = await app.ImportAsync(Statement("S1", new GeneratedCredit(2000, Day, UnstructuredRemittance: retyped)));

        result.GetProperty("matched").GetInt32().ShouldBe(1);
        (await app.Host.GetAsJson<JsonElement>(donorUrl)).GetProperty("status").GetString().ShouldBe("paid");
        await using var session = app.Store.QuerySession();
        var payment = (await session.Query<Payment>().ToListAsync(TestContext.Current.CancellationToken)).Single();
        payment.Method.ShouldBe(MatchMethod.ReferenceInRemittanceText);
    }

    [Fact]
    public async Task a_reference_in_the_end_to_end_id_matches_last()
    {
        var (_, reference, _) = await PledgeAsync(1500);
        var result = await app.ImportAsync(Statement("S1", new GeneratedCredit(1500, Day, EndToEndId: reference)));
        result.GetProperty("matched").GetInt32().ShouldBe(1);
        await using var session = app.Store.QuerySession();
        (await session.Query<Payment>().SingleAsync(TestContext.Current.CancellationToken)).Method.ShouldBe(MatchMethod.EndToEndId);
    }

    [Fact]
    public async Task a_smaller_amount_is_booked_as_it_came_with_the_split_scaled_and_the_rest_outstanding()
    {
        var (id, reference, donorUrl) = await PledgeAsync(10000, [
            new { municipalityId = "stolberg", amountCents = 3333 },
            new { municipalityId = "eschweiler", amountCents = 3333 },
            new { purposeId = "weihnachtsfeiern", amountCents = 3334 }]);

        await app.ImportAsync(Statement("S1", new GeneratedCredit(1000, Day, StructuredReference: reference)));

        var view = await app.Host.GetAsJson<JsonElement>(donorUrl);
        view.GetProperty("status").GetString().ShouldBe("partly paid");
        view.GetProperty("amountCents").GetInt64().ShouldBe(10000);
        view.GetProperty("paidCents").GetInt64().ShouldBe(1000);
        view.GetProperty("outstandingCents").GetInt64().ShouldBe(9000);

        await using var session = app.Store.QuerySession();
        var received = (await session.Events.QueryRawEventDataOnly<DonationPaymentReceived>().ToListAsync(TestContext.Current.CancellationToken)).Single();
        received.Allocation.Select(a => a.Amount.Cents).ShouldBe([333, 333, 334]);
        received.Allocation.Sum(a => a.Amount.Cents).ShouldBe(1000);

        var funds = await Funds();
        funds["m:stolberg"].GetProperty("confirmedCents").GetInt64().ShouldBe(333);
        funds["p:weihnachtsfeiern"].GetProperty("availableCents").GetInt64().ShouldBe(334);
    }

    [Fact]
    public async Task unmatched_payments_wait_in_the_queue_with_a_proposal_and_can_be_matched_by_hand()
    {
        var (donationId, _, donorUrl) = await PledgeAsync(4711);
        var result = await app.ImportAsync(Statement("S1", new GeneratedCredit(4711, Day, DebtorName: "Erika Mustermann", UnstructuredRemittance: "Spende Flut")));
        result.GetProperty("unmatched").GetInt32().ShouldBe(1);

        var queue = await Unmatched();
        var item = queue.EnumerateArray().Single();
        item.GetProperty("payerName").GetString().ShouldBe("Erika Mustermann");
        item.GetProperty("remittanceText").GetString().ShouldBe("Spende Flut");
        item.GetProperty("proposals").EnumerateArray().Single().GetProperty("donationId").GetString().ShouldBe(donationId);
        // A proposal is never applied by itself.
        (await app.Host.GetAsJson<JsonElement>(donorUrl)).GetProperty("status").GetString().ShouldBe("pledged");

        var paymentId = item.GetProperty("paymentId").GetString();
        await Treasurer($"/api/payments/{paymentId}/match", new { donationId });
        (await app.Host.GetAsJson<JsonElement>(donorUrl)).GetProperty("status").GetString().ShouldBe("paid");
        (await Unmatched()).GetArrayLength().ShouldBe(0);

        // Undo: a new fact, nothing deleted; the money leaves the fund again.
        await Treasurer($"/api/payments/{paymentId}/unmatch", new { reason = "falsche Spende" });
        (await app.Host.GetAsJson<JsonElement>(donorUrl)).GetProperty("status").GetString().ShouldBe("pledged");
        (await Unmatched()).GetArrayLength().ShouldBe(1);
        (await Funds())["general"].GetProperty("confirmedCents").GetInt64().ShouldBe(0);
        await using var session = app.Store.QuerySession();
        (await session.Events.FetchStreamAsync(Guid.Parse(paymentId!), token: TestContext.Current.CancellationToken)).Count.ShouldBe(3);
    }

    [Fact]
    public async Task an_unmatched_payment_can_be_booked_as_a_donation_of_its_own()
    {
        await app.ImportAsync(Statement("S1", new GeneratedCredit(2500, Day, UnstructuredRemittance: "fuer die Kinder in Stolberg")));
        var paymentId = (await Unmatched()).EnumerateArray().Single().GetProperty("paymentId").GetString();

        var booked = await Treasurer($"/api/payments/{paymentId}/book-as-donation",
            new { earmarks = new[] { new { municipalityId = "stolberg", amountCents = 2500 } } });
        booked.GetProperty("status").GetString().ShouldBe("Matched");
        booked.GetProperty("donationStatus").GetString().ShouldBe("paid");
        (await Funds())["m:stolberg"].GetProperty("confirmedCents").GetInt64().ShouldBe(2500);

        var again = await app.Host.Scenario(s =>
        {
            s.Post.Json(new { }).ToUrl($"/api/payments/{paymentId}/book-as-donation");
            s.WithBearer(app.Token("treasurer"));
            s.StatusCodeShouldBe(409);
        });
    }

    [Fact]
    public async Task a_return_of_an_earlier_payment_is_a_compensating_fact()
    {
        var (_, reference, donorUrl) = await PledgeAsync(3000, [new { municipalityId = "stolberg", amountCents = 3000 }]);
        await app.ImportAsync(Statement("S1", new GeneratedCredit(3000, Day, StructuredReference: reference, EndToEndId: "E2E-1")));

        var result = await app.ImportAsync(Statement("S2", new GeneratedCredit(3000, Day.AddDays(3), StructuredReference: reference,
            EndToEndId: "E2E-1", Direction: CreditDebit.Debit, ReturnReasonCode: "MD06")));

        result.GetProperty("returns").GetInt32().ShouldBe(1);
        result.GetProperty("matched").GetInt32().ShouldBe(1);
        var view = await app.Host.GetAsJson<JsonElement>(donorUrl);
        view.GetProperty("status").GetString().ShouldBe("returned");
        view.GetProperty("returnedCents").GetInt64().ShouldBe(3000);
        var fund = (await Funds())["m:stolberg"];
        fund.GetProperty("confirmedCents").GetInt64().ShouldBe(3000);
        fund.GetProperty("refundedCents").GetInt64().ShouldBe(3000);
        fund.GetProperty("availableCents").GetInt64().ShouldBe(0);
    }

    [Fact]
    public async Task a_debit_that_is_not_a_return_is_recorded_but_touches_no_donation()
    {
        var result = await app.ImportAsync(Statement("S1", new GeneratedCredit(990, Day, Direction: CreditDebit.Debit, CreditorName: "Bank", UnstructuredRemittance: "Kontofuehrung")));
        result.GetProperty("debits").GetInt32().ShouldBe(1);
        result.GetProperty("unmatched").GetInt32().ShouldBe(0);
        result.GetProperty("creditedCents").GetInt64().ShouldBe(0);
        (await Unmatched()).GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task importing_the_same_or_an_overlapping_statement_counts_nothing_twice()
    {
        var (_, r1, _) = await PledgeAsync(1000);
        var (_, r2, _) = await PledgeAsync(2000);
        var (_, r3, _) = await PledgeAsync(3000);
        var a = new GeneratedCredit(1000, Day, StructuredReference: r1, AccountServicerReference: "A1");
        var b = new GeneratedCredit(2000, Day, StructuredReference: r2, AccountServicerReference: "A2");
        var c = new GeneratedCredit(3000, Day.AddDays(1), StructuredReference: r3, AccountServicerReference: "A3");

        var first = await app.ImportAsync(Statement("S1", a, b));
        first.GetProperty("matched").GetInt32().ShouldBe(2);

        var same = await app.ImportAsync(Statement("S1", a, b));
        same.GetProperty("duplicates").GetInt32().ShouldBe(2);
        same.GetProperty("matched").GetInt32().ShouldBe(0);
        same.GetProperty("creditedCents").GetInt64().ShouldBe(0);

        var overlap = await app.ImportAsync(Statement("S2", c, b));
        overlap.GetProperty("duplicates").GetInt32().ShouldBe(1);
        overlap.GetProperty("matched").GetInt32().ShouldBe(1);

        (await Funds())["general"].GetProperty("confirmedCents").GetInt64().ShouldBe(6000);
        await using var session = app.Store.QuerySession();
        (await session.Events.QueryRawEventDataOnly<BankTransactionRecorded>().CountAsync(TestContext.Current.CancellationToken)).ShouldBe(3);
    }

    [Fact]
    public async Task two_identical_bookings_without_references_in_one_statement_both_count()
    {
        var same = new GeneratedCredit(500, Day, DebtorName: "Anonym");
        var result = await app.ImportAsync(Statement("S1", same, same));
        result.GetProperty("unmatched").GetInt32().ShouldBe(2);
        (await app.ImportAsync(Statement("S1", same, same))).GetProperty("duplicates").GetInt32().ShouldBe(2);
    }

    [Fact]
    public async Task a_zip_of_several_statements_is_imported_as_one()
    {
        var (_, r1, _) = await PledgeAsync(1000);
        var (_, r2, _) = await PledgeAsync(2000);
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in new[] { ("a.xml", Statement("S1", new GeneratedCredit(1000, Day, StructuredReference: r1))), ("b.xml", CamtWriter.Write053v02("S2", Requests.AppealIban, [new GeneratedCredit(2000, Day, StructuredReference: r2)])) })
            {
                await using var entry = archive.CreateEntry(name).Open();
                await entry.WriteAsync(bytes, TestContext.Current.CancellationToken);
            }
        }
        var result = await app.ImportAsync(zip.ToArray(), "application/zip");
        result.GetProperty("statements").GetInt32().ShouldBe(2);
        result.GetProperty("matched").GetInt32().ShouldBe(2);
        result.GetProperty("creditedCents").GetInt64().ShouldBe(3000);
    }

    [Fact]
    public async Task a_statement_of_an_unknown_account_is_422_and_nothing_is_recorded()
    {
        var bytes = CamtWriter.Write053v08("S1", "DE02120300000000202051", [new GeneratedCredit(100, Day)]);
        var result = await app.PostStatementAsync(bytes, status: 422);
        (await result.ReadAsJsonAsync<JsonElement>()).GetProperty("field").GetString()!.ShouldEndWith("Acct/Id/IBAN");
        await AssertNothingRecordedAsync();
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("xxe")]
    [InlineData("billion-laughs")]
    [InlineData("wrong-namespace")]
    public async Task hostile_or_broken_xml_is_refused_with_422_naming_the_element_and_nothing_is_recorded(string kind)
    {
        var valid = Encoding.UTF8.GetString(Statement("S1", new GeneratedCredit(100, Day)));
        var body = kind switch
        {
            "truncated" => valid[..(valid.Length / 2)],
            "xxe" => "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>" + valid[(valid.IndexOf("?>", StringComparison.Ordinal) + 2)..].Replace("<Id>S1</Id>", "<Id>&x;</Id>", StringComparison.Ordinal),
            "billion-laughs" => "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\"><!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]><lolz>&lol3;</lolz>",
            _ => valid.Replace("camt.053.001.08", "pain.001.001.09", StringComparison.Ordinal),
        };
        var result = await app.PostStatementAsync(Encoding.UTF8.GetBytes(body), status: 422);
        var problem = await result.ReadAsJsonAsync<JsonElement>();
        problem.GetProperty("field").GetString().ShouldNotBeNullOrEmpty();
        problem.GetProperty("detail").GetString()!.ShouldNotContain("root:");
        await AssertNothingRecordedAsync();
    }

    [Fact]
    public async Task a_60_mb_upload_is_413()
    {
        var big = new byte[60 * 1024 * 1024];
        Array.Fill(big, (byte)' ');
        var result = await app.PostStatementAsync(big, status: 413);
        result.Context.Response.ContentType.ShouldBe("application/problem+json");
        await AssertNothingRecordedAsync();
    }

    [Fact]
    public async Task a_statement_with_one_bad_transaction_imports_nothing()
    {
        var (_, reference, donorUrl) = await PledgeAsync(1000);
        var valid = Encoding.UTF8.GetString(Statement("S1", new GeneratedCredit(1000, Day, StructuredReference: reference), new GeneratedCredit(777, Day)));
        var broken = valid.Replace(">7.77<", ">7.777<", StringComparison.Ordinal);
        broken.ShouldNotBe(valid);
        await app.PostStatementAsync(Encoding.UTF8.GetBytes(broken), status: 422);
        (await app.Host.GetAsJson<JsonElement>(donorUrl)).GetProperty("status").GetString().ShouldBe("pledged");
        await AssertNothingRecordedAsync();
    }

    [Fact]
    public async Task other_content_types_are_415()
    {
        await app.PostStatementAsync("{}"u8.ToArray(), "application/json", status: 415);
    }

    [Fact]
    public async Task payer_data_is_kept_out_of_the_event_log()
    {
        var (_, reference, _) = await PledgeAsync(5000);
        await app.ImportAsync(Statement("S1", new GeneratedCredit(5000, Day, StructuredReference: reference, DebtorName: "Jürgen Müller",
            DebtorIban: "DE02120300000000202051", UnstructuredRemittance: "Gruss aus Wuerselen")));

        await using var connection = new NpgsqlConnection(AppFixture.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand($"select string_agg(data::text, ' ') from {app.Schema}.mt_events", connection);
        var log = (string)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
        log.ShouldNotContain("DE02120300000000202051");
        log.ShouldNotContain("Wuerselen");
        log.ShouldNotContain("M\\u00FCller");
        log.ShouldNotContain("Müller");
    }

    private async Task AssertNothingRecordedAsync()
    {
        await using var session = app.Store.QuerySession();
        (await session.Events.QueryRawEventDataOnly<BankTransactionRecorded>().CountAsync(TestContext.Current.CancellationToken)).ShouldBe(0);
        (await session.Query<PayerDetails>().CountAsync(TestContext.Current.CancellationToken)).ShouldBe(0);
    }

    private async Task<JsonElement> Unmatched() => await (await app.Host.Scenario(s =>
    {
        s.Get.Url("/api/payments/unmatched");
        s.WithBearer(app.Token("treasurer"));
    })).ReadAsJsonAsync<JsonElement>();

    private async Task<Dictionary<string, JsonElement>> Funds()
    {
        var funds = await (await app.Host.Scenario(s =>
        {
            s.Get.Url("/api/appeals/freude-schenken-2021/funds");
            s.WithBearer(app.Token("auditor"));
        })).ReadAsJsonAsync<JsonElement>();
        return funds.EnumerateArray().ToDictionary(f => f.GetProperty("fund").GetString()!);
    }

    private async Task<JsonElement> Treasurer(string url, object body) => await (await app.Host.Scenario(s =>
    {
        s.Post.Json(body).ToUrl(url);
        s.WithBearer(app.Token("treasurer"));
        s.StatusCodeShouldBeOk();
    })).ReadAsJsonAsync<JsonElement>();
}
