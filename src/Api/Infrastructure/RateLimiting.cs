using System.Threading.RateLimiting;
using FlutHilfe.Api.Infrastructure.Problems;
using Microsoft.AspNetCore.RateLimiting;

namespace FlutHilfe.Api.Infrastructure;

public static class RateLimiting
{
    /// <summary>Policy for anonymous pledges: a fixed window per client address.</summary>
    public const string Pledges = "pledges";

    /// <summary>
    /// Policy for public endpoints that replay history (<c>asOf</c> or <c>effectiveOn</c>): every replay folds the log, so
    /// an anonymous caller gets a few a minute per address, and all anonymous replays together at most a few at once.
    /// Current figures (neither parameter) and signed-in staff are not limited.
    /// </summary>
    public const string Replays = "replays";

    public static void AddFlutHilfeRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        var perMinute = configuration.GetValue("Pledging:PledgesPerMinutePerClient", 30);
        var replaysPerMinute = configuration.GetValue("PublicFigures:ReplaysPerMinutePerClient", 10);
        var replaysAtOnce = configuration.GetValue("PublicFigures:ConcurrentReplaysMax", 4);
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = async (context, ct) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "60";
                var detail = IsAnonymousReplay(context.HttpContext)
                    ? $"At most {replaysPerMinute} replays of history (asOf, effectiveOn) per minute from one address, and {replaysAtOnce} at once; ask again later."
                    : $"At most {perMinute} pledges per minute from one address.";
                await ProblemResponses.WriteAsync(context.HttpContext, Problem.Of(429, "Too many requests", detail));
            };
            options.AddPolicy(Pledges, http => RateLimitPartition.GetFixedWindowLimiter(
                ClientOf(http),
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = perMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                }));
            options.AddPolicy(Replays, http => IsAnonymousReplay(http)
                ? RateLimitPartition.GetFixedWindowLimiter(ClientOf(http), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = replaysPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                })
                : RateLimitPartition.GetNoLimiter(""));
            // The cost bound across all addresses: one partition for every anonymous replay.
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                IsAnonymousReplay(http) && http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == Replays
                    ? RateLimitPartition.GetConcurrencyLimiter(Replays, _ => new ConcurrencyLimiterOptions
                    {
                        PermitLimit = replaysAtOnce,
                        QueueLimit = replaysAtOnce * 2,
                        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                    })
                    : RateLimitPartition.GetNoLimiter(""));
        });
    }

    private static string ClientOf(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static bool IsAnonymousReplay(HttpContext http)
        => (http.Request.Query.ContainsKey("asOf") || http.Request.Query.ContainsKey("effectiveOn")) && http.User.Identity?.IsAuthenticated != true;
}
