using System.Net;
using System.Net.Sockets;
using ReferralStudio.Outbound.Safety;

namespace ReferralStudio.Tests.Outbound.Safety;

/// <summary>What an integrator hears back when registering a webhook URL, decided without real DNS.</summary>
public sealed class OutboundUrlPolicyTests
{
    private static readonly IPAddress Public = IPAddress.Parse("93.184.215.14");

    private static readonly int[] WebPorts = [80, 443];

    [Theory]
    [InlineData("https://hooks.example.com/referral-studio")]
    [InlineData("http://hooks.example.com:80/in?source=rs")]
    [InlineData("https://hooks.example.com:443/in")]
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

        var refusal = await policy.ValidateAsync(url, allowPrivateNetworks: false, [80, 443, 5000], CancellationToken.None);

        Assert.Equal($"The host resolves to a non-public address ({reason}); only public addresses can receive webhooks.", refusal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000/hook")]
    [InlineData("http://localhost:5000/hook")]
    [InlineData("http://receiver.internal/hook")]
    public async Task Private_Addresses_Are_Accepted_When_Private_Networks_Are_Allowed(string url)
    {
        Assert.Null(await ValidateAsync(url, allowPrivate: true, [80, 5000], IPAddress.Parse("10.1.2.3")));
    }

    [Theory]
    [InlineData("https://hooks.example.com:8080/in", 8080)]
    [InlineData("http://hooks.example.com:8443/in", 8443)]
    [InlineData("http://hooks.example.com:22/", 22)]
    [InlineData("http://hooks.example.com:25/", 25)]
    [InlineData("http://hooks.example.com:6379/", 6379)]
    [InlineData("https://8.8.8.8:444/hook", 444)]
    [InlineData("https://[2606:4700:4700::1111]:8080/hook", 8080)]
    [InlineData("https://hooks.example.com:0/in", 0)]
    public async Task A_Port_Other_Than_80_Or_443_Is_Refused_Before_Any_Lookup(string url, int port)
    {
        var policy = new OutboundUrlPolicy((_, _) => throw new InvalidOperationException("DNS must not be consulted."));

        var refusal = await policy.ValidateAsync(url, allowPrivateNetworks: false, [80, 443], CancellationToken.None);

        Assert.Equal($"Port {port} is not allowed; outbound webhooks go to ports 80 and 443 (Outbound:AllowedPorts).", refusal);
    }

    [Fact]
    public async Task Allowed_Ports_Replace_The_Default_Rather_Than_Add_To_It()
    {
        // A URL without a port has its scheme's: https 443, http 80.
        Assert.Null(await ValidateAsync("https://hooks.example.com:8443/in", allowPrivate: false, [443, 8443], Public));
        Assert.Null(await ValidateAsync("https://hooks.example.com/in", allowPrivate: false, [443, 8443], Public));
        Assert.Equal(
            "Port 80 is not allowed; outbound webhooks go to ports 443 and 8443 (Outbound:AllowedPorts).",
            await ValidateAsync("http://hooks.example.com/in", allowPrivate: false, [443, 8443], Public));
        Assert.Equal(
            "Port 80 is not allowed; outbound webhooks go to port 443 (Outbound:AllowedPorts).",
            await ValidateAsync("http://hooks.example.com/in", allowPrivate: false, [443], Public));
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000/hook")]
    [InlineData("http://localhost:5000/hook")]
    [InlineData("http://10.1.2.3:6379/")]
    public async Task Allowing_Private_Networks_Does_Not_Allow_Other_Ports(string url)
    {
        var refusal = await ValidateAsync(url, allowPrivate: true, WebPorts, IPAddress.Parse("10.1.2.3"));

        Assert.NotNull(refusal);
        Assert.StartsWith("Port ", refusal);
        Assert.Contains("(Outbound:AllowedPorts)", refusal);
    }

    [Fact]
    public async Task A_Host_That_Does_Not_Resolve_Is_Refused()
    {
        var missing = new OutboundUrlPolicy((_, _) => throw new SocketException((int)SocketError.HostNotFound));

        var refusal = await missing.ValidateAsync("https://nowhere.example/in", allowPrivateNetworks: true, WebPorts, CancellationToken.None);

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

        Assert.Null(await policy.ValidateAsync("https://bücher.example/hook", allowPrivateNetworks: false, WebPorts, CancellationToken.None));
        Assert.Equal(["xn--bcher-kva.example"], asked);
    }

    [Fact]
    public async Task Cancellation_Reaches_The_Lookup_And_Is_Not_Reported_As_A_Refusal()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var policy = new OutboundUrlPolicy((_, token) => Task.FromCanceled<IPAddress[]>(token));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => policy.ValidateAsync("https://hooks.example.com/", false, WebPorts, cancelled.Token));
    }

    private static Task<string?> ValidateAsync(string? url, bool allowPrivate, params IPAddress[] resolvesTo) =>
        ValidateAsync(url, allowPrivate, WebPorts, resolvesTo);

    private static Task<string?> ValidateAsync(string? url, bool allowPrivate, int[] allowedPorts, params IPAddress[] resolvesTo) =>
        new OutboundUrlPolicy((_, _) => Task.FromResult(resolvesTo))
            .ValidateAsync(url, allowPrivate, allowedPorts, CancellationToken.None);
}
