using System.Net;
using System.Net.Sockets;
using ReferralStudio.Outbound.Safety;

namespace ReferralStudio.Tests.Outbound.Safety;

/// <summary>What an integrator hears back when registering a webhook URL, decided without real DNS.</summary>
public sealed class OutboundUrlPolicyTests
{
    private static readonly IPAddress Public = IPAddress.Parse("93.184.215.14");

    [Theory]
    [InlineData("https://hooks.example.com/referral-studio")]
    [InlineData("http://hooks.example.com:8080/in?source=rs")]
    [InlineData("https://8.8.8.8/hook")]
    [InlineData("https://[2606:4700:4700::1111]/hook")]
    public async Task Public_Http_And_Https_Urls_Are_Accepted(string url)
    {
        Assert.Null(await ValidateAsync(url, allowPrivate: false, Public));
    }

    [Theory]
    [InlineData(null, "A URL is required.")]
    [InlineData("", "A URL is required.")]
    [InlineData("   ", "A URL is required.")]
    [InlineData("/hooks/in", "The URL must be an absolute http:// or https:// URL.")]
    [InlineData("hooks.example.com/in", "The URL must be an absolute http:// or https:// URL.")]
    [InlineData("ftp://hooks.example.com/in", "The URL must be an absolute http:// or https:// URL.")]
    [InlineData("file:///etc/passwd", "The URL must be an absolute http:// or https:// URL.")]
    [InlineData("gopher://hooks.example.com/", "The URL must be an absolute http:// or https:// URL.")]
    [InlineData("https://", "The URL must be an absolute http:// or https:// URL.")]
    [InlineData("https://user:pass@hooks.example.com/in", "The URL must not contain a user name or password.")]
    [InlineData("https://token@hooks.example.com/in", "The URL must not contain a user name or password.")]
    public async Task Malformed_Urls_Are_Refused_With_A_Reason(string? url, string reason)
    {
        Assert.Equal(reason, await ValidateAsync(url, allowPrivate: true, Public));
    }

    [Fact]
    public async Task Urls_Up_To_2048_Characters_Are_Accepted_And_Longer_Ones_Refused()
    {
        var prefix = "https://hooks.example.com/";
        var longest = prefix + new string('a', 2048 - prefix.Length);

        Assert.Null(await ValidateAsync(longest, allowPrivate: false, Public));
        Assert.Equal("The URL must be at most 2,048 characters.", await ValidateAsync(longest + "a", allowPrivate: false, Public));
    }

    [Theory]
    [InlineData("10.0.0.5", "private network (10.0.0.0/8)")]
    [InlineData("169.254.169.254", "link-local (169.254.0.0/16)")]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("fd00::1", "unique local (fc00::/7)")]
    public async Task A_Host_That_Resolves_To_A_Non_Public_Address_Is_Refused(string address, string reason)
    {
        var refusal = await ValidateAsync("https://hooks.example.com/in", allowPrivate: false, IPAddress.Parse(address));

        Assert.Equal($"The host resolves to a non-public address ({reason}); only public addresses can receive webhooks.", refusal);
    }

    [Fact]
    public async Task One_Non_Public_Address_Among_Public_Ones_Is_Enough_To_Refuse()
    {
        var refusal = await ValidateAsync("https://hooks.example.com/in", allowPrivate: false, Public, IPAddress.Parse("192.168.0.10"));

        Assert.NotNull(refusal);
        Assert.Contains("private network (192.168.0.0/16)", refusal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000/hook", "loopback")]
    [InlineData("http://2130706433/hook", "loopback")]
    [InlineData("http://0x7f.1/hook", "loopback")]
    [InlineData("http://[::1]:5000/hook", "loopback")]
    [InlineData("http://[::ffff:169.254.169.254]/latest/meta-data", "link-local (169.254.0.0/16)")]
    [InlineData("http://[fe80::1%25eth0]/hook", "link-local (fe80::/10)")]
    [InlineData("http://localhost:5000/hook", "loopback")]
    [InlineData("http://LOCALHOST./hook", "loopback")]
    [InlineData("http://api.localhost/hook", "loopback")]
    public async Task Ip_Literals_And_Localhost_Are_Judged_Without_A_Dns_Lookup(string url, string reason)
    {
        var policy = new OutboundUrlPolicy((_, _) => throw new InvalidOperationException("DNS must not be consulted."));

        var refusal = await policy.ValidateAsync(url, allowPrivateNetworks: false, CancellationToken.None);

        Assert.Equal($"The host resolves to a non-public address ({reason}); only public addresses can receive webhooks.", refusal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000/hook")]
    [InlineData("http://localhost:5000/hook")]
    [InlineData("http://receiver.internal/hook")]
    public async Task Private_Addresses_Are_Accepted_When_Private_Networks_Are_Allowed(string url)
    {
        Assert.Null(await ValidateAsync(url, allowPrivate: true, IPAddress.Parse("10.1.2.3")));
    }

    [Fact]
    public async Task A_Host_That_Does_Not_Resolve_Is_Refused()
    {
        var missing = new OutboundUrlPolicy((_, _) => throw new SocketException((int)SocketError.HostNotFound));

        var refusal = await missing.ValidateAsync("https://nowhere.example/in", allowPrivateNetworks: true, CancellationToken.None);

        Assert.Equal("The host does not resolve.", refusal);
        Assert.Equal("The host does not resolve.", await ValidateAsync("https://empty.example/in", allowPrivate: false));
    }

    [Fact]
    public async Task International_Host_Names_Are_Looked_Up_In_Punycode()
    {
        var asked = new List<string>();
        var policy = new OutboundUrlPolicy((host, _) =>
        {
            asked.Add(host);
            return Task.FromResult(new[] { Public });
        });

        Assert.Null(await policy.ValidateAsync("https://bücher.example/hook", allowPrivateNetworks: false, CancellationToken.None));
        Assert.Equal(["xn--bcher-kva.example"], asked);
    }

    [Fact]
    public async Task Cancellation_Reaches_The_Lookup_And_Is_Not_Reported_As_A_Refusal()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var policy = new OutboundUrlPolicy((_, token) => Task.FromCanceled<IPAddress[]>(token));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => policy.ValidateAsync("https://hooks.example.com/", false, cancelled.Token));
    }

    private static Task<string?> ValidateAsync(string? url, bool allowPrivate, params IPAddress[] resolvesTo) =>
        new OutboundUrlPolicy((_, _) => Task.FromResult(resolvesTo))
            .ValidateAsync(url, allowPrivate, CancellationToken.None);
}
