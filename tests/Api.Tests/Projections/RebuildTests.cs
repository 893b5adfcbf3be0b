using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using FlutHilfe.BankFiles;
using FlutHilfe.TestSupport;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events;
using Npgsql;
using netDumbster.smtp;

namespace FlutHilfe.Api.Tests.Projections;

/// <summary>A host that mails (so receipts reach their "mailed" fact).</summary>
public sealed class RebuildFixture : AppFixture
{
    public SimpleSmtpServer Smtp { get; } = SimpleSmtpServer.Start(FreePort());

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Smtp:Host"] = "127.0.0.1",
        ["Smtp:Port"] = Smtp.Configuration.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Receipts:PublicBaseUrl"] = "https://spenden.example.org",
        ["Deadlines:SweepInterval"] = "00:00:00",
        // The history ends two months later (deadlines): tokens stay valid on either clock.
        ["Auth:TokenLifetimeHours"] = "200000",
    };

    /// <summary>Moved forward at the end of the history, so that pledges are reminded and expire.</summary>
    public ShiftableClock Clock { get; } = new();

    protected override void ConfigureServices(Microsoft.Extensions.DependencyInjection.IServiceCollection services)
        => Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<TimeProvider>(services, Clock);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>
/// Every projection the store is configured with, rebuilt from a log that holds every event type those projections
/// handle, equals what was kept while the events happened. Projections, their tables and their event types are read
/// from the store, so a new projection or event type cannot be forgotten here.
/// </summary>
public class RebuildTests(RebuildFixture app) : IClassFixture<RebuildFixture>
{
    private static readonly DateOnly Day = new(2021, 11, 20);

    [Fact]
    public async Task rebuilding_every_projection_from_a_log_of_every_event_kind_gives_the_same_documents()
    {
        var ct = TestContext.Current.CancellationToken;
        await app.ResetAsync();
        var projections = StoreModel.Projections(app.Store);
        projections.Count.ShouldBeGreaterThanOrEqualTo(9);
        // Our own facts (Marten's own Archived / Compacted<T> are not part of the domain's history); projections that route by
        // an event interface (IEventOf<T>, IAppealEvent, …) handle every event type implementing it.
        var handled = projections.OfType<EventFilterable>().SelectMany(p => p.IncludedEventTypes)
            .SelectMany(t => t.IsInterface ? FlutHilfe.Domain.Shared.DomainEvents.Implementing(t) : [t])
            .Where(t => !t.IsAbstract && !t.IsInterface && t.Namespace?.StartsWith("FlutHilfe.", StringComparison.Ordinal) == true).Distinct().ToList();
        handled.Count.ShouldBeGreaterThan(20);

        await ProduceHistoryAsync();
        var missing = await WaitForEveryEventTypeAsync(handled);
        missing.ShouldBeEmpty("the history lacks these event kinds");
        await app.CatchUpAsync();

        var tables = projections.SelectMany(StoreModel.DocumentTypes).Select(t => StoreModel.TableOf(app.Store, t)).Distinct().ToList();
        tables.ShouldContain("mt_doc_receipt");
        var before = await SnapshotAsync(tables);
        before.Values.ShouldAllBe(rows => rows.Count > 0);

        // Throw the documents away, so that only the rebuild can bring them back.
        await ExecuteAsync(string.Join(';', tables.Select(t => $"truncate {app.Schema}.{t}")));
        (await SnapshotAsync(tables)).Values.ShouldAllBe(rows => rows.Count == 0);

        using (var daemon = await app.Store.BuildProjectionDaemonAsync())
        {
            foreach (var projection in projections) await daemon.RebuildProjectionAsync(projection.Name, ct);
        }

        var after = await SnapshotAsync(tables);
        foreach (var table in tables) after[table].ShouldBe(before[table], $"{table} differs after the rebuild");
    }

    private string Treasurer => app.Token("treasurer");

