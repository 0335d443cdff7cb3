using System.Net;

namespace ReferralStudio.Outbound.Safety;

/// <summary>The addresses a URL host stands for; shared by validation and connection so both see the same thing.</summary>
internal static class HostAddresses
{
    public static Task<IPAddress[]> ResolveAsync(string host, Func<string, CancellationToken, Task<IPAddress[]>> resolve, CancellationToken cancellationToken)
    {
        var bare = host.TrimStart('[').TrimEnd(']');
        if (IPAddress.TryParse(bare, out var literal))
        {
            return Task.FromResult<IPAddress[]>([literal]);
        }

        // RFC 6761: localhost and its subdomains are loopback whatever a DNS server says.
        var name = host.TrimEnd('.');
        if (name.Equals("localhost", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult<IPAddress[]>([IPAddress.Loopback, IPAddress.IPv6Loopback]);
        }

        return resolve(host, cancellationToken);
    }
}
