using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace FlutHilfe.Api.Tests.Audit;

/// <summary>
/// The hash chain over the events (and, through the spending events, the vouchers' SHA-256) with signed checkpoints:
/// checkable offline from the export and the published key; a changed event row is named by its sequence; erasing
/// personal data is not tampering.
/// </summary>
public class TamperEvidenceTests(AppFixture app) : IClassFixture<AppFixture>, IAsyncLifetime
{
    public async ValueTask InitializeAsync() => await AuditHistory.ResetAsync(app);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private string Auditor => app.Token("auditor");

    private async Task<JsonElement> SealAsync()
        => await AuditHistory.Post(app, "/api/audit/checkpoints", new { }, app.Token("treasurer"), 200);

    private async Task<JsonElement> VerifyAsync()
        => JsonDocument.Parse(await AuditHistory.GetTextAsync(app, "/api/audit/verify", Auditor)).RootElement.Clone();

    private static List<(string Area, long? Sequence, string Message)> Differences(JsonElement report)
        => report.GetProperty("differences").EnumerateArray().Select(d => (d.GetProperty("area").GetString()!,
            d.GetProperty("sequence").ValueKind == JsonValueKind.Number ? d.GetProperty("sequence").GetInt64() : (long?)null, d.GetProperty("message").GetString()!)).ToList();