    private async Task<JsonElement> Post(string url, object body, string? token, int status)
        => await (await app.Host.Scenario(s =>
        {
            s.Post.Json(body).ToUrl(url);
            if (token is not null) s.WithBearer(token);
            s.StatusCodeShouldBe(status);
        })).ReadAsJsonAsync<JsonElement>();

    private static object Declaration(string place) => new
    {
        usedOnlyForPurpose = true, necessaryEconomicalThrifty = true, figuresAgreeWithBooks = true,
        place, date = "2022-01-20", signatoryName = "Petra Schulz", signatoryFunction = "Kämmerin",
    };

    private static object Donor(string name, string? email) => new { name, street = "Kaiserplatz 1", postalCode = "52062", city = "Aachen", country = "DE", email };

    private async Task ProduceHistoryAsync()
    {
        const string appeal = "/api/appeals/freude-schenken-2021";
        await app.OpenAppealAsync();
        await Post($"{appeal}/municipalities", new { id = "roetgen", name = "Roetgen" }, Treasurer, 200);
        await Post($"{appeal}/purposes", new { id = "ausfluege", name = "Gemeinsame Ausflüge" }, Treasurer, 200);
        await app.OpenAppealAsync("zweiter-aufruf", "DE02120300000000202051");
        await Post("/api/appeals/zweiter-aufruf/close", new { reason = "Ende" }, Treasurer, 200);

        var mailed = await app.PledgeAsync(new { amountCents = 30_000, receiptWanted = true, donor = Donor("Jürgen Müller", "jm@example.org"),
            earmarks = new[] { new { municipalityId = "stolberg", purposeId = "kita-schulmaterial", amountCents = 30_000 } } });
        var general = await app.PledgeAsync(new { amountCents = 20_000 });
        var returned = await app.PledgeAsync(new { amountCents = 7_777, receiptWanted = true, donor = Donor("Erika Mustermann", null),
            earmarks = new[] { new { municipalityId = "eschweiler", amountCents = 7_777 } } });
        var later = await app.PledgeAsync(new { amountCents = 4_000, donor = new { email = "spaet@example.org" } });
        var rematched = await app.PledgeAsync(new { amountCents = 999 });
        var splitA = await app.PledgeAsync(new { amountCents = 1_500 });
        var splitB = await app.PledgeAsync(new { amountCents = 2_500 });
        string Ref(JsonElement p) => p.GetProperty("reference").GetString()!;

        await app.ImportAsync(CamtWriter.Write053v08("S1", Requests.AppealIban,
        [
            new GeneratedCredit(30_000, Day, StructuredReference: Ref(mailed)),
            new GeneratedCredit(20_000, Day, StructuredReference: Ref(general)),
            new GeneratedCredit(7_777, Day, StructuredReference: Ref(returned)),
            new GeneratedCredit(4_000, Day, StructuredReference: Ref(later)),
            new GeneratedCredit(1_234, Day, UnstructuredRemittance: "ohne Referenz"),
            new GeneratedCredit(999, Day, UnstructuredRemittance: "auch ohne Referenz"),
            // One transfer naming two pledges whose amounts add up: split, then undone as a whole.
            new GeneratedCredit(4_000, Day, UnstructuredRemittance: $"Spenden {Ref(splitA)} und {Ref(splitB)}"),
        ]));
        var splitPayment = (await app.Host.GetAsJson<JsonElement>(splitA.GetProperty("donorUrl").GetString()!))
            .GetProperty("payments")[0].GetProperty("paymentId").GetString();
        await Post($"/api/payments/{splitPayment}/unmatch", new { reason = "Aufteilung falsch" }, Treasurer, 200);

        var unmatched = (await app.Host.GetAsJsonAs(Treasurer, "/api/payments/unmatched")).EnumerateArray()
            .ToDictionary(p => p.GetProperty("amountCents").GetInt64(), p => p.GetProperty("paymentId").GetString());
        await Post($"/api/payments/{unmatched[1_234]}/book-as-donation", new { }, Treasurer, 200);
        await Post($"/api/payments/{unmatched[999]}/match", new { donationId = rematched.GetProperty("donationId").GetGuid() }, Treasurer, 200);
        await Post($"/api/payments/{unmatched[999]}/unmatch", new { reason = "falsch zugeordnet" }, Treasurer, 200);

        var laterToken = Uri.UnescapeDataString(later.GetProperty("donorUrl").GetString()!.Split("token=")[1]);
        await app.Host.Scenario(s =>
        {
            s.Post.Json(new { donor = Donor("Späte Spenderin", "spaet@example.org") }).ToUrl($"/api/donations/{later.GetProperty("donationId").GetString()}/receipt")
                .QueryString("token", laterToken);
            s.StatusCodeShouldBe(202);
        });

        // The bank takes the receipted 77,77 € back: a return, and the receipt is cancelled.
        await EventuallyAsync(async () => (await app.Host.GetAsJson<JsonElement>(returned.GetProperty("donorUrl").GetString()!)).GetProperty("receiptNumber").ValueKind == JsonValueKind.String);
        await app.ImportAsync(CamtWriter.Write053v08("R1", Requests.AppealIban,
            [new GeneratedCredit(7_777, Day.AddDays(5), StructuredReference: Ref(returned), Direction: CreditDebit.Debit, ReturnReasonCode: "MD06")]));

        var stolberg = (await Post($"{appeal}/allocations", new { municipalityId = "stolberg", purposeId = "kita-schulmaterial", amountCents = 25_000,
            decisionReference = "SI/2021/088", decidedOn = "2021-12-10" }, Treasurer, 201)).GetProperty("allocationId").GetString();
        var eschweiler = (await Post($"{appeal}/allocations", new { municipalityId = "eschweiler", amountCents = 5_000,
            decisionReference = "SI/2021/089", decidedOn = "2021-12-10" }, Treasurer, 201)).GetProperty("allocationId").GetString();
        var clerk = app.Token("municipality", "stolberg");
        var item = (await Post($"/api/allocations/{stolberg}/spending", new { date = "2021-12-15", payee = "Spielwaren Becker GmbH", payeeIsOrganisation = true,
            reason = "Material", purposeId = "kita-schulmaterial", amountCents = 999, voucherNumber = "V-1" }, clerk, 201)).GetProperty("itemId").GetString();
        await Post($"/api/spending/{item}/withdraw", new { reason = "doppelt" }, clerk, 200);
        await Post($"/api/allocations/{stolberg}/spending", new { date = "2021-12-15", payee = "Spielwaren Becker GmbH", payeeIsOrganisation = true,
            reason = "Material", purposeId = "kita-schulmaterial", amountCents = 999, voucherNumber = "V-1" }, clerk, 201);
        await Post($"/api/allocations/{stolberg}/disbursements", new { amountCents = 5_000, paidOn = "2021-12-20", bankReference = "UEB-1" }, Treasurer, 200);
        await Post($"/api/allocations/{stolberg}/returns", new { amountCents = 1_000, returnedOn = "2022-01-10", bankReference = "RUECK-1" }, Treasurer, 200);
        await Post($"/api/allocations/{stolberg}/withdraw", new { amountCents = 1_000, reason = "Beschluss geändert" }, Treasurer, 200);
        await Post($"/api/allocations/{stolberg}/proof-of-use", new { narrativeReport = "Material gekauft.", declaration = Declaration("Stolberg (Rhld.)") }, clerk, 200);
        await Post($"/api/allocations/{stolberg}/proof-of-use/accept", new { remarks = "in Ordnung" }, Treasurer, 200);
        // Unused money claimed back, paid back in part with the claim's reference.
        var claim = (await Post($"/api/allocations/{stolberg}/recovery-claims", new { amountCents = 1_000,
            dueOn = FlutHilfe.Domain.Shared.GermanDate.DayOf(DateTimeOffset.UtcNow).AddDays(30), reason = "nicht verwendet" }, Treasurer, 201))
            .GetProperty("reference").GetString();
        await app.ImportAsync(CamtWriter.Write053v08("C1", Requests.AppealIban, [new GeneratedCredit(400, Day.AddDays(60), StructuredReference: claim)]));
        // Money out through a SEPA payment file: ordered, sent in a file, paid.
        var order = (await Post($"/api/allocations/{eschweiler}/disbursement-orders", new { amountCents = 2_000,
            payee = new { iban = "DE75512108001245126199", holder = "Stadt Eschweiler" }, remittanceText = "Zuweisung SI/2021/089" }, Treasurer, 200))
            .GetProperty("disbursementOrders")[0];
        var tomorrow = FlutHilfe.Domain.Shared.GermanDate.DayOf(DateTimeOffset.UtcNow).AddDays(1);
        await Post($"{appeal}/payment-files", new { requestedExecutionDate = tomorrow }, Treasurer, 201);
        await Post($"/api/allocations/{eschweiler}/disbursements", new { amountCents = 2_000, paidOn = tomorrow, bankReference = order.GetProperty("endToEndId").GetString(),
            disbursementId = order.GetProperty("disbursementId").GetGuid() }, Treasurer, 200);
        // Confirmed by the statement's debit, returned by the payee's bank, sent again in a file the bank refused.
        var second = (await Post($"/api/allocations/{eschweiler}/disbursement-orders", new { amountCents = 1_000,
            payee = new { iban = "DE75512108001245126199", holder = "Stadt Eschweiler" }, remittanceText = "Zuweisung SI/2021/089" }, Treasurer, 200))
            .GetProperty("disbursementOrders")[1].GetProperty("endToEndId").GetString();
        await Post($"{appeal}/payment-files", new { requestedExecutionDate = tomorrow }, Treasurer, 201);
        await app.ImportAsync(CamtWriter.Write053v08("O1", Requests.AppealIban,
            [new GeneratedCredit(1_000, Day.AddDays(30), EndToEndId: second, Direction: CreditDebit.Debit, CreditorName: "Stadt Eschweiler")]));
        await app.ImportAsync(CamtWriter.Write053v08("O2", Requests.AppealIban,
            [new GeneratedCredit(1_000, Day.AddDays(32), EndToEndId: second, ReturnReasonCode: "AC04", DebtorName: "Stadt Eschweiler")]));
        var refused = (await Post($"{appeal}/payment-files", new { requestedExecutionDate = tomorrow }, Treasurer, 201)).GetProperty("paymentFileId").GetString();
        await Post($"/api/payment-files/{refused}/rejection", new { reason = "RJCT FF01" }, Treasurer, 200);
        var eschweilerClerk = app.Token("municipality", "eschweiler");
        await Post($"/api/allocations/{eschweiler}/proof-of-use", new { narrativeReport = "Noch nichts.", declaration = Declaration("Eschweiler") }, eschweilerClerk, 200);
        await Post($"/api/allocations/{eschweiler}/proof-of-use/reject", new { remarks = "Belege fehlen" }, Treasurer, 200);
        // Donors across pledges (issue 15): two records merged, undone, merged again; the annual collective receipt run for 2021.
        await DonorsAcrossPledgesAsync();
        // A donor's personal data erased by the treasury (the profile; the receipt keeps the rest bound).
        var donorId = (await QueryAsync($"select data->>'donorId' from {app.Schema}.mt_doc_donation where id = '{mailed.GetProperty("donationId").GetString()}'")).Single();
        await Post($"/api/donors/{donorId}/erasure", new { }, Treasurer, 200);

        // Deadlines: unpaid pledges are reminded on day 10 and expire on day 60 (one is paid after all); Eschweiler's
        // rejected proof of use is long overdue (deadline 31.12.2022).
        var forgotten = await app.PledgeAsync(new { amountCents = 3_000, donor = new { email = "vergessen@example.org" } });
        // An earmark that cannot be met (Roetgen declines): one donor chooses a refund, the other is reminded on day 35
        // and gets the default (general fund) after day 42.
        var roetgenA = await app.PledgeAsync(new { amountCents = 2_000, earmarks = new[] { new { municipalityId = "roetgen", amountCents = 2_000 } } });
        var roetgenB = await app.PledgeAsync(new { amountCents = 1_000, donor = new { email = "roetgen@example.org" },
            earmarks = new[] { new { municipalityId = "roetgen", amountCents = 1_000 } } });
        await app.ImportAsync(CamtWriter.Write053v08("R1", Requests.AppealIban,
            [new GeneratedCredit(2_000, Day, StructuredReference: Ref(roetgenA), DebtorIban: "DE02120300000000202051"), new GeneratedCredit(1_000, Day.AddDays(1), StructuredReference: Ref(roetgenB))]));
        var earmark = (await Post($"{appeal}/earmark-decisions", new { municipalityId = "roetgen", amountCents = 3_000, reason = "Roetgen lehnt ab" }, Treasurer, 201))
            .GetProperty("decisionId").GetGuid();
        await app.Host.Scenario(s =>
        {
            s.Post.Json(new { choice = "refund", accountHolder = "Rita Roetgen" }).ToUrl($"/api/donations/{roetgenA.GetProperty("donationId").GetGuid()}/earmark-questions/{earmark}")
                .QueryString("token", Uri.UnescapeDataString(roetgenA.GetProperty("donorUrl").GetString()!.Split("token=")[1]));
            s.StatusCodeShouldBe(200);
        });
        // The refund paid through a payment file, confirmed by the statement's debit, returned (RtrInf), sent again in a file the bank refused.
        var refund = (await app.Host.GetAsJsonAs(Treasurer, $"{appeal}/refund-orders"))[0];
        var refundId = refund.GetProperty("refundId").GetGuid();
        var refundE2e = refund.GetProperty("endToEndId").GetString();
        var refundDay = FlutHilfe.Domain.Shared.GermanDate.DayOf(app.Clock.GetUtcNow());
        await Post($"{appeal}/payment-files", new { requestedExecutionDate = refundDay, refundIds = new[] { refundId } }, Treasurer, 201);
        await app.ImportAsync(CamtWriter.Write053v08("RF1", Requests.AppealIban,
            [new GeneratedCredit(2_000, Day.AddDays(40), EndToEndId: refundE2e, Direction: CreditDebit.Debit, CreditorName: "Spender", CreditorIban: "DE02120300000000202051")]));
        await app.ImportAsync(CamtWriter.Write053v08("RF2", Requests.AppealIban,
            [new GeneratedCredit(2_000, Day.AddDays(42), EndToEndId: refundE2e, ReturnReasonCode: "AC04", DebtorName: "Spender")]));
        var refusedRefund = (await Post($"{appeal}/payment-files", new { requestedExecutionDate = refundDay, refundIds = new[] { refundId } }, Treasurer, 201))
            .GetProperty("paymentFileId").GetString();
        await Post($"/api/payment-files/{refusedRefund}/rejection", new { reason = "RJCT FF01" }, Treasurer, 200);
        // 400 € paid today (outside the 2021 disaster window) without a receipt asked for: the offer is reminded on day 14 and
        // lapses after day 42.
        var offered = await app.PledgeAsync(new { amountCents = 40_000, donor = new { email = "angebot@example.org" } });
        await app.ImportAsync(CamtWriter.Write053v08("A1", Requests.AppealIban,
            [new GeneratedCredit(40_000, FlutHilfe.Domain.Shared.GermanDate.DayOf(app.Clock.GetUtcNow()), StructuredReference: Ref(offered))]));
        app.Clock.Advance(TimeSpan.FromDays(10));
        await SweepAsync();
        app.Clock.Advance(TimeSpan.FromDays(26));
        await SweepAsync();
        app.Clock.Advance(TimeSpan.FromDays(24));
        await SweepAsync();
        await app.ImportAsync(CamtWriter.Write053v08("S-spaet", Requests.AppealIban,
            [new GeneratedCredit(3_000, FlutHilfe.Domain.Shared.GermanDate.DayOf(app.Clock.GetUtcNow()), StructuredReference: Ref(forgotten))]));
    }

