using System.Threading.RateLimiting;
using FlutHilfe.Api.Infrastructure.Problems;

namespace FlutHilfe.Api.Infrastructure;

public static class RateLimiting
{
    /// <summary>Policy for anonymous pledges: a fixed window per client address.</summary>
    public const string Pledges = "pledges";

    public static void AddFlutHilfeRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        var perMinute = configuration.GetValue("Pledging:PledgesPerMinutePerClient", 30);
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = async (context, ct) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "60";
                var problem = Problem.Of(429, "Too many requests", $"At most {perMinute} pledges per minute from one address.");
                await context.HttpContext.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json", ct);
            };
            options.AddPolicy(Pledges, http => RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = perMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                }));
        });
    }
}
