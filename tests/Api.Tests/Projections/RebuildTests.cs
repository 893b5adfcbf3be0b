using System.Text.Json;
using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.BankStatements.Importing;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Payments;
using FlutHilfe.Projections.Appeals;
using FlutHilfe.Projections.Funds;
using FlutHilfe.Projections.Municipalities;
using JasperFx.Events.Daemon;
using Marten;
using Marten.Events;
using Npgsql;

namespace FlutHilfe.Api.Tests.Projections;

/// <summary>Every projection rebuilt from the log equals what was kept while the events happened.</summary>
public class RebuildTests(AppFixture app) : IClassFixture<AppFixture>
{
    private static readonly string[] Tables =
    [
        "mt_doc_appeal", "mt_doc_donation", "mt_doc_payment", "mt_doc_allocation", "mt_doc_fundbalance",
        "mt_doc_municipalitybalance", "mt_doc_appealtotals", "mt_doc_transparencyreport",
    ];

    [Fact]
    public async Task rebuilding_every_projection_from_the_log_gives_the_same_documents()
    {
        await app.ResetAsync();
        await ProduceHistoryAsync();
        await app.Store.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30));
        var before = await SnapshotAsync();
        before["mt_doc_fundbalance"].Count.ShouldBeGreaterThan(2);
        before["mt_doc_municipalitybalance"].Count.ShouldBe(2);

        // Throw the documents away, so that only the rebuild can bring them back.
        await ExecuteAsync(string.Join(';', Tables.Select(t => $"truncate {app.Schema}.{t}")));
        (await SnapshotAsync()).Values.ShouldAllBe(rows => rows.Count == 0);

        using (var daemon = await app.Store.BuildProjectionDaemonAsync())
        {
            var ct = TestContext.Current.CancellationToken;
            await daemon.RebuildProjectionAsync<Appeal>(ct);
            await daemon.RebuildProjectionAsync<Donation>(ct);
            await daemon.RebuildProjectionAsync<Payment>(ct);
            await daemon.RebuildProjectionAsync<Allocation>(ct);
            await daemon.RebuildProjectionAsync<FundBalanceProjection>(ct);
            await daemon.RebuildProjectionAsync<MunicipalityBalanceProjection>(ct);
            await daemon.RebuildProjectionAsync<AppealTotalsProjection>(ct);
            await daemon.RebuildProjectionAsync<TransparencyProjection>(ct);
        }

        var after = await SnapshotAsync();
        foreach (var table in Tables)
        {
            after[table].ShouldBe(before[table], $"{table} differs after the rebuild");
        }
    }

    private async Task ProduceHistoryAsync()
    {
        await app.OpenAppealAsync();
        var day = new DateOnly(2021, 11, 20);
        var bookings = new List<GeneratedCredit>();
        foreach (var (m, p, cents) in new (string?, string?, long)[] { ("stolberg", "kita-schulmaterial", 30_000), (null, null, 20_000), ("eschweiler", null, 7_777) })
        {
            var pledge = await app.PledgeAsync(new { amountCents = cents + 1, earmarks = new[] { new { municipalityId = m, purposeId = p, amountCents = cents + 1 } } });
            bookings.Add(new GeneratedCredit(cents, day, StructuredReference: pledge.GetProperty("reference").GetString()));
        }
        bookings.Add(new GeneratedCredit(1234, day, UnstructuredRemittance: "ohne Referenz"));
        await app.ImportAsync(CamtWriter.Write053v08("S1", Requests.AppealIban, bookings));

        var treasurer = app.Token("treasurer");
        foreach (var (municipality, purpose, amount) in new[] { ("stolberg", "kita-schulmaterial", 40_000L), ("eschweiler", (string?)null, 7_000L) })
        {
            var allocation = await (await app.Host.Scenario(s =>
            {
                s.Post.Json(new { municipalityId = municipality, purposeId = purpose, amountCents = amount, decisionReference = "SI/2021/088", decidedOn = "2021-12-10" })
                    .ToUrl("/api/appeals/freude-schenken-2021/allocations");
                s.WithBearer(treasurer);
                s.StatusCodeShouldBe(201);
            })).ReadAsJsonAsync<JsonElement>();
            var id = allocation.GetProperty("allocationId").GetString();
            await app.Host.Scenario(s =>
            {
                s.Post.Json(new { date = "2021-12-15", payee = "Spielwaren Becker GmbH", payeeIsOrganisation = true, reason = "Material", purposeId = purpose ?? "weihnachtsfeiern", amountCents = 999, voucherNumber = "V-" + municipality })
                    .ToUrl($"/api/allocations/{id}/spending");
                s.WithBearer(app.Token("municipality", municipality));
                s.StatusCodeShouldBe(201);
            });
        }
    }

    private static async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(AppFixture.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    private async Task<Dictionary<string, List<string>>> SnapshotAsync()
    {
        await using var connection = new NpgsqlConnection(AppFixture.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        var result = new Dictionary<string, List<string>>();
        foreach (var table in Tables)
        {
            await using var command = new NpgsqlCommand($"select id::text || ' ' || data::text from {app.Schema}.{table} order by id::text", connection);
            var rows = new List<string>();
            await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
            while (await reader.ReadAsync(TestContext.Current.CancellationToken)) rows.Add(reader.GetString(0));
            result[table] = rows;
        }
        return result;
    }
}
