using System.Text.RegularExpressions;
using FlutHilfe.Api.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FlutHilfe.Api.Tests.Identity;

/// <summary>
/// Walks every endpoint the host exposes: public ones are exactly the expected list; every other one
/// answers 401 to an anonymous caller and 403 to each role it does not admit, and lets its own roles through.
/// </summary>
public partial class RoleMatrixTests(AppFixture app) : IClassFixture<AppFixture>
{
    private static readonly HashSet<string> PublicEndpoints =
    [
        "GET /health",
        "GET /api/appeals",
        "GET /api/appeals/{appealId}",
        "POST /api/appeals/{appealId}/donations",
        "GET /api/donations/{donationId}",
        "GET /api/donations/{donationId}/qr.png",
        "GET /api/donations/{donationId}/qr.svg",
        "GET /api/donations/{donationId}/trace",
        "GET /api/appeals/{appealId}/totals",
        "GET /api/appeals/{appealId}/transparency",
        "POST /api/donations/{donationId}/receipt",
        "POST /api/donations/{donationId}/erasure",
        // Donors across pledges: the account link, the e-mail recognition (donor link) and its mailed confirmation.
        "GET /api/donor-account",
        "POST /api/donations/{donationId}/email-recognition",
        "POST /api/donor-email-confirmations",
        "GET /api/receipts/{number}.pdf",
        "GET /api/receipts/{number}/verify",
        "POST /api/donations/{donationId}/earmark-questions/{decisionId}",
    ];

    private IReadOnlyList<(string Method, string Route, IReadOnlyList<string>? Roles, bool Anonymous, string ContentType)> ApiEndpoints()
    {
        var sources = app.Host.Services.GetServices<EndpointDataSource>();
        return sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && (raw.StartsWith("/api/", StringComparison.Ordinal) || raw == "/health"))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (
                Method: m,
                Route: e.RoutePattern.RawText!,
                Roles: (IReadOnlyList<string>?)e.Metadata.GetOrderedMetadata<IAuthorizeData>().SelectMany(a => (a.Roles ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)).Distinct().ToList(),
                Anonymous: e.Metadata.GetMetadata<IAllowAnonymous>() is not null,
                ContentType: e.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>()?.ContentTypes.FirstOrDefault() ?? "application/json")))
            .ToList();
    }

    [Fact]
    public void only_the_expected_endpoints_are_public_and_every_other_one_declares_its_roles()
    {
        var endpoints = ApiEndpoints();
        endpoints.Count.ShouldBeGreaterThan(5);
        foreach (var e in endpoints)
        {
            var name = $"{e.Method} {e.Route}";
            if (e.Anonymous)
            {
                PublicEndpoints.ShouldContain(name, $"{name} is public but not on the list of public endpoints");
            }
            else
            {
                e.Roles.ShouldNotBeEmpty($"{name} declares no role");
                e.Roles!.ShouldAllBe(r => Roles.All.Contains(r));
            }
        }
    }

    [Fact]
    public async Task every_protected_endpoint_refuses_anonymous_with_401_and_wrong_roles_with_403()
    {
        foreach (var e in ApiEndpoints().Where(e => !e.Anonymous))
        {
            // A clerk's token names stolberg: route to it, so that only the role decides.
            var url = RouteParameter().Replace(e.Route.Replace("{municipalityId}", "stolberg", StringComparison.Ordinal), "x-1");
            var name = $"{e.Method} {e.Route}";

            var anonymous = await Send(e.Method, url, token: null, e.ContentType);
            anonymous.ShouldBe(401, $"{name} anonymous");

            foreach (var role in Roles.All)
            {
                var token = role == Roles.Municipality ? app.Token(role, "stolberg") : app.Token(role);
                var status = await Send(e.Method, url, token, e.ContentType);
                if (e.Roles!.Contains(role))
                {
                    status.ShouldNotBe(401, $"{name} as {role}");
                    status.ShouldNotBe(403, $"{name} as {role}");
                }
                else
                {
                    status.ShouldBe(403, $"{name} as {role}");
                }
            }
        }
    }

    private async Task<int> Send(string method, string url, string? token, string contentType)
    {
        var result = await app.Host.Scenario(s =>
        {
            switch (method)
            {
                case "GET": s.Get.Url(url); break;
                case "POST":
                    s.Post.Text(contentType.Contains("json", StringComparison.Ordinal) ? "{}" : "<x/>").ToUrl(url);
                    s.WithRequestHeader("Content-Type", contentType);
                    break;
                case "PUT": s.Put.Json(new { }).ToUrl(url); break;
                case "DELETE": s.Delete.Url(url); break;
                default: throw new NotSupportedException(method);
            }
            if (token is not null) s.WithBearer(token);
            s.IgnoreStatusCode();
        });
        return result.Context.Response.StatusCode;
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();
}
