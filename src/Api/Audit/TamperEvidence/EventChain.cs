using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace FlutHilfe.Api.Audit.TamperEvidence;

/// <summary>The fields of an event that are never erased: what the hash chain covers (metadata is left out on purpose).</summary>
public readonly record struct ChainedEvent(long Sequence, Guid StreamId, long Version, string Type, DateTime RecordedAtUtc, string CanonicalData);

/// <summary>
/// The hash chain over the event log, pure: <c>hash_n = SHA-256(hash_{n-1} || canonical bytes of event n)</c>, in sequence
/// order, starting from 32 zero bytes. The canonical bytes are UTF-8 of
/// <c>fluthilfe-event/1 LF sequence LF stream id LF version LF type LF recorded (UTC, microseconds) LF data</c>, the data as
/// canonical JSON (object keys sorted by ordinal, no whitespace). The export writes exactly these values, so anybody can
/// recompute the chain from it offline. Metadata (user, correlation and causation ids, headers) is not covered: it may be
/// pseudonymised later without breaking the chain.
/// </summary>
public static class EventChain
{
    public const int HashBytes = 32;

    public static byte[] Genesis => new byte[HashBytes];

    public static string Timestamp(DateTime utc)
        => DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    public static byte[] CanonicalBytes(in ChainedEvent e)
        => Encoding.UTF8.GetBytes(string.Join('\n', "fluthilfe-event/1", e.Sequence.ToString(CultureInfo.InvariantCulture), e.StreamId.ToString("D"),
            e.Version.ToString(CultureInfo.InvariantCulture), e.Type, Timestamp(e.RecordedAtUtc), e.CanonicalData));

    public static byte[] Next(ReadOnlySpan<byte> previous, in ChainedEvent e)
    {
        var body = CanonicalBytes(e);
        var input = new byte[previous.Length + body.Length];
        previous.CopyTo(input);
        body.CopyTo(input.AsSpan(previous.Length));
        return SHA256.HashData(input);
    }

    private static readonly JsonWriterOptions Writer = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    /// <summary>Canonical JSON of a JSON text: keys sorted by ordinal (UTF-16 code units), numbers as written, no whitespace.</summary>
    public static string CanonicalJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(json.Length + 16);
        using (var writer = new Utf8JsonWriter(buffer, Writer)) Write(writer, document.RootElement);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void Write(Utf8JsonWriter writer, JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var p in e.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(p.Name);
                    Write(writer, p.Value);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in e.EnumerateArray()) Write(writer, item);
                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                writer.WriteStringValue(e.GetString());
                break;
            case JsonValueKind.Number:
                writer.WriteRawValue(e.GetRawText(), skipInputValidation: true);
                break;
            case JsonValueKind.True:
                writer.WriteBooleanValue(true);
                break;
            case JsonValueKind.False:
                writer.WriteBooleanValue(false);
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }
}
