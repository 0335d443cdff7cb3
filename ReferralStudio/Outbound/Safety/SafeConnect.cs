using System.Net;
using System.Net.Sockets;

namespace ReferralStudio.Outbound.Safety;

/// <summary>
/// A <see cref="SocketsHttpHandler.ConnectCallback"/> that connects only to allowed ports of public addresses. It resolves
/// the host itself and connects to exactly the addresses it checked, so DNS that changes between
/// validation and delivery (rebinding) cannot steer a delivery into our network.
/// </summary>
/// <remarks>
/// The handler must not use a proxy (<c>UseProxy = false</c>): through one, the callback would see the
/// proxy's address rather than the receiver's.
/// </remarks>
public static class SafeConnect
{
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> Create(
        bool allowPrivateNetworks,
        IReadOnlyCollection<int> allowedPorts,
        Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null)
    {
        var resolver = resolve ?? Dns.GetHostAddressesAsync;
        // A copy: what was checked at start is what holds.
        int[] ports = [.. allowedPorts];
        return (context, cancellationToken) => ConnectAsync(context.DnsEndPoint, allowPrivateNetworks, ports, resolver, cancellationToken);
    }

    private static async ValueTask<Stream> ConnectAsync(
        DnsEndPoint endpoint,
        bool allowPrivateNetworks,
        int[] allowedPorts,
        Func<string, CancellationToken, Task<IPAddress[]>> resolve,
        CancellationToken cancellationToken)
    {
        // Again at send time: the URL may have been stored before the port rule, or before the setting changed.
        if (PortRule.WhyNotAllowed(endpoint.Port, allowedPorts) is { } port)
        {
            throw new HttpRequestException(HttpRequestError.ConnectionError, $"Refused to connect to {endpoint.Host}: {port}");
        }

        var addresses = await HostAddresses.ResolveAsync(endpoint.Host, resolve, cancellationToken);
        if (addresses.Length == 0)
        {
            throw new HttpRequestException(HttpRequestError.NameResolutionError, $"{endpoint.Host} does not resolve.");
        }

        if (!allowPrivateNetworks)
        {
            foreach (var address in addresses)
            {
                if (AddressClassifier.WhyNotPublic(address) is { } reason)
                {
                    throw new HttpRequestException(
                        HttpRequestError.ConnectionError,
                        $"Refused to connect to {endpoint.Host}: it resolves to a non-public address ({reason}). "
                        + "Outbound:AllowPrivateNetworks permits this for local development.");
                }
            }
        }

        for (var i = 0; ; i++)
        {
            var socket = new Socket(addresses[i].AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(addresses[i], endpoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException) when (i < addresses.Length - 1)
            {
                // A socket cannot be reused after a failed connect on Linux; try the next address afresh.
                socket.Dispose();
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
    }
}
