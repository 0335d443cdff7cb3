using System.Net;

namespace ReferralStudio.Hosting;

/// <summary>
/// The reverse proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed (section
/// <c>ForwardedHeaders</c>), in addition to loopback, which is always trusted (a proxy on the same machine).
/// A proxy elsewhere must be listed: believing anyone would let a client claim any address (and so escape its
/// rate limit) or claim https.
/// </summary>
public sealed class ProxyOptions
{
    public const string Section = "ForwardedHeaders";

    /// <summary>Proxy addresses, such as <c>10.0.0.5</c> (environment: <c>ForwardedHeaders__KnownProxies__0</c>).</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Proxy networks in CIDR notation, such as <c>10.0.0.0/24</c> (<c>ForwardedHeaders__KnownNetworks__0</c>).</summary>
    public string[] KnownNetworks { get; set; } = [];

    internal IEnumerable<string?> Rules() =>
    [
        .. KnownProxies.Select((proxy, i) => IPAddress.TryParse(proxy, out _)
            ? null
            : $"{Section}:KnownProxies:{i} must be an IP address (it is '{proxy}')."),
        .. KnownNetworks.Select((network, i) => IPNetwork.TryParse(network, out _)
            ? null
            : $"{Section}:KnownNetworks:{i} must be a network in CIDR notation, such as 10.0.0.0/24 (it is '{network}')."),
    ];
}
