using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using FlutHilfe.Api.Audit.TamperEvidence;
using Npgsql;

namespace FlutHilfe.Api.Audit.Export;

public enum ExportFormat
{
    NdJson,
    Csv,
}

/// <summary>
/// Streams the event log in sequence order from one SQL reader straight into the response: each row is written and the
/// output flushed every few kilobytes, so memory stays constant whatever the size of the log. The data is written in the
/// chain's canonical JSON, with each event's chain hash (when sealed), so the export alone lets anybody recompute the chain.
/// No personal data can appear: events carry donor ids; names, addresses, e-mails and IBANs live in the personal-data
/// store, and the donor printed on a receipt is encrypted with the donor's own key.
/// </summary>
public static class EventExport
{
    private const int FlushBytes = 32 * 1024;

    public static readonly string[] CsvHeader =
        ["sequence", "streamId", "streamKind", "version", "type", "recordedAt", "userName", "correlationId", "causationId", "headers", "chainHash", "data"];

    private static readonly JsonWriterOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    public static async Task<long> WriteAsync(EventCatalogue catalogue, EventExportFilter filter, ExportFormat format, PipeWriter output, CancellationToken ct)
    {
        await using var connection = await catalogue.OpenAsync(ct);
        await using var command = Command(catalogue, filter, connection);
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);

        var rows = 0L;
        var pending = 0L;
        using var json = new Utf8JsonWriter(output, Json);
        if (format == ExportFormat.Csv) pending += WriteCsvLine(output, CsvHeader);
        while (await reader.ReadAsync(ct))
        {
            var row = new ExportRow(reader.GetInt64(0), reader.GetGuid(1), reader.GetInt64(2), reader.GetString(3), reader.GetDateTime(4),
                EventChain.CanonicalJson(reader.GetString(5)), Text(reader, 6), Text(reader, 7), Text(reader, 8), Text(reader, 9),
                reader.IsDBNull(10) ? null : Convert.ToHexStringLower((byte[])reader.GetValue(10)));
            pending += format == ExportFormat.Csv ? WriteCsv(output, row, catalogue) : WriteNdJson(json, output, row, catalogue);
            rows++;
            if (pending >= FlushBytes)
            {
                var flushed = await output.FlushAsync(ct);
                if (flushed.IsCanceled || flushed.IsCompleted) return rows;
                pending = 0;
            }
        }
        await output.FlushAsync(ct);
        return rows;
    }

    private sealed record ExportRow(long Sequence, Guid StreamId, long Version, string Type, DateTime RecordedAt, string Data,
        string? UserName, string? CorrelationId, string? CausationId, string? Headers, string? ChainHash);

    private static string? Text(NpgsqlDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);

    private static NpgsqlCommand Command(EventCatalogue catalogue, EventExportFilter filter, NpgsqlConnection connection)
    {
        var where = new List<string>();
        var command = new NpgsqlCommand { Connection = connection, CommandTimeout = 0 };
        if (filter.FromSequence is { } low)
        {
            where.Add("e.seq_id >= @low");
            command.Parameters.AddWithValue("low", low);
        }
        if (filter.ToSequence is { } high)
        {
            where.Add("e.seq_id <= @high");
            command.Parameters.AddWithValue("high", high);
        }
        if (filter.From is { } from)
        {
            where.Add("e.timestamp >= @from");
            command.Parameters.AddWithValue("from", from);
        }
        if (filter.To is { } to)
        {
            where.Add("e.timestamp <= @to");
            command.Parameters.AddWithValue("to", to);
        }
        if (filter.StreamKind is { } kind)
        {
            where.Add("e.type = any(@types)");
            command.Parameters.AddWithValue("types", catalogue.NamesOfKind(kind));
        }
        var s = catalogue.Schema;
        command.CommandText = $"""
            select e.seq_id, e.stream_id, e.version, e.type, e.timestamp, e.data::text, e.user_name, e.correlation_id, e.causation_id, e.headers::text, c.hash
            from {s}.mt_events e left join {s}.{ChainTables.Links} c on c.seq_id = e.seq_id
            {(where.Count == 0 ? "" : "where " + string.Join(" and ", where))}
            order by e.seq_id
            """;
        return command;
    }

    private static long WriteNdJson(Utf8JsonWriter json, PipeWriter output, ExportRow row, EventCatalogue catalogue)
    {
        json.Reset(output);
        json.WriteStartObject();
        json.WriteNumber("sequence", row.Sequence);
        json.WriteString("streamId", row.StreamId);
        json.WriteString("streamKind", catalogue.KindOfName(row.Type));
        json.WriteNumber("version", row.Version);
        json.WriteString("type", row.Type);
        json.WriteString("recordedAt", EventChain.Timestamp(row.RecordedAt));
        json.WritePropertyName("data");
        json.WriteRawValue(row.Data, skipInputValidation: true);
        json.WriteStartObject("metadata");
        json.WriteString("userName", row.UserName);
        json.WriteString("correlationId", row.CorrelationId);
        json.WriteString("causationId", row.CausationId);
        json.WritePropertyName("headers");
        if (row.Headers is null) json.WriteNullValue();
        else json.WriteRawValue(row.Headers, skipInputValidation: true);
        json.WriteEndObject();
        json.WriteString("chainHash", row.ChainHash);
        json.WriteEndObject();
        json.Flush();
        var written = json.BytesCommitted;
        output.Write("\n"u8);
        return written + 1;
    }

    private static long WriteCsv(PipeWriter output, ExportRow row, EventCatalogue catalogue)
        => WriteCsvLine(output, [row.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), row.StreamId.ToString("D"), catalogue.KindOfName(row.Type),
            row.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), row.Type, EventChain.Timestamp(row.RecordedAt), row.UserName, row.CorrelationId,
            row.CausationId, row.Headers, row.ChainHash, row.Data]);

    /// <summary>One RFC 4180 record: fields with a comma, quote, CR or LF quoted, quotes doubled, CRLF at the end.</summary>
    public static long WriteCsvLine(IBufferWriter<byte> output, IReadOnlyList<string?> fields)
    {
        var line = new StringBuilder();
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0) line.Append(',');
            var field = fields[i] ?? "";
            if (field.AsSpan().IndexOfAny(",\"\r\n") >= 0) line.Append('"').Append(field.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            else line.Append(field);
        }
        line.Append("\r\n");
        var bytes = Encoding.UTF8.GetBytes(line.ToString());
        output.Write(bytes);
        return bytes.Length;
    }
}
