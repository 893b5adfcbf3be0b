using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace FlutHilfe.Api.Infrastructure.PublicCaching;

/// <summary>
/// Serves the public JSON reads of appeals (<c>GET /api/appeals</c>, <c>/api/appeals/{id}</c>, <c>…/totals</c>,
/// <c>…/transparency</c>) from <see cref="PublicFigures"/> while the store has not changed, with an ETag of the body:
/// a client that sends it back in <c>If-None-Match</c> gets 304. Only anonymous reads without a query string are kept
/// (an <c>asOf</c> replay is computed each time) and only 200 answers. It runs after authorization and rate limiting, so
/// both still apply to every request.
/// </summary>
public sealed partial class PublicResponseCache(RequestDelegate next, PublicFigures figures)
{
    /// <summary>A public answer larger than this is not kept.</summary>
    public const int BodySizeBytesMax = 1024 * 1024;

    [GeneratedRegex("^/api/appeals(/[^/]+(/(totals|transparency))?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex PublicReads();

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!HttpMethods.IsGet(request.Method) || request.QueryString.HasValue || request.Headers.Authorization.Count > 0
            || request.Path.Value is not { } path || !PublicReads().IsMatch(path))
        {
            await next(context);
            return;
        }

        var key = "response:" + path;
        if (!figures.TryGet<CachedResponse>(key, out var cached))
        {
            var generation = figures.Generation;
            var original = context.Response.Body;
            using var buffer = new MemoryStream();
            context.Response.Body = buffer;
            try
            {
                await next(context);
            }
            finally
            {
                context.Response.Body = original;
            }
            if (context.Response.StatusCode != StatusCodes.Status200OK || buffer.Length > BodySizeBytesMax)
            {
                buffer.Position = 0;
                await buffer.CopyToAsync(original, context.RequestAborted);
                return;
            }
            cached = new CachedResponse(context.Response.ContentType, buffer.ToArray());
            figures.Store(key, generation, cached);
            context.Response.Headers.ContentLength = null;
        }
        await WriteAsync(context, cached);
    }

    private static Task WriteAsync(HttpContext context, CachedResponse cached)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = cached.ContentType;
        response.Headers.ETag = cached.ETag;
        // Clients may keep the answer but must ask again each time (a 304 when it still holds).
        response.Headers.CacheControl = "no-cache";
        if (context.Request.Headers.IfNoneMatch.Any(v => v is not null && v.Split(',').Any(tag => tag.Trim() == cached.ETag || tag.Trim() == "*")))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            response.ContentType = null;
            return Task.CompletedTask;
        }
        response.ContentLength = cached.Body.Length;
        return response.Body.WriteAsync(cached.Body, context.RequestAborted).AsTask();
    }

    private sealed record CachedResponse(string? ContentType, byte[] Body)
    {
        public string ETag { get; } = "\"" + Convert.ToHexStringLower(SHA256.HashData(Body).AsSpan(0, 16)) + "\"";
    }
}