    private async Task DonorsAcrossPledgesAsync()
    {
        var first = await app.PledgeAsync(new { amountCents = 1_100, donor = Donor("Anna Jahresweg", null) });
        var second = await app.PledgeAsync(new { amountCents = 2_200, donor = Donor("Anna Jahresweg", null) });
        await app.ImportAsync(CamtWriter.Write053v08("J1", Requests.AppealIban,
        [
            new GeneratedCredit(1_100, Day, StructuredReference: first.GetProperty("reference").GetString()),
            new GeneratedCredit(2_200, Day, StructuredReference: second.GetProperty("reference").GetString()),
        ]));
        async Task<string> DonorOf(JsonElement pledge) => (await QueryAsync(
            $"select data->>'donorId' from {app.Schema}.mt_doc_donation where id = '{pledge.GetProperty("donationId").GetString()}'")).Single();
        var (into, merged) = (await DonorOf(first), await DonorOf(second));
        await Post($"/api/donors/{merged}/merge", new { intoDonorId = into, reason = "Gleiche Person" }, Treasurer, 200);
        await Post($"/api/donors/{merged}/merge/undo", new { reason = "Irrtum" }, Treasurer, 200);
        await Post($"/api/donors/{merged}/merge", new { intoDonorId = into, reason = "Doch gleiche Person" }, Treasurer, 200);
        var run = (await Post("/api/appeals/freude-schenken-2021/annual-receipts", new { year = 2021 }, Treasurer, 202)).GetProperty("runId").GetString();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (!(await app.Host.GetAsJsonAs(Treasurer, $"/api/annual-receipt-runs/{run}")).GetProperty("complete").GetBoolean()) await Task.Delay(100, timeout.Token);
    }

