using ReferralStudio.Outbound.Safety;

namespace ReferralStudio.Tests.Outbound.Safety;

/// <summary>What of a webhook URL a log line may show: scheme, host and port, never path, query, fragment or user info.</summary>
public sealed class UrlRedactionTests
{
    [Theory]
    [InlineData("https://hooks.example.com/in/3f9c?token=abc#frag", "https://hooks.example.com:443")]
    [InlineData("http://hooks.example.com/in", "http://hooks.example.com:80")]
    [InlineData("http://127.0.0.1:5005/hooks/secret?x=1", "http://127.0.0.1:5005")]
    [InlineData("https://[2606:4700:4700::1111]:8443/secret", "https://[2606:4700:4700::1111]:8443")]
    [InlineData("https://user:password@hooks.example.com/secret", "https://hooks.example.com:443")]
    [InlineData("https://bücher.example/secret", "https://bücher.example:443")]
    [InlineData("not a url /secret", "(not an absolute URL)")]
    [InlineData(null, "(not an absolute URL)")]
    public void Only_Scheme_Host_And_Port_Are_Kept(string? url, string expected)
    {
        Assert.Equal(expected, UrlRedaction.ForLog(url));
    }
}
