using System.Net;
using System.Net.Sockets;

namespace ReferralStudio.Outbound.Safety;

/// <summary>
/// Decides whether an integrator's webhook URL may be registered. The answer is a reason for the
/// <c>url</c> field of a 400, or null when the URL is acceptable.
/// </summary>
/// <remarks>
/// This is the early, friendly check. DNS can change after it (rebinding), so the connection itself is
/// guarded again by <see cref="SafeConnect"/>.
/// </remarks>
public sealed class OutboundUrlPolicy(Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null)
{
    public const int MaxUrlLength = 2048;

    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _resolve = resolve ?? Dns.GetHostAddressesAsync;

    /// <param name="url">The URL as the integrator typed it.</param>
    /// <param name="allowPrivateNetworks">Accept non-public addresses (local development and tests).</param>
    /// <param name="allowedPorts">The ports a URL may use, explicit or implied by its scheme (<see cref="PortRule"/>).</param>
    /// <param name="cancellationToken">Cancels the DNS lookup.</param>
    public async Task<string?> ValidateAsync(string? url, bool allowPrivateNetworks, IReadOnlyCollection<int> allowedPorts, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return "A URL is required.";
        }

        if (url.Length > MaxUrlLength)
        {
            return $"The URL must be at most {MaxUrlLength:N0} characters.";
        }

        // A relative path parses as file:// on Unix, so the scheme check matters as much as the parse.
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return "The URL must be an absolute http:// or https:// URL.";
        }

        if (uri.UserInfo.Length > 0)
        {
            return "The URL must not contain a user name or password.";
        }

        if (uri.IdnHost.Length == 0)
        {
            return "The URL must include a host.";
        }

        // Before DNS: a port that is never allowed needs no lookup. Uri.Port is the scheme's default when none is written.
        if (PortRule.WhyNotAllowed(uri.Port, allowedPorts) is { } port)
        {
            return port;
        }

        IPAddress[] addresses;
        try
        {
            // Uri has already normalised IPv4 written as 2130706433 or 0x7f.1 to dotted form; Host drops an
            // IPv6 zone id; IdnHost gives DNS the punycode of an international name.
            var host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host : uri.IdnHost;
            addresses = await HostAddresses.ResolveAsync(host, _resolve, cancellationToken);
        }
        catch (Exception e) when (e is SocketException or ArgumentException)
        {
            return "The host does not resolve.";
        }

        if (addresses.Length == 0)
        {
            return "The host does not resolve.";
        }

        if (allowPrivateNetworks)
        {
            return null;
        }

        // Any one bad address is enough: the client may pick it, and round-robin DNS would let an attacker.
        foreach (var address in addresses)
        {
            if (AddressClassifier.WhyNotPublic(address) is { } reason)
            {
                return $"The host resolves to a non-public address ({reason}); only public addresses can receive webhooks.";
            }
        }

        return null;
    }
}
