using System.Text.Json;
using FlutHilfe.Api.Audit.Verification;
using Microsoft.Extensions.DependencyInjection;

namespace FlutHilfe.Api.Tests.Audit;

/// <summary>
/// GET /api/audit/verify and <c>audit verify</c>: the whole log replayed into fresh in-memory projections and compared
/// document by document with the stored ones; a document corrupted with SQL is reported, and never repaired.
/// </summary>
public class VerificationTests(AppFixture app) : IClassFixture<AppFixture>, IAsyncLifetime
{
    public async ValueTask InitializeAsync() => await AuditHistory.ResetAsync(app);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<JsonElement> VerifyAsync()
        => JsonDocument.Parse(await AuditHistory.GetTextAsync(app, "/api/audit/verify", app.Token("auditor"))).RootElement.Clone();

    private async Task<(bool Ok, string Output)> CommandAsync()
    {
        var output = new StringWriter();
        var ok = await AuditCommand.RunAsync(app.Host.Services, AuditAction.Verify, null, output, TestContext.Current.CancellationToken);
        return (ok, output.ToString());
    }

    [Fact]
    public async Task a_clean_log_verifies_with_every_projected_document_type_compared()
    {
        await AuditHistory.ProduceAsync(app);
        var report = await VerifyAsync();

        report.GetProperty("differences").GetArrayLength().ShouldBe(0, report.GetProperty("differences").ToString());
        report.GetProperty("ok").GetBoolean().ShouldBeTrue();
        report.GetProperty("projectionsNotVerified").GetArrayLength().ShouldBe(0);
        var types = report.GetProperty("projections").EnumerateArray().ToDictionary(p => p.GetProperty("documentType").GetString()!, p => p.GetProperty("documents").GetInt64());
        // Every projection the store is configured with, read from the store itself (a new one cannot be forgotten).
        var configured = StoreModel.Projections(app.Store).SelectMany(StoreModel.DocumentTypes).Select(t => t.Name).Distinct().Order().ToList();
        types.Keys.Order().ShouldBe(configured);
        foreach (var type in new[] { "FundBalance", "MunicipalityBalance", "AppealTotals", "TransparencyReport", "Donation", "Payment", "Allocation", "Receipt", "Appeal", "BankStatement" })
            types[type].ShouldBeGreaterThan(0, type);
        report.GetProperty("documentsChecked").GetInt32().ShouldBe(1);

        var (ok, output) = await CommandAsync();
        ok.ShouldBeTrue(output);
        output.ShouldContain("OK: no differences.");
    }

