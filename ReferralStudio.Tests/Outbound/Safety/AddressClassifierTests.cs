using System.Net;
using ReferralStudio.Outbound.Safety;

namespace ReferralStudio.Tests.Outbound.Safety;

/// <summary>Only public internet addresses may receive webhooks; everything that reaches inward is refused.</summary>
public sealed class AddressClassifierTests
{
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
    [InlineData("192.0.0.8", "IETF protocol assignments (192.0.0.0/24)")]
    [InlineData("192.0.2.10", "documentation (192.0.2.0/24)")]
    [InlineData("192.168.1.1", "private network (192.168.0.0/16)")]
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

    [Theory]
    [InlineData("::", "unspecified (::)")]
    [InlineData("::1", "loopback")]
    [InlineData("fc00::1", "unique local (fc00::/7)")]
    [InlineData("fd12:3456:789a::1", "unique local (fc00::/7)")]
    [InlineData("fe80::1", "link-local (fe80::/10)")]
    [InlineData("febf:ffff::1", "link-local (fe80::/10)")]
    [InlineData("fec0::1", "site-local (fec0::/10)")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("2001:db8::1", "documentation (2001:db8::/32)")]
    [InlineData("100::1", "discard-only (100::/64)")]
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
    [InlineData("::127.0.0.1", "loopback")]
    [InlineData("::192.168.0.1", "private network (192.168.0.0/16)")]
    [InlineData("::ffff:0:127.0.0.1", "loopback")]
    [InlineData("64:ff9b::7f00:1", "loopback")]
    [InlineData("64:ff9b::a00:1", "private network (10.0.0.0/8)")]
    [InlineData("2002:a9fe:a9fe::1", "link-local (169.254.0.0/16)")]
    public void IPv6_Forms_Embedding_A_Private_IPv4_Address_Are_Refused_As_That_Address(string address, string reason)
    {
        Assert.Equal(reason, AddressClassifier.WhyNotPublic(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("1.1.1.1")]
    [InlineData("8.8.8.8")]
    [InlineData("9.255.255.255")]
    [InlineData("11.0.0.0")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.0")]
    [InlineData("126.255.255.255")]
    [InlineData("128.0.0.0")]
    [InlineData("169.253.255.255")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.0")]
    [InlineData("192.0.1.1")]
    [InlineData("192.167.255.255")]
    [InlineData("192.169.0.0")]
    [InlineData("198.17.255.255")]
    [InlineData("198.20.0.0")]
    [InlineData("223.255.255.255")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("2001:4860:4860::8888")]
    [InlineData("2001:db9::1")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::808:808")]
    [InlineData("2002:808:808::1")]
    public void Public_Addresses_Are_Allowed(string address)
    {
        var ip = IPAddress.Parse(address);

        Assert.True(AddressClassifier.IsPublic(ip));
        Assert.Null(AddressClassifier.WhyNotPublic(ip));
    }
}
