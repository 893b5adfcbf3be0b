using System.Security.Cryptography;
using System.Text;
using FlutHilfe.Api.Infrastructure.Problems;
using Microsoft.AspNetCore.Mvc;

namespace FlutHilfe.Api.Infrastructure.Idempotency;

/// <summary>
/// Honours the <c>Idempotency-Key</c> header on every command (POST, PUT, PATCH, DELETE):
/// the same key with the same body replays the first response without a second effect; the same key
/// with another body is refused with 422; a retry while the first is still running gets 409.
/// Keys are scoped to the caller, method and path. A key whose first attempt failed with a 5xx is
/// released, so the retry runs again.
/// </summary>
public sealed class IdempotencyMiddleware(RequestDelegate next, IdempotencyStore store, TimeProvider clock, ILogger<IdempotencyMiddleware> logger)
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotency-Replayed";
    private const int KeyLengthMax = 200;
    private static readonly TimeSpan PendingTimeout = TimeSpan.FromMinutes(2);

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!request.Headers.TryGetValue(Header, out var values) || !IsCommand(request.Method))
        {
            await next(context);
            return;
        }

        var key = values.ToString();
        if (key.Length is 0 or > KeyLengthMax || key.Any(char.IsControl))
        {
            await WriteProblem(context, Problem.Field(Header, $"{Header} must be 1 to {KeyLengthMax} printable characters.", 400));
            return;
        }

        UploadSizeLimitAttribute.Apply(context);
        request.EnableBuffering();
        var bodyHash = await HashBodyAsync(request, context.RequestAborted);
        var scope = $"{context.User.FindFirst("sub")?.Value ?? "anonymous"}\n{request.Method}\n{request.Path}{request.QueryString}\n{key}";
        var pending = new IdempotencyRecord
        {
            Id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(scope))),
            BodyHash = bodyHash,
            StartedAt = clock.GetUtcNow(),
        };

        var existing = await store.TryClaimAsync(pending, context.RequestAborted);
        if (existing is not null)
        {
            if (existing.BodyHash != bodyHash)
            {
                await WriteProblem(context, Problem.Field(Header, "This Idempotency-Key was already used with a different request body."));
                return;
            }
            if (existing.Completed)
            {
                await ReplayAsync(context, existing);
                return;
            }
            if (clock.GetUtcNow() - existing.StartedAt < PendingTimeout)
            {
                context.Response.Headers.RetryAfter = "1";
                await WriteProblem(context, Problem.Of(409, "Conflict", "A request with this Idempotency-Key is still being processed."));
                return;
            }
            // The first attempt died without an answer: this retry takes over.
            await store.TakeOverAsync(pending, context.RequestAborted);
        }

        await ExecuteAndRecordAsync(context, pending);
    }

    private async Task ExecuteAndRecordAsync(HttpContext context, IdempotencyRecord record)
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
            record.ContentType = context.Response.ContentType;
            record.Location = context.Response.Headers.Location.ToString() is { Length: > 0 } location ? location : null;
            record.Body = capture.ToArray();
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

    private static async Task ReplayAsync(HttpContext context, IdempotencyRecord record)
    {
        context.Response.StatusCode = record.StatusCode;
        if (record.ContentType is not null) context.Response.ContentType = record.ContentType;
        if (record.Location is not null) context.Response.Headers.Location = record.Location;
        context.Response.Headers[ReplayedHeader] = "true";
        await context.Response.Body.WriteAsync(record.Body, context.RequestAborted);
    }

    private static async Task<string> HashBodyAsync(HttpRequest request, CancellationToken ct)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, ct)) > 0)
        {
            sha.AppendData(buffer, 0, read);
        }
        request.Body.Position = 0;
        sha.AppendData(Encoding.UTF8.GetBytes(request.ContentType ?? ""));
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static bool IsCommand(string method)
        => HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);

    private static Task WriteProblem(HttpContext context, ProblemDetails problem)
    {
        context.Response.StatusCode = problem.Status ?? 400;
        return context.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json");
    }
}
