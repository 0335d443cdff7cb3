using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace ReferralStudio.Outbound.Safety;

/// <summary>
/// Whether an address is on the public internet. Outbound webhooks go only to public addresses, so an
/// integrator's URL cannot be used to reach our own network (SSRF), cloud metadata at 169.254.169.254 included.
/// </summary>
/// <remarks>
/// <para>
/// The tables hold every range of IANA's IPv4 and IPv6 Special-Purpose Address Registries that is not globally
/// reachable, plus the special-purpose ranges that are but where no webhook receiver lives (anycast service
/// addresses, AS112, AMT, the 6to4 relays; the whole of <c>192.0.0.0/24</c> and <c>2001::/23</c>), multicast, the
/// reserved <c>240.0.0.0/4</c> and, for IPv6, everything outside global unicast <c>2000::/3</c>. Refusing a little
/// more than strictly needed is the safe side: an address a webhook can legitimately go to is in none of them.
/// </para>
/// <para>
/// The first matching row decides. A row may carry an IPv4 address inside (IPv4-mapped, NAT64, 6to4): a
/// non-public embedded address is refused with its own reason, otherwise the row's reason (none: public) stands.
/// The check runs on every connect, so it allocates nothing: the address is read into a 32- or 128-bit number and
/// each row is a mask and compare.
/// </para>
/// </remarks>
public static class AddressClassifier
{
    private readonly record struct V4Block(uint Prefix, uint Mask, string Reason);

    /// <summary>
    /// An IPv6 range. <see cref="EmbeddedShift"/> ≥ 0: the IPv4 address at that bit position decides first;
    /// <see cref="Reason"/> null: public (when no embedded address says otherwise).
    /// </summary>
    private readonly record struct V6Block(UInt128 Prefix, UInt128 Mask, string? Reason, int EmbeddedShift);

    // IANA IPv4 Special-Purpose Address Registry, most specific first where ranges nest.
    private static readonly V4Block[] V4 =
    [
        V4Cidr("255.255.255.255/32", "broadcast"),
        V4Cidr("0.0.0.0/8", "unspecified (0.0.0.0/8)"),
        V4Cidr("10.0.0.0/8", "private network (10.0.0.0/8)"),
        V4Cidr("100.64.0.0/10", "carrier-grade NAT (100.64.0.0/10)"),
        V4Cidr("127.0.0.0/8", "loopback"),
        V4Cidr("169.254.0.0/16", "link-local (169.254.0.0/16)"),
        V4Cidr("172.16.0.0/12", "private network (172.16.0.0/12)"),
        // All of it, although IANA marks 192.0.0.9 (PCP anycast) and 192.0.0.10 (TURN anycast) globally reachable:
        // protocol service addresses, never a webhook receiver.
        V4Cidr("192.0.0.0/24", "IETF protocol assignments (192.0.0.0/24)"),
        V4Cidr("192.0.2.0/24", "documentation (192.0.2.0/24)"),
        V4Cidr("192.31.196.0/24", "AS112 DNS (192.31.196.0/24)"),
        V4Cidr("192.52.193.0/24", "AMT relay anycast (192.52.193.0/24)"),
        V4Cidr("192.88.99.0/24", "6to4 relay anycast (192.88.99.0/24)"),
        V4Cidr("192.168.0.0/16", "private network (192.168.0.0/16)"),
        V4Cidr("192.175.48.0/24", "AS112 direct delegation (192.175.48.0/24)"),
        V4Cidr("198.18.0.0/15", "benchmarking (198.18.0.0/15)"),
        V4Cidr("198.51.100.0/24", "documentation (198.51.100.0/24)"),
        V4Cidr("203.0.113.0/24", "documentation (203.0.113.0/24)"),
        V4Cidr("224.0.0.0/4", "multicast"),
        V4Cidr("240.0.0.0/4", "reserved (240.0.0.0/4)"),
    ];