    private async Task SweepAsync()
        => await Wolverine.Tracking.WolverineHostMessageTrackingExtensions.TrackActivity(app.Host, TimeSpan.FromSeconds(30))
            .ExecuteAndWaitAsync((Func<Wolverine.IMessageContext, Task>)(bus => bus.InvokeAsync<FlutHilfe.Api.Deadlines.SweepResult>(new FlutHilfe.Api.Deadlines.SweepDeadlines())));

    private async Task<List<string>> WaitForEveryEventTypeAsync(IReadOnlyList<Type> handled)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            var recorded = await QueryAsync($"select distinct split_part(mt_dotnet_type, ',', 1) from {app.Schema}.mt_events");
            var missing = handled.Select(t => t.FullName!).Where(name => !recorded.Contains(name)).Order().ToList();
            if (missing.Count == 0 || timeout.IsCancellationRequested) return missing;
            try
            {
                await Task.Delay(100, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                return missing;
            }
        }
    }

    private static async Task EventuallyAsync(Func<Task<bool>> done)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (!await done()) await Task.Delay(50, timeout.Token);
    }

    private static async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(AppFixture.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    private static async Task<List<string>> QueryAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(AppFixture.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken)) rows.Add(reader.GetString(0));
        return rows;
    }

    private async Task<Dictionary<string, List<string>>> SnapshotAsync(IReadOnlyList<string> tables)
    {
        var result = new Dictionary<string, List<string>>();
        foreach (var table in tables)
        {
            result[table] = await QueryAsync($"select id::text || ' ' || data::text from {app.Schema}.{table} order by id::text");
        }
        return result;
    }
}
