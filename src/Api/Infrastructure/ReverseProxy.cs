using IPNetwork = System.Net.IPNetwork;
using Microsoft.AspNetCore.HttpOverrides;

namespace FlutHilfe.Api.Infrastructure;

/// <summary>
/// Behind a reverse proxy every request comes from the proxy's address: the per-address limits (pledges, replays) would
/// then count all donors as one. <c>Proxy:KnownNetworks</c> (comma-separated CIDR, e.g. <c>172.16.0.0/12</c>) names the
/// proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed, for the one hop next to the service;
/// from any other address the headers are ignored, so a client cannot choose its own address. Without the setting
/// nothing is forwarded.
/// </summary>
public static class ReverseProxy
{
    public static bool Configure(IServiceCollection services, IConfiguration configuration)
    {
        var setting = configuration["Proxy:KnownNetworks"];
        if (string.IsNullOrWhiteSpace(setting)) return false;
        var networks = new List<IPNetwork>();
        foreach (var entry in setting.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!IPNetwork.TryParse(entry.Contains('/') ? entry : entry + (entry.Contains(':') ? "/128" : "/32"), out var network))
                throw new InvalidOperationException($"Proxy:KnownNetworks (Proxy__KnownNetworks): '{entry}' is not an address or a CIDR network such as 172.16.0.0/12.");
            networks.Add(network);
        }
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.ForwardLimit = 1;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var network in networks) o.KnownIPNetworks.Add(network);
        });
        return true;
    }
}