    // IANA IPv6 Special-Purpose Address Registry (and the address space registry's non-unicast blocks), most
    // specific first where ranges nest.
    private static readonly V6Block[] V6 =
    [
        V6Cidr("::/128", "unspecified (::)"),
        V6Cidr("::1/128", "loopback"),
        // Connecting to ::ffff:a.b.c.d is connecting to a.b.c.d.
        V6Embedding("::ffff:0:0/96", null, byteOffset: 12),
        // Deprecated IPv4-compatible and SIIT IPv4-translated forms: refused, with the embedded address's reason if it has one.
        V6Embedding("::ffff:0:0:0/96", "IPv4-translated (::ffff:0:0:0/96)", byteOffset: 12),
        V6Embedding("::/96", "IPv4-compatible, deprecated (::/96)", byteOffset: 12),
        // NAT64 well-known prefix (globally reachable per IANA): the gateway connects to the embedded address.
        V6Embedding("64:ff9b::/96", null, byteOffset: 12),
        V6Cidr("64:ff9b:1::/48", "NAT64 local use (64:ff9b:1::/48)"),
        V6Cidr("100::/64", "discard-only (100::/64)"),
        V6Cidr("100:0:0:1::/64", "dummy prefix (100:0:0:1::/64)"),
        V6Cidr("2001::/32", "Teredo (2001::/32)"),
        V6Cidr("2001:2::/48", "benchmarking (2001:2::/48)"),
        V6Cidr("2001:10::/28", "ORCHID (2001:10::/28)"),
        V6Cidr("2001:20::/28", "ORCHIDv2 (2001:20::/28)"),
        // The rest of the block too (AMT, AS112, PCP/TURN anycast, DRIP): protocol infrastructure, never a receiver.
        V6Cidr("2001::/23", "IETF protocol assignments (2001::/23)"),
        V6Cidr("2001:db8::/32", "documentation (2001:db8::/32)"),
        // 6to4 is deprecated (RFC 7526) and its relays are anycast: refused whatever the embedded address.
        V6Embedding("2002::/16", "6to4 (2002::/16)", byteOffset: 2),
        V6Cidr("2620:4f:8000::/48", "AS112 direct delegation (2620:4f:8000::/48)"),
        V6Cidr("3fff::/20", "documentation (3fff::/20)"),
        V6Cidr("5f00::/16", "SRv6 segment identifiers (5f00::/16)"),
        V6Cidr("fc00::/7", "unique local (fc00::/7)"),
        V6Cidr("fe80::/10", "link-local (fe80::/10)"),
        V6Cidr("fec0::/10", "site-local (fec0::/10)"),
        V6Cidr("ff00::/8", "multicast"),
    ];

    /// <summary>
    /// Global unicast, <c>2000::/3</c>: IANA has allocated no other IPv6 space to hosts, so an address outside it that
    /// no row above matched is refused (only its prefix and mask are used).
    /// </summary>
    private static readonly V6Block GlobalUnicast = V6Cidr("2000::/3", "global unicast");

    private const string NotGlobalUnicast = "reserved, not global unicast (outside 2000::/3)";

    public static bool IsPublic(IPAddress address) => WhyNotPublic(address) is null;

    /// <summary>Null for a public address, otherwise a short reason such as "loopback" or "private network (10.0.0.0/8)".</summary>
    public static string? WhyNotPublic(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);

        Span<byte> bytes = stackalloc byte[16];
        switch (address.AddressFamily)
        {
            case AddressFamily.InterNetwork when address.TryWriteBytes(bytes, out var written) && written == 4:
                return WhyNotPublic(BinaryPrimitives.ReadUInt32BigEndian(bytes));
            case AddressFamily.InterNetworkV6 when address.TryWriteBytes(bytes, out var written) && written == 16:
                return WhyNotPublic(BinaryPrimitives.ReadUInt128BigEndian(bytes));
            default:
                return "not an IP address";
        }
    }

    private static string? WhyNotPublic(uint v4)
    {
        foreach (var block in V4)
        {
            if ((v4 & block.Mask) == block.Prefix)
            {
                return block.Reason;
            }
        }

        return null;
    }

    private static string? WhyNotPublic(UInt128 v6)
    {
        foreach (var block in V6)
        {
            if ((v6 & block.Mask) == block.Prefix)
            {
                return block.EmbeddedShift >= 0 && WhyNotPublic((uint)(v6 >> block.EmbeddedShift)) is { } embedded
                    ? embedded
                    : block.Reason;
            }
        }

        return (v6 & GlobalUnicast.Mask) == GlobalUnicast.Prefix ? null : NotGlobalUnicast;
    }

    private static V4Block V4Cidr(string cidr, string reason)
    {
        var (address, bits) = Parse(cidr, AddressFamily.InterNetwork);
        var mask = bits == 0 ? 0u : uint.MaxValue << (32 - bits);
        return new V4Block(BinaryPrimitives.ReadUInt32BigEndian(address) & mask, mask, reason);
    }

    private static V6Block V6Cidr(string cidr, string reason) => V6Embedding(cidr, reason, byteOffset: -1);

    /// <summary>A range whose IPv4 address at <paramref name="byteOffset"/> (12: the last 32 bits; -1: none) decides first.</summary>
    private static V6Block V6Embedding(string cidr, string? reason, int byteOffset)
    {
        var (address, bits) = Parse(cidr, AddressFamily.InterNetworkV6);
        var mask = bits == 0 ? UInt128.Zero : UInt128.MaxValue << (128 - bits);
        var shift = byteOffset < 0 ? -1 : (12 - byteOffset) * 8;
        return new V6Block(BinaryPrimitives.ReadUInt128BigEndian(address) & mask, mask, reason, shift);
    }

    private static (byte[] Address, int Bits) Parse(string cidr, AddressFamily family)
    {
        var slash = cidr.IndexOf('/');
        var address = IPAddress.Parse(cidr[..slash]);
        if (address.AddressFamily != family)
        {
            throw new ArgumentException($"{cidr} is not an {family} range.", nameof(cidr));
        }

        return (address.GetAddressBytes(), int.Parse(cidr[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }
}
