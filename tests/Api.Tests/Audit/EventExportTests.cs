using System.Text;
using System.Text.Json;

namespace FlutHilfe.Api.Tests.Audit;

/// <summary>GET /api/audit/events: the whole log in sequence order, NDJSON or CSV, filtered, without personal data.</summary>
public class EventExportTests(AppFixture app) : IClassFixture<AppFixture>, IAsyncLifetime
{
    public async ValueTask InitializeAsync() => await AuditHistory.ResetAsync(app);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private string Auditor => app.Token("auditor");

    private async Task<List<JsonElement>> ExportAsync(string query = "")
    {
        var text = await AuditHistory.GetTextAsync(app, "/api/audit/events" + query, Auditor);
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();
    }

    [Fact]
    public async Task every_event_comes_once_in_sequence_order_with_stream_kind_type_time_data_and_metadata()
    {
        var history = await AuditHistory.ProduceAsync(app);
        var lines = await ExportAsync();

        var stored = await AuditHistory.ScalarAsync<long>($"select count(*) from {app.Schema}.mt_events");
        lines.Count.ShouldBe((int)stored);
        var sequences = lines.Select(l => l.GetProperty("sequence").GetInt64()).ToList();
        sequences.ShouldBe(sequences.Order().Distinct().ToList(), "strictly ascending, each once");
        lines.Select(l => l.GetProperty("streamKind").GetString()).Distinct().Order()
            .ShouldBe(["allocation", "appeal", "donation", "payment", "receipt", "statement"]);
        lines.ShouldAllBe(l => l.GetProperty("recordedAt").GetString()!.EndsWith('Z'));

        var pledged = lines.Single(l => l.GetProperty("type").GetString() == "donation_pledged"
                                        && l.GetProperty("data").GetProperty("donationId").GetGuid() == history.DonationId);
        pledged.GetProperty("streamKind").GetString().ShouldBe("donation");
        pledged.GetProperty("streamId").GetGuid().ShouldBe(history.DonationId);
        pledged.GetProperty("version").GetInt64().ShouldBe(1);
        pledged.GetProperty("data").GetProperty("amount").GetInt64().ShouldBe(30_000);

        var allocated = lines.Single(l => l.GetProperty("type").GetString() == "funds_allocated");
        allocated.GetProperty("streamId").GetGuid().ShouldBe(history.AllocationId);
        var metadata = allocated.GetProperty("metadata");
        metadata.GetProperty("userName").GetString().ShouldBe("treasurer");
        metadata.GetProperty("correlationId").GetString().ShouldNotBeNullOrEmpty();
        metadata.TryGetProperty("causationId", out _).ShouldBeTrue();
        lines.Single(l => l.GetProperty("type").GetString() == "spending_reported").GetProperty("metadata").GetProperty("userName").GetString()
            .ShouldBe("municipality-stolberg");
    }