    [Fact]
    public async Task the_chain_and_a_signed_checkpoint_can_be_checked_offline_from_the_export_and_the_published_key()
    {
        await AuditHistory.ProduceAsync(app);
        var seal = await SealAsync();
        var checkpoint = seal.GetProperty("checkpoints").EnumerateArray().Single();
        var events = await AuditHistory.ScalarAsync<long>($"select count(*) from {app.Schema}.mt_events");
        checkpoint.GetProperty("events").GetInt64().ShouldBe(events);

        // Recompute the chain from the NDJSON export alone, as an auditor would.
        var lines = (await AuditHistory.GetTextAsync(app, "/api/audit/events", Auditor)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var hash = new byte[32];
        foreach (var line in lines)
        {
            var e = JsonDocument.Parse(line).RootElement;
            var body = string.Join('\n', "fluthilfe-event/1", e.GetProperty("sequence").GetInt64(), e.GetProperty("streamId").GetString(), e.GetProperty("version").GetInt64(),
                e.GetProperty("type").GetString(), e.GetProperty("recordedAt").GetString(), e.GetProperty("data").GetRawText());
            hash = SHA256.HashData([.. hash, .. Encoding.UTF8.GetBytes(body)]);
            e.GetProperty("chainHash").GetString().ShouldBe(Convert.ToHexStringLower(hash), $"event {e.GetProperty("sequence")}");
        }
        Convert.ToHexStringLower(hash).ShouldBe(checkpoint.GetProperty("hash").GetString());

        // Check the signature with the published public key.
        var keys = JsonDocument.Parse(await AuditHistory.GetTextAsync(app, "/api/audit/public-keys", Auditor)).RootElement;
        var key = keys.GetProperty("keys").EnumerateArray().Single(k => k.GetProperty("keyId").GetString() == checkpoint.GetProperty("keyId").GetString());
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(key.GetProperty("pem").GetString());
        var message = string.Join('\n', "fluthilfe-checkpoint/1", checkpoint.GetProperty("sequence").GetInt64(), checkpoint.GetProperty("hash").GetString(),
            checkpoint.GetProperty("events").GetInt64(), checkpoint.GetProperty("signedAt").GetDateTimeOffset().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture));
        ecdsa.VerifyData(Encoding.UTF8.GetBytes(message), Convert.FromBase64String(checkpoint.GetProperty("signature").GetString()!), HashAlgorithmName.SHA256,
            DSASignatureFormat.IeeeP1363FixedFieldConcatenation).ShouldBeTrue();

        var listed = JsonDocument.Parse(await AuditHistory.GetTextAsync(app, "/api/audit/checkpoints", Auditor)).RootElement;
        listed.GetArrayLength().ShouldBe(1);
        var report = await VerifyAsync();
        Differences(report).ShouldBeEmpty();
        report.GetProperty("sealedEvents").GetInt64().ShouldBe(events);
        report.GetProperty("checkpointsChecked").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task a_stored_event_changed_with_sql_is_named_by_its_sequence()
    {
        var history = await AuditHistory.ProduceAsync(app);
        await SealAsync();
        var s = app.Schema;
        var sequence = await AuditHistory.ScalarAsync<long>($"select seq_id from {s}.mt_events where type = 'funds_allocated'");
        // One cent more for Stolberg, written straight into the event row (the projections are left alone).
        await AuditHistory.ExecuteAsync($"update {s}.mt_events set data = jsonb_set(data, '{{amount}}', '20001') where seq_id = {sequence}");

        var report = await VerifyAsync();
        report.GetProperty("ok").GetBoolean().ShouldBeFalse();
        var chain = Differences(report).Where(d => d.Area == "chain").ToList();
        chain.Count.ShouldBe(1);
        chain[0].Sequence.ShouldBe(sequence);
        chain[0].Message.ShouldStartWith($"Event {sequence} (funds_allocated, stream {history.AllocationId}");
        Differences(report).ShouldContain(d => d.Area == "checkpoint" && d.Message.Contains("recomputed"));
        // The replay of the changed log no longer gives the stored figures either.
        Differences(report).ShouldContain(d => d.Area == "projection");

        var output = new StringWriter();
        (await FlutHilfe.Api.Audit.Verification.AuditCommand.RunAsync(app.Host.Services, FlutHilfe.Api.Audit.Verification.AuditAction.Verify, null, output,
            TestContext.Current.CancellationToken)).ShouldBeFalse();
        output.ToString().ShouldContain($"DIFFERENCE [chain] Event {sequence} (funds_allocated");
    }

    [Fact]
    public async Task a_deleted_event_an_event_slipped_into_the_sealed_range_a_rewritten_checkpoint_and_a_changed_voucher_are_reported()
    {
        var history = await AuditHistory.ProduceAsync(app);
        await SealAsync();
        var s = app.Schema;
        var disbursed = await AuditHistory.ScalarAsync<long>($"select seq_id from {s}.mt_events where type = 'funds_disbursed'");
        var first = await AuditHistory.ScalarAsync<long>($"select min(seq_id) from {s}.mt_events");
        await AuditHistory.ExecuteAsync($$"""
            delete from {{s}}.mt_events where seq_id = {{disbursed}};
            delete from {{s}}.audit_chain where seq_id = {{first}};
            update {{s}}.audit_checkpoints set hash = sha256(hash);
            update {{s}}.mt_doc_storeddocument set data = jsonb_set(data, '{content}', to_jsonb('{{Convert.ToBase64String("%PDF-1.4 gefälscht"u8.ToArray())}}'::text)) where id = '{{history.DocumentId}}';
            """);

        var differences = Differences(await VerifyAsync());
        differences.ShouldContain(d => d.Area == "chain" && d.Sequence == disbursed && d.Message.Contains("missing"));
        differences.ShouldContain(d => d.Area == "chain" && d.Sequence == first && d.Message.Contains("never sealed"));
        differences.ShouldContain(d => d.Area == "checkpoint" && d.Message.Contains("signature does not match"));
        differences.ShouldContain(d => d.Area == "document" && d.Message.Contains(history.DocumentId.ToString()));
    }

    [Fact]
    public async Task erasing_a_donors_personal_data_does_not_read_as_tampering()
    {
        await AuditHistory.ProduceAsync(app);
        await SealAsync();
        var s = app.Schema;
        // Erasure as the design describes it: the personal-data store forgets the person and the donor's key (the receipt
        // event keeps only ciphertext nobody can read any more). No event row is touched.
        await AuditHistory.ExecuteAsync($"delete from {s}.mt_doc_sealeddonorprofile; delete from {s}.mt_doc_donorkey; delete from {s}.mt_doc_payerdetails;");
        var report = await VerifyAsync();
        Differences(report).ShouldBeEmpty();
        report.GetProperty("ok").GetBoolean().ShouldBeTrue();
    }
}
