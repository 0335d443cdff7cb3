using ReferralStudio.Outbound.Signing;

namespace ReferralStudio.Tests.Outbound.Signing;

/// <summary>The secrets integrators copy into their receivers: well-formed, unguessable, and never shown whole again.</summary>
public sealed class WebhookSecretTests
{
    [Fact]
    public void Generated_Secret_Is_Whsec_Prefixed_Base64_Of_32_Random_Bytes()
    {
        var secret = WebhookSecret.Generate();

        Assert.StartsWith("whsec_", secret);
        Assert.Equal(32, Convert.FromBase64String(secret["whsec_".Length..]).Length);
        Assert.True(WebhookSecret.TryDecode(secret, out var key));
        Assert.Equal(Convert.FromBase64String(secret["whsec_".Length..]), key);
    }

    [Fact]
    public void Generated_Secrets_Differ_Every_Time()
    {
        var secrets = Enumerable.Range(0, 100).Select(_ => WebhookSecret.Generate()).ToHashSet();

        Assert.Equal(100, secrets.Count);
    }

    [Theory]
    [InlineData(24)]
    [InlineData(32)]
    [InlineData(64)]
    public void Keys_Of_24_To_64_Bytes_Decode(int length)
    {
        var bytes = Enumerable.Range(1, length).Select(i => (byte)i).ToArray();

        Assert.True(WebhookSecret.TryDecode("whsec_" + Convert.ToBase64String(bytes), out var key));
        Assert.Equal(bytes, key);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("whsec_")]
    [InlineData("whsec_AAAA")]
    [InlineData("whsec_not*base64*at*all*but*long*enough*to*pass")]
    [InlineData("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    [InlineData("WHSEC_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    [InlineData("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS")]
    public void Malformed_Secrets_Do_Not_Decode(string? secret)
    {
        Assert.False(WebhookSecret.TryDecode(secret, out var key));
        Assert.Empty(key);
    }

    [Theory]
    [InlineData(23)]
    [InlineData(65)]
    public void Keys_Outside_24_To_64_Bytes_Do_Not_Decode(int length)
    {
        Assert.False(WebhookSecret.TryDecode("whsec_" + Convert.ToBase64String(new byte[length]), out _));
    }

    [Fact]
    public void Masked_Secret_Shows_Only_The_Prefix_And_Four_Characters()
    {
        Assert.Equal("whsec_Mf…Sw", WebhookSecret.Mask("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));

        var secret = WebhookSecret.Generate();
        var masked = WebhookSecret.Mask(secret);
        Assert.Equal(secret[..8] + "…" + secret[^2..], masked);
    }

    [Theory]
    [InlineData(null, "")]
    [InlineData("", "")]
    [InlineData("whsec_short", "whsec_…")]
    [InlineData("hunter2", "…")]
    [InlineData("a-long-secret-without-prefix", "a-…ix")]
    public void Short_Or_Odd_Secrets_Are_Masked_Without_Revealing_Them(string? secret, string expected)
    {
        Assert.Equal(expected, WebhookSecret.Mask(secret));
    }
}
