using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.PaymentFiles;
using FlutHilfe.TestSupport;
using Marten;

namespace FlutHilfe.Api.Tests.Allocations;

/// <summary>
/// Money out (issue 15): the treasury orders transfers to municipalities, puts them into a SEPA payment file (pain.001.001.09)
/// and downloads it for the bank; a transfer goes into one file only, and the file validates against the EPC schema.
/// </summary>
public class PaymentFileTests(AppFixture app) : IClassFixture<AppFixture>, IAsyncLifetime
{
    private const string Appeal = "freude-schenken-2021";
    private static readonly XNamespace Ns = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09";
    private static readonly string Tomorrow = Domain.Shared.GermanDate.DayOf(DateTimeOffset.UtcNow).AddDays(1).ToString("yyyy-MM-dd");

    public async ValueTask InitializeAsync()
    {
        await app.ResetAsync();
        await app.OpenAppealAsync();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private string Treasurer => app.Token("treasurer");

    private async Task<IScenarioResult> Send(string url, object body, int status, string? token = null)
        => await app.Host.Scenario(s =>
        {
            s.Post.Json(body).ToUrl(url);
            s.WithBearer(token ?? Treasurer);
            s.StatusCodeShouldBe(status);
        });

    private async Task<JsonElement> Json(string url, object body, int status, string? token = null)
        => await (await Send(url, body, status, token)).ReadAsJsonAsync<JsonElement>();

    /// <summary>Stolberg gets an allocation of <paramref name="cents"/> from paid, earmarked donations.</summary>
    private async Task<string> AllocateAsync(long cents, string municipality = "stolberg")
    {
        var pledge = await app.PledgeAsync(new { amountCents = cents, earmarks = new[] { new { municipalityId = municipality, amountCents = cents } } });
        var booking = new GeneratedCredit(cents, new DateOnly(2021, 11, 20), StructuredReference: pledge.GetProperty("reference").GetString());
        (await app.ImportAsync(CamtWriter.Write053v08("S-" + Guid.NewGuid().ToString("N")[..8], Requests.AppealIban, [booking])))
            .GetProperty("matched").GetInt32().ShouldBe(1);
        var allocation = await Json($"/api/appeals/{Appeal}/allocations",
            new { municipalityId = municipality, amountCents = cents, decisionReference = "SI/2021/088", decidedOn = "2021-12-10" }, 201);
        return allocation.GetProperty("allocationId").GetString()!;
    }

    private static object Order(long cents, Guid? id = null, string holder = "Stadt Stolberg (Rhld.)", string iban = "DE02 1203 0000 0000 2020 51",
        string? text = "Spendenaufruf Hochwasser: Zuweisung SI/2021/088")
        => new { amountCents = cents, payee = new { iban, bic = "BYLADEM1001", holder }, remittanceText = text, disbursementId = id ?? Guid.NewGuid() };

    private static List<string> ValidateAgainstEpcSchema(byte[] xml)
    {
        var schemas = new XmlSchemaSet();
        schemas.Add(Ns.NamespaceName, Path.Combine(AppContext.BaseDirectory, "Schemas", "pain.001.001.09.xsd"));
        var errors = new List<string>();
        var settings = new XmlReaderSettings { ValidationType = ValidationType.Schema, Schemas = schemas };
        settings.ValidationEventHandler += (_, e) => errors.Add(e.Message);
        using var reader = XmlReader.Create(new MemoryStream(xml), settings);
        while (reader.Read()) { }
        return errors;
    }

    private async Task<byte[]> DownloadAsync(string url)
        => await (await app.Host.Scenario(s =>
        {
            s.Get.Url(url);
            s.WithBearer(app.Token("auditor"));
            s.StatusCodeShouldBeOk();
            s.ContentTypeShouldBe("application/xml");
        })).ReadAsBytesAsync();

    [Fact]
    public async Task ordered_transfers_go_into_one_payment_file_that_validates_against_the_EPC_schema_and_are_not_offered_again()
    {
        var stolberg = await AllocateAsync(10_000_00);
        var eschweiler = await AllocateAsync(2_000_00, "eschweiler");
        await Json($"/api/allocations/{stolberg}/disbursement-orders", Order(6_000_00), 200);
        var view = await Json($"/api/allocations/{stolberg}/disbursement-orders", Order(4_000_00, holder: "Jugendamt Stolberg – Kinder & Familie"), 200);
        view.GetProperty("orderedCents").GetInt64().ShouldBe(10_000_00);
        await Json($"/api/allocations/{eschweiler}/disbursement-orders", Order(1_500_00, holder: "Stadt Eschweiler", iban: "DE75512108001245126199"), 200);

        // Ordered money is committed: neither a further order nor a withdrawal can take it.
        (await Json($"/api/allocations/{stolberg}/disbursement-orders", Order(1), 409)).GetProperty("field").GetString().ShouldBe("amountCents");
        await Send($"/api/allocations/{stolberg}/withdraw", new { amountCents = 1, reason = "Beschluss aufgehoben" }, 409);

        var waiting = await app.Host.GetAsJsonAs(Treasurer, $"/api/appeals/{Appeal}/disbursement-orders?status=ordered");
        waiting.GetArrayLength().ShouldBe(3);

        var file = await Json($"/api/appeals/{Appeal}/payment-files", new { requestedExecutionDate = Tomorrow }, 201);
        file.GetProperty("transferCount").GetInt32().ShouldBe(3);
        file.GetProperty("totalCents").GetInt64().ShouldBe(11_500_00);
        file.GetProperty("messageId").GetString()!.Length.ShouldBeLessThanOrEqualTo(35);

        var xml = await DownloadAsync(file.GetProperty("download").GetString()!);
        ValidateAgainstEpcSchema(xml).ShouldBeEmpty();
        var doc = XDocument.Load(new MemoryStream(xml));
        doc.Descendants(Ns + "GrpHdr").Single().Element(Ns + "CtrlSum")!.Value.ShouldBe("11500.00");
        doc.Descendants(Ns + "GrpHdr").Single().Element(Ns + "NbOfTxs")!.Value.ShouldBe("3");
        doc.Descendants(Ns + "DbtrAcct").Single().Descendants(Ns + "IBAN").Single().Value.ShouldBe(Requests.AppealIban);
        doc.Descendants(Ns + "ReqdExctnDt").Single().Element(Ns + "Dt")!.Value.ShouldBe(Tomorrow);
        doc.Descendants(Ns + "Cdtr").Select(c => c.Element(Ns + "Nm")!.Value).ShouldContain("Jugendamt Stolberg - Kinder + Familie");
        var orders = await app.Host.GetAsJsonAs(Treasurer, $"/api/appeals/{Appeal}/disbursement-orders");
        doc.Descendants(Ns + "EndToEndId").Select(e => e.Value).Order()
            .ShouldBe(orders.EnumerateArray().Select(o => o.GetProperty("order").GetProperty("endToEndId").GetString()).Order());
        orders.EnumerateArray().ShouldAllBe(o => o.GetProperty("order").GetProperty("status").GetString() == "sentToBank");

        // The same bytes on every download: the file is written from the stored fact.
        (await DownloadAsync(file.GetProperty("download").GetString()!)).ShouldBe(xml);

        // Nothing waits any more; naming a sent transfer again is refused, naming it.
        (await Json($"/api/appeals/{Appeal}/payment-files", new { requestedExecutionDate = Tomorrow }, 409)).GetProperty("field").GetString().ShouldBe("disbursementIds");
        var sentId = orders[0].GetProperty("order").GetProperty("disbursementId").GetGuid();
        (await Json($"/api/appeals/{Appeal}/payment-files", new { requestedExecutionDate = Tomorrow, disbursementIds = new[] { sentId } }, 409))
            .GetProperty("field").GetString().ShouldBe("disbursementIds[0]");

        // The treasurer records that the bank paid one of them (until statements confirm them): the order is paid, once.
        var paid = orders.EnumerateArray().First(o => o.GetProperty("allocationId").GetString() == eschweiler).GetProperty("order");
        var confirm = new { amountCents = 1_500_00, paidOn = Tomorrow, bankReference = paid.GetProperty("endToEndId").GetString(), disbursementId = paid.GetProperty("disbursementId").GetGuid() };
        await Send($"/api/allocations/{eschweiler}/disbursements", confirm with { amountCents = 1_400_00 }, 409);
        var confirmed = await Json($"/api/allocations/{eschweiler}/disbursements", confirm, 200);
        (await Json($"/api/allocations/{eschweiler}/disbursements", confirm, 200)).GetProperty("disbursedCents").GetInt64().ShouldBe(1_500_00);
        confirmed.GetProperty("orderedCents").GetInt64().ShouldBe(0);
        confirmed.GetProperty("disbursementOrders")[0].GetProperty("status").GetString().ShouldBe("paid");

        // A new order after the file goes into the next file, alone.
        var next = await Json($"/api/allocations/{eschweiler}/disbursement-orders", Order(500_00, holder: "Stadt Eschweiler", iban: "DE75512108001245126199"), 200);
        next.GetProperty("orderedCents").GetInt64().ShouldBe(500_00);
        (await Json($"/api/appeals/{Appeal}/payment-files", new { requestedExecutionDate = Tomorrow }, 201)).GetProperty("transferCount").GetInt32().ShouldBe(1);
        (await app.Host.GetAsJsonAs(app.Token("auditor"), $"/api/appeals/{Appeal}/payment-files")).GetArrayLength().ShouldBe(2);
    }

    [Fact]
    public async Task an_order_or_a_file_sent_again_with_its_id_happens_once()
    {
        var allocation = await AllocateAsync(1_000_00);
        var orderId = Guid.NewGuid();
        await Json($"/api/allocations/{allocation}/disbursement-orders", Order(400_00, orderId), 200);
        (await Json($"/api/allocations/{allocation}/disbursement-orders", Order(400_00, orderId), 200)).GetProperty("orderedCents").GetInt64().ShouldBe(400_00);

        var fileId = Guid.NewGuid();
        var first = await Json($"/api/appeals/{Appeal}/payment-files", new { requestedExecutionDate = Tomorrow, paymentFileId = fileId }, 201);
        var again = await Json($"/api/appeals/{Appeal}/payment-files", new { requestedExecutionDate = Tomorrow, paymentFileId = fileId }, 201);
        again.GetProperty("messageId").GetString().ShouldBe(first.GetProperty("messageId").GetString());
        again.GetProperty("totalCents").GetInt64().ShouldBe(400_00);

        await using var session = app.Store.QuerySession();
        (await session.Events.QueryRawEventDataOnly<DisbursementOrdered>().CountAsync(TestContext.Current.CancellationToken)).ShouldBe(1);
        (await session.Events.QueryRawEventDataOnly<PaymentFileCreated>().CountAsync(TestContext.Current.CancellationToken)).ShouldBe(1);
        (await session.Events.QueryRawEventDataOnly<DisbursementSentToBank>().CountAsync(TestContext.Current.CancellationToken)).ShouldBe(1);
    }

    [Fact]
    public async Task racing_payment_files_put_each_transfer_into_exactly_one_file()
    {
        var allocation = await AllocateAsync(1_000_00);
        for (var i = 0; i < 5; i++) await Json($"/api/allocations/{allocation}/disbursement-orders", Order(100_00 + i), 200);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => app.Host.Scenario(s =>
        {
            s.Post.Json(new { requestedExecutionDate = Tomorrow }).ToUrl($"/api/appeals/{Appeal}/payment-files");
            s.WithBearer(Treasurer);
            s.IgnoreStatusCode();
        })));
        attempts.Select(a => a.Context.Response.StatusCode).ShouldAllBe(c => c == 201 || c == 409);