    [Fact]
    public async Task a_projection_document_corrupted_with_sql_is_reported_by_the_endpoint_and_the_command_and_left_as_it_is()
    {
        var history = await AuditHistory.ProduceAsync(app);
        var s = app.Schema;
        var fund = "freude-schenken-2021|m:stolberg/p:kita-schulmaterial";
        var municipality = "freude-schenken-2021|stolberg";
        var confirmed = await AuditHistory.ScalarAsync<long>($"select (data->>'confirmed')::bigint from {s}.mt_doc_fundbalance where id = '{fund}'");
        confirmed.ShouldBe(30_000);
        // An inline read model, an async read model and a stream snapshot, each changed behind the service's back.
        await AuditHistory.ExecuteAsync($$"""
            update {{s}}.mt_doc_fundbalance set data = jsonb_set(data, '{confirmed}', '31000') where id = '{{fund}}';
            update {{s}}.mt_doc_municipalitybalance set data = jsonb_set(data, '{spent}', '0') where id = '{{municipality}}';
            update {{s}}.mt_doc_donation set data = jsonb_set(data, '{pledgedCents}', '1') where id = '{{history.DonationId}}';
            """);

        var report = await VerifyAsync();
        report.GetProperty("ok").GetBoolean().ShouldBeFalse();
        var differences = report.GetProperty("differences").EnumerateArray().ToList();
        differences.ShouldAllBe(d => d.GetProperty("area").GetString() == "projection");
        var found = differences.Select(d => (Type: d.GetProperty("documentType").GetString(), Id: d.GetProperty("id").GetString(), Path: d.GetProperty("path").GetString(),
            Stored: d.GetProperty("stored").GetString(), Replayed: d.GetProperty("replayed").GetString())).ToList();
        found.ShouldContain(("FundBalance", fund, "$.confirmed", "31000", "30000"));
        found.ShouldContain(d => d.Type == "MunicipalityBalance" && d.Id == municipality && d.Path == "$.spent" && d.Stored == "0" && d.Replayed == "1999");
        found.ShouldContain(d => d.Type == "Donation" && d.Id == history.DonationId.ToString() && d.Path == "$.pledgedCents" && d.Stored == "1" && d.Replayed == "30000");
        // Derived fields that follow from the changed ones (available, open) are named too; nothing else differs.
        found.Select(d => d.Type).Distinct().Order().ShouldBe(["Donation", "FundBalance", "MunicipalityBalance"]);

        var (ok, output) = await CommandAsync();
        ok.ShouldBeFalse();
        output.ShouldContain($"FundBalance {fund}: $.confirmed is 31000 in the store, 30000 after the replay.");
        output.ShouldContain("FAILED");
        var (exitCode, processOutput) = await VerifyProcessAsync(app);
        exitCode.ShouldNotBe(0, processOutput);
        processOutput.ShouldContain($"FundBalance {fund}: $.confirmed is 31000 in the store, 30000 after the replay.");

        // Verification reads only: the corrupted document is still as it was.
        (await AuditHistory.ScalarAsync<long>($"select (data->>'confirmed')::bigint from {s}.mt_doc_fundbalance where id = '{fund}'")).ShouldBe(31_000);
    }

    [Fact]
    public async Task a_deleted_and_an_invented_projection_document_are_reported()
    {
        await AuditHistory.ProduceAsync(app);
        var s = app.Schema;
        await AuditHistory.ExecuteAsync($$"""
            delete from {{s}}.mt_doc_appealtotals where id = 'freude-schenken-2021';
            insert into {{s}}.mt_doc_transparencyreport (id, data, mt_dotnet_type, mt_version, mt_last_modified)
              select 'erfunden', data, mt_dotnet_type, mt_version, mt_last_modified from {{s}}.mt_doc_transparencyreport limit 1;
            """);
        var differences = (await VerifyAsync()).GetProperty("differences").EnumerateArray()
            .Select(d => (d.GetProperty("documentType").GetString(), d.GetProperty("id").GetString(), d.GetProperty("stored").ValueKind, d.GetProperty("replayed").ValueKind)).ToList();
        differences.ShouldBe([("AppealTotals", "freude-schenken-2021", JsonValueKind.Null, JsonValueKind.String), ("TransparencyReport", "erfunden", JsonValueKind.String, JsonValueKind.Null)],
            ignoreOrder: true);
    }

    /// <summary><c>dotnet FlutHilfe.Api.dll audit verify</c> as its own process on this test's schema: its output and exit code.</summary>
    public static async Task<(int ExitCode, string Output)> VerifyProcessAsync(AppFixture app)
    {
        // The service's own build output (beside the tests' output, the command line would scan the test assemblies too).
        var service = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../src/Api/bin/Release/net10.0"));
        File.Exists(Path.Combine(service, "FlutHilfe.Api.dll")).ShouldBeTrue($"the service is built to {service}");
        var start = new System.Diagnostics.ProcessStartInfo("dotnet", ["FlutHilfe.Api.dll", "audit", "verify"])
        {
            WorkingDirectory = service,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["ConnectionStrings__FlutHilfe"] = AppFixture.ConnectionString,
                ["Marten__Schema"] = app.Schema,
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["DemoData__Seed"] = "false",
            },
        };
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }
}
