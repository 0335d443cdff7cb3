using System.Net;
using ReferralStudio.Outbound.Safety;

namespace ReferralStudio.Tests.Outbound.Safety;

/// <summary>
/// Only public internet addresses may receive webhooks; everything that reaches inward, and every special-purpose
/// range of IANA's IPv4 and IPv6 Special-Purpose Address Registries that is not globally reachable, is refused.
/// </summary>
public sealed class AddressClassifierTests
{
    /// <summary>At least one address inside every refused IPv4 range (its edges where they matter), with the reason it gets.</summary>
    [Theory]
    [InlineData("0.0.0.0", "unspecified (0.0.0.0/8)")]
    [InlineData("0.255.255.255", "unspecified (0.0.0.0/8)")]
    [InlineData("10.0.0.1", "private network (10.0.0.0/8)")]
    [InlineData("10.255.255.255", "private network (10.0.0.0/8)")]
    [InlineData("100.64.0.0", "carrier-grade NAT (100.64.0.0/10)")]
    [InlineData("100.127.255.255", "carrier-grade NAT (100.64.0.0/10)")]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.255.255.254", "loopback")]
    [InlineData("169.254.169.254", "link-local (169.254.0.0/16)")]
    [InlineData("172.16.0.1", "private network (172.16.0.0/12)")]
    [InlineData("172.31.255.255", "private network (172.16.0.0/12)")]
    [InlineData("192.0.0.0", "IETF protocol assignments (192.0.0.0/24)")]
    [InlineData("192.0.0.8", "IETF protocol assignments (192.0.0.0/24)")]
    // PCP and TURN anycast: globally reachable per IANA, refused with the rest of the /24 on purpose.
    [InlineData("192.0.0.9", "IETF protocol assignments (192.0.0.0/24)")]
    [InlineData("192.0.0.10", "IETF protocol assignments (192.0.0.0/24)")]
    [InlineData("192.0.0.170", "IETF protocol assignments (192.0.0.0/24)")]
    [InlineData("192.0.0.255", "IETF protocol assignments (192.0.0.0/24)")]
    [InlineData("192.0.2.10", "documentation (192.0.2.0/24)")]
    [InlineData("192.31.196.1", "AS112 DNS (192.31.196.0/24)")]
    [InlineData("192.52.193.1", "AMT relay anycast (192.52.193.0/24)")]
    [InlineData("192.88.99.0", "6to4 relay anycast (192.88.99.0/24)")]
    [InlineData("192.88.99.1", "6to4 relay anycast (192.88.99.0/24)")]
    [InlineData("192.88.99.255", "6to4 relay anycast (192.88.99.0/24)")]
    [InlineData("192.168.1.1", "private network (192.168.0.0/16)")]
    [InlineData("192.175.48.6", "AS112 direct delegation (192.175.48.0/24)")]
    [InlineData("198.18.0.1", "benchmarking (198.18.0.0/15)")]
    [InlineData("198.19.255.255", "benchmarking (198.18.0.0/15)")]
    [InlineData("198.51.100.7", "documentation (198.51.100.0/24)")]
    [InlineData("203.0.113.200", "documentation (203.0.113.0/24)")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("239.255.255.250", "multicast")]
    [InlineData("240.0.0.1", "reserved (240.0.0.0/4)")]
    [InlineData("255.255.255.254", "reserved (240.0.0.0/4)")]
    [InlineData("255.255.255.255", "broadcast")]
    public void Non_Public_IPv4_Addresses_Are_Refused_With_A_Reason(string address, string reason)
    {
        var ip = IPAddress.Parse(address);

        Assert.False(AddressClassifier.IsPublic(ip));
        Assert.Equal(reason, AddressClassifier.WhyNotPublic(ip));
    }