        await using var session = app.Store.QuerySession();
        var files = await session.Query<PaymentFile>().ToListAsync(TestContext.Current.CancellationToken);
        var sent = files.SelectMany(f => f.Transfers).Select(t => t.DisbursementId).ToList();
        sent.Count.ShouldBe(5);
        sent.Distinct().Count().ShouldBe(5);
        (await session.Events.QueryRawEventDataOnly<DisbursementSentToBank>().CountAsync(TestContext.Current.CancellationToken)).ShouldBe(5);
    }

    [Fact]
    public async Task bad_orders_and_files_are_refused_naming_the_field_and_nothing_is_written()
    {
        var allocation = await AllocateAsync(1_000_00);
        (await Json($"/api/allocations/{allocation}/disbursement-orders", Order(100, iban: "DE02 1203 0000 0000 2020 52"), 422)).GetProperty("field").GetString().ShouldBe("payee.iban");
        (await Json($"/api/allocations/{allocation}/disbursement-orders", Order(100, holder: "斯托尔贝格市"), 422)).GetProperty("field").GetString().ShouldBe("payee.holder");
        (await Json($"/api/allocations/{allocation}/disbursement-orders", Order(100, text: new string('x', 141)), 422)).GetProperty("field").GetString().ShouldBe("remittanceText");
        (await Json($"/api/allocations/{allocation}/disbursement-orders", Order(0), 422)).GetProperty("field").GetString().ShouldBe("amountCents");
        await Send($"/api/allocations/{allocation}/disbursement-orders", Order(100), 403, app.Token("municipality", "stolberg"));

        await Json($"/api/allocations/{allocation}/disbursement-orders", Order(100), 200);
        (await Json($"/api/appeals/{Appeal}/payment-files", new { requestedExecutionDate = "2021-01-01" }, 422)).GetProperty("field").GetString().ShouldBe("requestedExecutionDate");
        (await Json($"/api/appeals/{Appeal}/payment-files", new { }, 422)).GetProperty("field").GetString().ShouldBe("requestedExecutionDate");
        (await Json($"/api/appeals/{Appeal}/payment-files", new { requestedExecutionDate = Tomorrow, disbursementIds = new[] { Guid.NewGuid() } }, 422))
            .GetProperty("field").GetString().ShouldBe("disbursementIds[0]");
        await Send($"/api/appeals/{Appeal}/payment-files", new { requestedExecutionDate = Tomorrow }, 403, app.Token("auditor"));

        await using var session = app.Store.QuerySession();
        (await session.Events.QueryRawEventDataOnly<DisbursementOrdered>().CountAsync(TestContext.Current.CancellationToken)).ShouldBe(1);
        (await session.Events.QueryRawEventDataOnly<PaymentFileCreated>().CountAsync(TestContext.Current.CancellationToken)).ShouldBe(0);
    }
}
