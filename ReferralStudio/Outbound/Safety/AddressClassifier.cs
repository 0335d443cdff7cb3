using System.Net;
using System.Net.Sockets;

namespace ReferralStudio.Outbound.Safety;

/// <summary>
/// Whether an address is on the public internet. Outbound webhooks go only to public addresses, so an
/// integrator's URL cannot be used to reach our own network (SSRF), cloud metadata at 169.254.169.254 included.
/// </summary>
public static class AddressClassifier
{
    private sealed record Block(byte[] Prefix, int Bits, string Reason);

    /// <summary>IPv6 ranges that carry an IPv4 address at <paramref name="Offset"/>, which decides instead.</summary>
    private sealed record Embedding(byte[] Prefix, int Bits, int Offset);

    private static readonly Block[] V4 =
    [
        Cidr("255.255.255.255/32", "broadcast"),
        Cidr("0.0.0.0/8", "unspecified (0.0.0.0/8)"),
        Cidr("10.0.0.0/8", "private network (10.0.0.0/8)"),
        Cidr("100.64.0.0/10", "carrier-grade NAT (100.64.0.0/10)"),
        Cidr("127.0.0.0/8", "loopback"),
        Cidr("169.254.0.0/16", "link-local (169.254.0.0/16)"),
        Cidr("172.16.0.0/12", "private network (172.16.0.0/12)"),
        Cidr("192.0.0.0/24", "IETF protocol assignments (192.0.0.0/24)"),
        Cidr("192.0.2.0/24", "documentation (192.0.2.0/24)"),
        Cidr("192.168.0.0/16", "private network (192.168.0.0/16)"),
        Cidr("198.18.0.0/15", "benchmarking (198.18.0.0/15)"),
        Cidr("198.51.100.0/24", "documentation (198.51.100.0/24)"),
        Cidr("203.0.113.0/24", "documentation (203.0.113.0/24)"),
        Cidr("224.0.0.0/4", "multicast"),
        Cidr("240.0.0.0/4", "reserved (240.0.0.0/4)"),
    ];

    private static readonly Block[] V6 =
    [
        Cidr("::/128", "unspecified (::)"),
        Cidr("::1/128", "loopback"),
        Cidr("fc00::/7", "unique local (fc00::/7)"),
        Cidr("fe80::/10", "link-local (fe80::/10)"),
        Cidr("fec0::/10", "site-local (fec0::/10)"),
        Cidr("ff00::/8", "multicast"),
        Cidr("2001:db8::/32", "documentation (2001:db8::/32)"),
        Cidr("100::/64", "discard-only (100::/64)"),
    ];

    private static readonly Embedding[] Embeddings =
    [
        Embed("::ffff:0:0/96", 12),    // IPv4-mapped
        Embed("::/96", 12),            // IPv4-compatible (deprecated, still routed by some stacks)
        Embed("::ffff:0:0:0/96", 12),  // IPv4-translated (SIIT)
        Embed("64:ff9b::/96", 12),     // NAT64: the gateway would connect to the embedded address
        Embed("2002::/16", 2),         // 6to4
    ];

    public static bool IsPublic(IPAddress address) => WhyNotPublic(address) is null;

    /// <summary>Null for a public address, otherwise a short reason such as "loopback" or "private network (10.0.0.0/8)".</summary>
    public static string? WhyNotPublic(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);

        var bytes = address.GetAddressBytes();
        switch (address.AddressFamily)
        {
            case AddressFamily.InterNetwork:
                return Match(V4, bytes);
            case AddressFamily.InterNetworkV6:
                if (Match(V6, bytes) is { } reason)
                {
                    return reason;
                }

                foreach (var embedding in Embeddings)
                {
                    if (InPrefix(bytes, embedding.Prefix, embedding.Bits))
                    {
                        return Match(V4, bytes.AsSpan(embedding.Offset, 4).ToArray());
                    }
                }

                return null;
            default:
                return "not an IP address";
        }
    }

    private static string? Match(Block[] blocks, byte[] bytes)
    {
        foreach (var block in blocks)
        {
            if (InPrefix(bytes, block.Prefix, block.Bits))
            {
                return block.Reason;
            }
        }

        return null;
    }

    private static bool InPrefix(byte[] address, byte[] prefix, int bits)
    {
        var whole = bits / 8;
        if (!address.AsSpan(0, whole).SequenceEqual(prefix.AsSpan(0, whole)))
        {
            return false;
        }

        var rest = bits % 8;
        if (rest == 0)
        {
            return true;
        }

        var mask = (byte)(0xFF << (8 - rest));
        return (address[whole] & mask) == (prefix[whole] & mask);
    }

    private static Block Cidr(string cidr, string reason)
    {
        var (prefix, bits) = Parse(cidr);
        return new Block(prefix, bits, reason);
    }

    private static Embedding Embed(string cidr, int offset)
    {
        var (prefix, bits) = Parse(cidr);
        return new Embedding(prefix, bits, offset);
    }

    private static (byte[] Prefix, int Bits) Parse(string cidr)
    {
        var slash = cidr.IndexOf('/');
        return (IPAddress.Parse(cidr[..slash]).GetAddressBytes(), int.Parse(cidr[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }
}