    /// <summary>At least one address inside every refused IPv6 range, with the reason it gets.</summary>
    [Theory]
    [InlineData("::", "unspecified (::)")]
    [InlineData("::1", "loopback")]
    [InlineData("64:ff9b:1::1", "NAT64 local use (64:ff9b:1::/48)")]
    [InlineData("64:ff9b:1:ffff:ffff:ffff:ffff:ffff", "NAT64 local use (64:ff9b:1::/48)")]
    [InlineData("100::1", "discard-only (100::/64)")]
    [InlineData("100::ffff:ffff:ffff:ffff", "discard-only (100::/64)")]
    [InlineData("100:0:0:1::1", "dummy prefix (100:0:0:1::/64)")]
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo (2001::/32)")]
    [InlineData("2001::1", "Teredo (2001::/32)")]
    [InlineData("2001:2::1", "benchmarking (2001:2::/48)")]
    [InlineData("2001:10::1", "ORCHID (2001:10::/28)")]
    [InlineData("2001:20::1", "ORCHIDv2 (2001:20::/28)")]
    [InlineData("2001:2f:ffff::1", "ORCHIDv2 (2001:20::/28)")]
    [InlineData("2001:1::1", "IETF protocol assignments (2001::/23)")]
    [InlineData("2001:3::1", "IETF protocol assignments (2001::/23)")]
    [InlineData("2001:4:112::1", "IETF protocol assignments (2001::/23)")]
    [InlineData("2001:30::1", "IETF protocol assignments (2001::/23)")]
    [InlineData("2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff", "IETF protocol assignments (2001::/23)")]
    [InlineData("2001:db8::1", "documentation (2001:db8::/32)")]
    [InlineData("2001:db8:ffff:ffff::1", "documentation (2001:db8::/32)")]
    [InlineData("2002:808:808::1", "6to4 (2002::/16)")]
    [InlineData("2002:5db8:d70e::1", "6to4 (2002::/16)")]
    [InlineData("2620:4f:8000::1", "AS112 direct delegation (2620:4f:8000::/48)")]
    [InlineData("3fff::1", "documentation (3fff::/20)")]
    [InlineData("3fff:fff:ffff::1", "documentation (3fff::/20)")]
    [InlineData("5f00::1", "SRv6 segment identifiers (5f00::/16)")]
    [InlineData("fc00::1", "unique local (fc00::/7)")]
    [InlineData("fd12:3456:789a::1", "unique local (fc00::/7)")]
    [InlineData("fe80::1", "link-local (fe80::/10)")]
    [InlineData("febf:ffff::1", "link-local (fe80::/10)")]
    [InlineData("fec0::1", "site-local (fec0::/10)")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("ff0e::1", "multicast")]
    // Outside global unicast 2000::/3: IANA space with no hosts.
    [InlineData("64:ff9c::1", "reserved, not global unicast (outside 2000::/3)")]
    [InlineData("200::1", "reserved, not global unicast (outside 2000::/3)")]
    [InlineData("1fff:ffff::1", "reserved, not global unicast (outside 2000::/3)")]
    [InlineData("4000::1", "reserved, not global unicast (outside 2000::/3)")]
    [InlineData("e000::1", "reserved, not global unicast (outside 2000::/3)")]
    [InlineData("fe00::1", "reserved, not global unicast (outside 2000::/3)")]
    [InlineData("64:ff9b:0:0:0:1::1", "reserved, not global unicast (outside 2000::/3)")]
    public void Non_Public_IPv6_Addresses_Are_Refused_With_A_Reason(string address, string reason)
    {
        var ip = IPAddress.Parse(address);

        Assert.False(AddressClassifier.IsPublic(ip));
        Assert.Equal(reason, AddressClassifier.WhyNotPublic(ip));
    }

