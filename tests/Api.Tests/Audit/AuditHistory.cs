using System.Text.Json;
using FlutHilfe.TestSupport;
using Marten;
using Marten.Events;
using JasperFx.Events.Daemon;
using Npgsql;

namespace FlutHilfe.Api.Tests.Audit;

/// <summary>
/// A small history touching every stream kind (appeal, donations, payments, a statement, an allocation with a voucher,
/// receipts), with a donor and a payer whose personal data is distinctive, so a test can search the output for it.
/// </summary>
public sealed record AuditHistory(Guid DonationId, Guid AllocationId, Guid DocumentId, string MunicipalityClerk)
{
    public const string DonorName = "Zacharias Quellenbrunn-Ottoway";
    public const string DonorStreet = "Xylophonweg 77";
    public const string DonorEmail = "z.quellenbrunn@example.org";
    public const string PayerName = "Quellenbrunn-Ottoway, Zacharias";
    public const string PayerIban = "DE75512108001245126199";
    public static readonly string[] PersonalData = [DonorName, "Quellenbrunn", DonorStreet, "Xylophonweg", DonorEmail, PayerIban];

    private static readonly DateOnly Day = new(2021, 11, 20);
    public static readonly byte[] Voucher = "%PDF-1.4\n% Rechnung Spielwaren\n"u8.ToArray();

    public static async Task<AuditHistory> ProduceAsync(AppFixture app)
    {
        var treasurer = app.Token("treasurer");
        await app.OpenAppealAsync();
        var donor = new { name = DonorName, street = DonorStreet, postalCode = "52062", city = "Aachen", country = "DE", email = DonorEmail };
        var pledge = await app.PledgeAsync(new { amountCents = 30_000, receiptWanted = true, donor,
            earmarks = new[] { new { municipalityId = "stolberg", purposeId = "kita-schulmaterial", amountCents = 30_000 } } });
        var other = await app.PledgeAsync(new { amountCents = 12_345 });
        await app.ImportAsync(CamtWriter.Write053v08("A1", Requests.AppealIban,
        [
            new GeneratedCredit(30_000, Day, DebtorName: PayerName, DebtorIban: PayerIban, StructuredReference: pledge.GetProperty("reference").GetString()),
            new GeneratedCredit(12_345, Day, DebtorName: "Erika Mustermann", StructuredReference: other.GetProperty("reference").GetString()),
        ]));

        var allocation = (await Post(app, "/api/appeals/freude-schenken-2021/allocations", new { municipalityId = "stolberg", purposeId = "kita-schulmaterial",
            amountCents = 20_000, decisionReference = "SI/2021/088", decidedOn = "2021-12-10" }, treasurer, 201)).GetProperty("allocationId").GetGuid();
        var clerk = app.Token("municipality", "stolberg");
        var document = (await (await app.Host.Scenario(s =>
        {
            s.Post.Url("/api/documents?fileName=rechnung.pdf");
            s.ConfigureHttpContext(c =>
            {
                c.Request.Body = new MemoryStream(Voucher);
                c.Request.ContentLength = Voucher.Length;
                c.Request.ContentType = "application/pdf";
            });
            s.WithBearer(clerk);
            s.StatusCodeShouldBe(201);
        })).ReadAsJsonAsync<JsonElement>()).GetProperty("documentId").GetGuid();
        await Post(app, $"/api/allocations/{allocation}/spending", new { date = "2021-12-15", payee = "Spielwaren Becker GmbH", payeeIsOrganisation = true,
            reason = "Bastelmaterial", purposeId = "kita-schulmaterial", amountCents = 1_999, voucherNumber = "V-1", documentId = document }, clerk, 201);
        await Post(app, $"/api/allocations/{allocation}/disbursements", new { amountCents = 5_000, paidOn = "2021-12-20", bankReference = "UEB-1" }, treasurer, 200);

        await EventuallyAsync(app, $"select count(*) from {app.Schema}.mt_events where type = 'receipt_issued'");
        await CaughtUpAsync(app);
        return new AuditHistory(pledge.GetProperty("donationId").GetGuid(), allocation, document, clerk);
    }

    public static async Task ResetAsync(AppFixture app)
    {
        await app.ResetAsync();
        await ExecuteAsync($"truncate {app.Schema}.audit_chain, {app.Schema}.audit_checkpoints");
    }

    public static async Task<JsonElement> Post(AppFixture app, string url, object body, string token, int status)
        => await (await app.Host.Scenario(s =>
        {
            s.Post.Json(body).ToUrl(url);
            s.WithBearer(token);
            s.StatusCodeShouldBe(status);
        })).ReadAsJsonAsync<JsonElement>();

    public static async Task<string> GetTextAsync(AppFixture app, string url, string token, int status = 200)
    {
        var result = await app.Host.Scenario(s =>
        {
            s.Get.Url(url);
            s.WithBearer(token);
            s.StatusCodeShouldBe(status);
        });
        return await result.ReadAsTextAsync();
    }

    public static async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(AppFixture.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    public static async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(AppFixture.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    /// <summary>Every async projection has processed every event (its progression reached the last sequence).</summary>
    public static async Task CaughtUpAsync(AppFixture app)
    {
        var asyncProjections = StoreModel.Projections(app.Store).Count(p => p.Lifecycle == JasperFx.Events.Projections.ProjectionLifecycle.Async);
        await EventuallyAsync(app, $"""
            select case when (select count(*) from {app.Schema}.mt_event_progression where name like '%:All'
                                and last_seq_id >= (select coalesce(max(seq_id), 0) from {app.Schema}.mt_events)) >= {asyncProjections} then 1 else 0 end::bigint
            """, seconds: 60);
    }

    private static async Task EventuallyAsync(AppFixture app, string countSql, int seconds = 30)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(seconds));
        while (await ScalarAsync<long>(countSql) == 0) await Task.Delay(50, timeout.Token);
    }
}
