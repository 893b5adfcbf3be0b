using FlutHilfe.Api.Donations.Pledging;

namespace FlutHilfe.Api.Pages.Infrastructure;

/// <summary>The donor's pages, reached only with the secret token of the donation (in the query, never logged as a Referer).</summary>
public static class DonorLinks
{
    public static string Page(Guid donationId, string token) => PledgeEndpoint.DonorPageUrl(donationId, token);

    public static string Payment(Guid donationId, string token) => $"/spenden/{donationId}/ueberweisen?token={Uri.EscapeDataString(token)}";

    public static string QrSvg(Guid donationId, string token) => $"/api/donations/{donationId}/qr.svg?token={Uri.EscapeDataString(token)}";

    /// <summary>
    /// The absolute link to bookmark: on the configured <c>PublicBaseUrl</c> when there is one (behind a proxy the request
    /// does not know the public address), else on the address this request came to.
    /// </summary>
    public static string Absolute(string path, HttpRequest request, IConfiguration configuration)
    {
        var configured = configuration["PublicBaseUrl"] ?? configuration["Receipts:PublicBaseUrl"];
        var origin = string.IsNullOrWhiteSpace(configured) ? $"{request.Scheme}://{request.Host}" : configured.Trim().TrimEnd('/');
        return origin + path;
    }
}