    [Theory]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("::ffff:169.254.169.254", "link-local (169.254.0.0/16)")]
    [InlineData("::ffff:10.1.2.3", "private network (10.0.0.0/8)")]
    [InlineData("::ffff:192.88.99.1", "6to4 relay anycast (192.88.99.0/24)")]
    [InlineData("::127.0.0.1", "loopback")]
    [InlineData("::192.168.0.1", "private network (192.168.0.0/16)")]
    [InlineData("::ffff:0:127.0.0.1", "loopback")]
    [InlineData("64:ff9b::7f00:1", "loopback")]
    [InlineData("64:ff9b::a00:1", "private network (10.0.0.0/8)")]
    [InlineData("64:ff9b::c058:6301", "6to4 relay anycast (192.88.99.0/24)")]
    [InlineData("2002:a9fe:a9fe::1", "link-local (169.254.0.0/16)")]
    [InlineData("2002:c0a8:101::1", "private network (192.168.0.0/16)")]
    public void IPv6_Forms_Embedding_A_Non_Public_IPv4_Address_Are_Refused_As_That_Address(string address, string reason)
    {
        Assert.Equal(reason, AddressClassifier.WhyNotPublic(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("::8.8.8.8", "IPv4-compatible, deprecated (::/96)")]
    [InlineData("::ffff:0:8.8.8.8", "IPv4-translated (::ffff:0:0:0/96)")]
    [InlineData("2002:808:808::1", "6to4 (2002::/16)")]
    public void Deprecated_IPv6_Forms_Are_Refused_Even_With_A_Public_IPv4_Address_Inside(string address, string reason)
    {
        Assert.Equal(reason, AddressClassifier.WhyNotPublic(IPAddress.Parse(address)));
    }

    /// <summary>Ordinary public addresses, and the addresses just outside refused ranges.</summary>
    [Theory]
    [InlineData("1.1.1.1")]
    [InlineData("8.8.8.8")]
    [InlineData("1.0.0.0")]
    [InlineData("9.255.255.255")]
    [InlineData("11.0.0.0")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.0")]
    [InlineData("126.255.255.255")]
    [InlineData("128.0.0.0")]
    [InlineData("169.253.255.255")]
    [InlineData("169.255.0.0")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.0")]
    [InlineData("191.255.255.255")]
    [InlineData("192.0.1.255")]
    [InlineData("192.0.3.0")]
    [InlineData("192.31.195.255")]
    [InlineData("192.31.197.0")]
    [InlineData("192.52.192.255")]
    [InlineData("192.52.194.0")]
    [InlineData("192.88.98.255")]
    [InlineData("192.88.100.0")]
    [InlineData("192.167.255.255")]
    [InlineData("192.169.0.0")]
    [InlineData("192.175.47.255")]
    [InlineData("192.175.49.0")]
    [InlineData("198.17.255.255")]
    [InlineData("198.20.0.0")]
    [InlineData("198.51.99.255")]
    [InlineData("198.51.101.0")]
    [InlineData("203.0.112.255")]
    [InlineData("203.0.114.0")]
    [InlineData("223.255.255.255")]
    [InlineData("2000::1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("2001:4860:4860::8888")]
    [InlineData("2001:200::1")]
    [InlineData("2001:db7:ffff:ffff::1")]
    [InlineData("2001:db9::1")]
    [InlineData("2003::1")]
    [InlineData("2001:ffff::1")]
    [InlineData("2620:4f:7fff:ffff::1")]
    [InlineData("2620:4f:8001::1")]
    [InlineData("3ffe::1")]
    [InlineData("3fff:1000::1")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("::ffff:192.88.98.255")]
    [InlineData("64:ff9b::808:808")]
    public void Public_Addresses_Are_Allowed(string address)
    {
        var ip = IPAddress.Parse(address);

        Assert.True(AddressClassifier.IsPublic(ip));
        Assert.Null(AddressClassifier.WhyNotPublic(ip));
    }

    [Fact]
    public void Classifying_Allocates_Nothing()
    {
        // It runs on every connection: reading the address must not copy it into new arrays.
        IPAddress[] addresses =
        [
            IPAddress.Parse("8.8.8.8"), IPAddress.Parse("10.0.0.1"), IPAddress.Parse("255.255.255.255"),
            IPAddress.Parse("2606:4700:4700::1111"), IPAddress.Parse("::ffff:10.0.0.1"), IPAddress.Parse("64:ff9b::808:808"),
            IPAddress.Parse("2002:a9fe:a9fe::1"), IPAddress.Parse("fe80::1%3"), IPAddress.Parse("4000::1"),
        ];
        foreach (var address in addresses)
        {
            AddressClassifier.WhyNotPublic(address);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            foreach (var address in addresses)
            {
                AddressClassifier.WhyNotPublic(address);
            }
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }
}