    [Fact]
    public async Task the_export_never_carries_the_donors_or_payers_personal_data_only_the_donor_id()
    {
        await AuditHistory.ProduceAsync(app);
        // The person is in the store (sealed) and the receipt's event (encrypted): the export shows neither in plain text.
        var ndjson = await AuditHistory.GetTextAsync(app, "/api/audit/events", Auditor);
        var csv = await AuditHistory.GetTextAsync(app, "/api/audit/events?format=csv", Auditor);
        foreach (var personal in AuditHistory.PersonalData)
        {
            ndjson.ShouldNotContain(personal, Case.Insensitive);
            csv.ShouldNotContain(personal, Case.Insensitive);
            ndjson.ShouldNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(personal)));
        }
        var pledged = (await ExportAsync("?streamKind=donation")).First(l => l.GetProperty("type").GetString() == "donation_pledged"
            && l.GetProperty("data").GetProperty("donorId").ValueKind == JsonValueKind.String);
        pledged.GetProperty("data").GetProperty("donorId").GetGuid().ShouldNotBe(Guid.Empty);
        var issued = (await ExportAsync("?streamKind=receipt")).First(l => l.GetProperty("type").GetString() == "receipt_issued");
        issued.GetProperty("data").GetProperty("donorId").GetGuid().ShouldBe(pledged.GetProperty("data").GetProperty("donorId").GetGuid());
    }

    [Fact]
    public async Task filters_by_sequence_range_time_range_and_stream_kind()
    {
        await AuditHistory.ProduceAsync(app);
        var all = await ExportAsync();
        var sequences = all.Select(l => l.GetProperty("sequence").GetInt64()).ToList();
        var (low, high) = (sequences[2], sequences[^3]);

        var range = await ExportAsync($"?fromSequence={low}&toSequence={high}");
        range.Select(l => l.GetProperty("sequence").GetInt64()).ShouldBe(sequences.Where(s => s >= low && s <= high));

        var allocations = await ExportAsync("?streamKind=allocation");
        allocations.Count.ShouldBe(all.Count(l => l.GetProperty("streamKind").GetString() == "allocation"));
        allocations.Count.ShouldBeGreaterThan(0);
        allocations.ShouldAllBe(l => l.GetProperty("streamKind").GetString() == "allocation");

        var middle = all[all.Count / 2].GetProperty("recordedAt").GetString()!;
        var from = await ExportAsync("?from=" + Uri.EscapeDataString(middle));
        from.Select(l => l.GetProperty("sequence").GetInt64())
            .ShouldBe(all.Where(l => string.CompareOrdinal(l.GetProperty("recordedAt").GetString(), middle) >= 0).Select(l => l.GetProperty("sequence").GetInt64()));
        var to = await ExportAsync("?to=" + Uri.EscapeDataString(middle) + "&streamKind=donation");
        to.Select(l => l.GetProperty("sequence").GetInt64()).ShouldBe(all.Where(l => string.CompareOrdinal(l.GetProperty("recordedAt").GetString(), middle) <= 0
            && l.GetProperty("streamKind").GetString() == "donation").Select(l => l.GetProperty("sequence").GetInt64()));
    }

    [Theory]
    [InlineData("fromSequence=abc", 400, "fromSequence")]
    [InlineData("toSequence=-5", 400, "toSequence")]
    [InlineData("fromSequence=0", 422, "fromSequence")]
    [InlineData("fromSequence=10&toSequence=9", 422, "toSequence")]
    [InlineData("from=gestern", 400, "from")]
    [InlineData("from=2021-12-02T00:00:00Z&to=2021-12-01T00:00:00Z", 422, "to")]
    [InlineData("streamKind=spende", 422, "streamKind")]
    [InlineData("format=xml", 422, "format")]
    public async Task a_bad_filter_is_a_problem_naming_the_parameter(string query, int status, string field)
    {
        var body = await AuditHistory.GetTextAsync(app, "/api/audit/events?" + query, Auditor, status);
        var problem = JsonDocument.Parse(body).RootElement;
        problem.GetProperty("field").GetString().ShouldBe(field);
        problem.GetProperty("status").GetInt32().ShouldBe(status);
    }

    [Fact]
    public async Task csv_has_a_header_row_one_rfc_4180_record_per_event_and_the_data_as_json()
    {
        await AuditHistory.ProduceAsync(app);
        var lines = await ExportAsync();
        var csv = await AuditHistory.GetTextAsync(app, "/api/audit/events?format=csv", Auditor);
        csv.ShouldEndWith("\r\n");
        var records = Rfc4180(csv);
        records[0].ShouldBe(["sequence", "streamId", "streamKind", "version", "type", "recordedAt", "userName", "correlationId", "causationId", "headers", "chainHash", "data"]);
        records.Count.ShouldBe(lines.Count + 1);
        for (var i = 0; i < lines.Count; i++)
        {
            var (record, line) = (records[i + 1], lines[i]);
            record[0].ShouldBe(line.GetProperty("sequence").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture));
            record[2].ShouldBe(line.GetProperty("streamKind").GetString());
            record[4].ShouldBe(line.GetProperty("type").GetString());
            record[11].ShouldBe(line.GetProperty("data").GetRawText());
            JsonDocument.Parse(record[11]).RootElement.ValueKind.ShouldBe(JsonValueKind.Object);
        }
    }

    /// <summary>A strict RFC 4180 reader: quoted fields, doubled quotes, CRLF record ends.</summary>
    private static List<string[]> Rfc4180(string text)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '"')
            {
                i++;
                while (true)
                {
                    if (text[i] == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i += 2; }
                    else if (text[i] == '"') { i++; break; }
                    else field.Append(text[i++]);
                }
            }
            while (i < text.Length && text[i] != ',' && text[i] != '\r') field.Append(text[i++]);
            fields.Add(field.ToString());
            field.Clear();
            if (i < text.Length && text[i] == ',') { i++; continue; }
            text.Substring(i, 2).ShouldBe("\r\n");
            i += 2;
            records.Add([.. fields]);
            fields.Clear();
        }
        return records;
    }
}
