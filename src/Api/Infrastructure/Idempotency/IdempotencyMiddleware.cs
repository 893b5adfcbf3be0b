using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FlutHilfe.Api.Infrastructure.Problems;

namespace FlutHilfe.Api.Infrastructure.Idempotency;

/// <summary>
/// Honours the <c>Idempotency-Key</c> header (IETF draft-ietf-httpapi-idempotency-key-header) on every command (POST,
/// PUT, PATCH, DELETE): the same key with the same request replays the first answer without a second effect; the same
/// key with another request is a 422; a retry while the first is still running is a 409. A first attempt that failed
/// with a 5xx (or was rate-limited) is forgotten, so the retry runs again.
/// <para>
/// Scope: a key belongs to its caller. Signed-in callers are told apart by their subject; anonymous callers (donors
/// pledging) have no identity, so their keys are bound to the client address: another client sending the same key and
/// body gets a request of its own, never the first donor's answer with its donor link. Nothing readable is stored: the
/// record id is a hash over scope and key, the request fingerprint a MAC, and the answer is sealed with AES-256-GCM
/// under a key derived (HKDF-SHA256) from the Idempotency-Key, which only the client knows. Records expire after
/// <c>Idempotency:RecordLifetime</c> (24 h); <see cref="IdempotencyCleanup"/> deletes them.
/// </para>
/// </summary>
public sealed class IdempotencyMiddleware(RequestDelegate next, IdempotencyStore store, IdempotencySettings settings, TimeProvider clock, ILogger<IdempotencyMiddleware> logger)
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotency-Replayed";
    private const int KeyLengthMax = 200;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private static readonly TimeSpan PendingTimeout = TimeSpan.FromMinutes(2);

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!request.Headers.TryGetValue(Header, out var values) || !IsCommand(request.Method))
        {
            await next(context);
            return;
        }

        if (ParseKey(values.ToString()) is not { } key)
        {
            await ProblemResponses.WriteAsync(context, Problem.Field(Header,
                $"{Header} must be a string of 1 to {KeyLengthMax} printable ASCII characters, e.g. \"{Guid.NewGuid()}\".", 400));
            return;
        }

        UploadSizeLimitAttribute.Apply(context);
        request.EnableBuffering();
        var secrets = new KeySecrets(key, ScopeOf(context), request.Method, request.Path);
        var now = clock.GetUtcNow();
        var pending = new IdempotencyRecord
        {
            Id = secrets.RecordId,
            Fingerprint = await FingerprintAsync(request, secrets, context.RequestAborted),
            StartedAt = now,
            ExpiresAt = now + settings.RecordLifetime,
        };

        if (context.GetEndpoint()?.Metadata.GetMetadata<RecordsIdempotencyInTransactionAttribute>() is not null)
        {
            await ExecuteRecordingInTransactionAsync(context, pending, secrets);
            return;
        }

        var existing = await store.TryClaimAsync(pending, context.RequestAborted);
        if (existing is not null && existing.ExpiresAt > now && await AnswerFromExistingAsync(context, existing, pending, secrets, now, PendingTimeout)) return;
        if (existing is not null)
        {
            // The first attempt died without an answer, or its record expired: this request takes the key over.
            await store.TakeOverAsync(pending, context.RequestAborted);
        }

        await ExecuteAndRecordAsync(context, pending, secrets);
    }

    /// <summary>
    /// The key as a Structured Field string (<c>"…"</c>, as the draft specifies), or bare for older clients:
    /// printable ASCII only.
    /// </summary>
    internal static string? ParseKey(string header)
    {
        var value = header.Trim();
        if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
        {
            var inner = new StringBuilder();
            for (var i = 1; i < value.Length - 1; i++)
            {
                var c = value[i];
                if (c == '\\')
                {
                    if (++i >= value.Length - 1 || value[i] is not ('"' or '\\')) return null;
                    c = value[i];
                }
                else if (c == '"')
                {
                    return null;
                }
                inner.Append(c);
            }
            value = inner.ToString();
        }
        else if (value.Contains('"'))
        {
            return null;
        }
        return value.Length is 0 or > KeyLengthMax || value.Any(c => c is < ' ' or > '~') || string.IsNullOrWhiteSpace(value) ? null : value;
    }

    /// <summary>Who the key belongs to: the signed-in subject, or for anonymous callers their address.</summary>
    private static string ScopeOf(HttpContext context)
        => context.User.Identity?.IsAuthenticated == true && context.User.FindFirst("sub")?.Value is { } subject
            ? "subject:" + subject
            : "anonymous:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");

    /// <summary>
    /// For an endpoint that writes the record in its own transaction: no claim before and no completion after (no
    /// transactions of their own). The endpoint commits effect and record together; if another request with this key
    /// committed first, the commit fails on the record's key (the effect rolls back) and this request answers from the
    /// winner's record: its answer replayed, or a 422 when the requests differ. A request that fails or is refused
    /// writes no record, so its retry runs again. A record that expired but was not yet deleted is removed and the
    /// request runs once more.
    /// </summary>
    private async Task ExecuteRecordingInTransactionAsync(HttpContext context, IdempotencyRecord pending, KeySecrets secrets)
    {
        context.Features.Set(new IdempotencyInTransaction(pending,
            (status, contentType, location, body) => Seal(new StoredAnswer(contentType, location, body), secrets, pending.Id)));
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await next(context);
                return;
            }
            catch (Exception e) when (IsDuplicateRecord(e, pending.Id) && !context.Response.HasStarted)
            {
                // Another request with this key committed first: this one's effect was rolled back with its record.
            }

            var existing = await store.LoadAsync(pending.Id, context.RequestAborted);
            var now = clock.GetUtcNow();
            if (existing is not null && existing.ExpiresAt > now)
            {
                // Records of this flow are written complete; one still pending belongs to another flow: never taken over here.
                await AnswerFromExistingAsync(context, existing, pending, secrets, now, TimeSpan.MaxValue);
                return;
            }
            if (attempt > 0)
            {
                context.Response.Headers.RetryAfter = "1";
                await ProblemResponses.WriteAsync(context, Problem.Of(409, "Conflict", "A request with this Idempotency-Key is still being processed."));
                return;
            }
            // Expired (or deleted meanwhile): the key is free again; run the request once more.
            if (existing is not null) await store.DeleteExpiredAsync(existing.Id, now, context.RequestAborted);
            pending.StartedAt = now;
            pending.ExpiresAt = now + settings.RecordLifetime;
            context.Request.Body.Position = 0;
        }
    }

    /// <summary>
    /// Answers from a live record of this key: 422 when it was used with a different request, its answer replayed when
    /// complete, 409 while its request still runs (started less than <paramref name="pendingTimeout"/> ago). False when
    /// its first attempt died without an answer: the caller may take the key over.
    /// </summary>
    private static async Task<bool> AnswerFromExistingAsync(HttpContext context, IdempotencyRecord existing, IdempotencyRecord pending, KeySecrets secrets,
        DateTimeOffset now, TimeSpan pendingTimeout)
    {
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(existing.Fingerprint), Encoding.ASCII.GetBytes(pending.Fingerprint)))
        {
            await ProblemResponses.WriteAsync(context, Problem.Field(Header, "This Idempotency-Key was already used with a different request."));
            return true;
        }
        if (existing.Completed)
        {
            await ReplayAsync(context, existing, secrets);
            return true;
        }
        if (now - existing.StartedAt >= pendingTimeout) return false;
        context.Response.Headers.RetryAfter = "1";
        await ProblemResponses.WriteAsync(context, Problem.Of(409, "Conflict", "A request with this Idempotency-Key is still being processed."));
        return true;
    }

    /// <summary>The commit failed because a record with this id exists (Marten's mapping, or the unique violation itself).</summary>
    private static bool IsDuplicateRecord(Exception e, string recordId)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            if (x is JasperFx.DocumentAlreadyExistsException d && (d.DocType == typeof(IdempotencyRecord) || Equals(d.Id, recordId))) return true;
            if (x is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation } p
                && p.TableName?.EndsWith("mt_doc_idempotencyrecord", StringComparison.Ordinal) == true) return true;
        }
        return false;
    }

    private async Task ExecuteAndRecordAsync(HttpContext context, IdempotencyRecord record, KeySecrets secrets)
    {
        var original = context.Response.Body;
        using var capture = new MemoryStream();
        context.Response.Body = capture;
        try
        {
            await next(context);
        }
        catch
        {
            context.Response.Body = original;
            await store.ReleaseAsync(record.Id, CancellationToken.None);
            throw;
        }
        finally
        {
            context.Response.Body = original;
        }

        var status = context.Response.StatusCode;
        if (status >= 500 || status == StatusCodes.Status429TooManyRequests)
        {
            await store.ReleaseAsync(record.Id, CancellationToken.None);
        }
        else
        {
            record.Completed = true;
            record.StatusCode = status;
            var location = context.Response.Headers.Location.ToString();
            record.Sealed = Seal(new StoredAnswer(context.Response.ContentType, location.Length > 0 ? location : null, capture.ToArray()), secrets, record.Id);
            try
            {
                await store.CompleteAsync(record, CancellationToken.None);
            }
            catch (Exception e)
            {
                // The effect is committed; only the replay copy is missing. Log loudly, answer normally.
                logger.LogError(e, "Could not record the outcome of idempotent request {Id}", record.Id);
            }
        }

        capture.Position = 0;
        await capture.CopyToAsync(original, context.RequestAborted);
    }

    private static async Task ReplayAsync(HttpContext context, IdempotencyRecord record, KeySecrets secrets)
    {
        var answer = Unseal(record.Sealed, secrets, record.Id);
        context.Response.StatusCode = record.StatusCode;
        if (answer.ContentType is not null) context.Response.ContentType = answer.ContentType;
        if (answer.Location is not null) context.Response.Headers.Location = answer.Location;
        context.Response.Headers[ReplayedHeader] = "true";
        await context.Response.Body.WriteAsync(answer.Body, context.RequestAborted);
    }

    private static async Task<string> FingerprintAsync(HttpRequest request, KeySecrets secrets, CancellationToken ct)
    {
        using var mac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secrets.FingerprintKey);
        mac.AppendData(Encoding.UTF8.GetBytes($"{request.Method}\n{request.Path}\n{request.QueryString}\n{request.ContentType}\n"));
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, ct)) > 0)
        {
            mac.AppendData(buffer, 0, read);
        }
        request.Body.Position = 0;
        return Convert.ToHexStringLower(mac.GetHashAndReset());
    }

    private sealed record StoredAnswer(string? ContentType, string? Location, byte[] Body);

    private static byte[] Seal(StoredAnswer answer, KeySecrets secrets, string recordId)
    {
        var plain = JsonSerializer.SerializeToUtf8Bytes(answer);
        var nonce = RandomNumberGenerator.GetBytes(NonceBytes);
        var cipher = new byte[plain.Length];
        var tag = new byte[TagBytes];
        using (var aes = new AesGcm(secrets.SealKey, TagBytes)) aes.Encrypt(nonce, plain, cipher, tag, Encoding.ASCII.GetBytes(recordId));
        return [.. nonce, .. tag, .. cipher];
    }

    private static StoredAnswer Unseal(byte[] sealedAnswer, KeySecrets secrets, string recordId)
    {
        var plain = new byte[sealedAnswer.Length - NonceBytes - TagBytes];
        using (var aes = new AesGcm(secrets.SealKey, TagBytes))
            aes.Decrypt(sealedAnswer.AsSpan(0, NonceBytes), sealedAnswer.AsSpan(NonceBytes + TagBytes), sealedAnswer.AsSpan(NonceBytes, TagBytes), plain, Encoding.ASCII.GetBytes(recordId));
        return JsonSerializer.Deserialize<StoredAnswer>(plain)!;
    }

    /// <summary>What a key and its scope give: the record id, and two keys (HKDF-SHA256) only the key's holder can derive.</summary>
    private sealed class KeySecrets
    {
        public KeySecrets(string key, string scope, string method, string path)
        {
            var context = Encoding.UTF8.GetBytes($"fluthilfe/idempotency/v1\n{scope}\n{method}\n{path}");
            var salt = SHA256.HashData(context);
            var material = Encoding.UTF8.GetBytes(key);
            RecordId = Convert.ToHexStringLower(SHA256.HashData([.. context, (byte)'\n', .. material]));
            SealKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, material, 32, salt, "fluthilfe/idempotency/seal"u8.ToArray());
            FingerprintKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, material, 32, salt, "fluthilfe/idempotency/fingerprint"u8.ToArray());
        }

        public string RecordId { get; }
        public byte[] SealKey { get; }
        public byte[] FingerprintKey { get; }
    }

    private static bool IsCommand(string method)
        => HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);
}
