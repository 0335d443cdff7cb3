using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ReferralStudio.Tests.Infrastructure;
using ReferralStudio.Webhooks;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Hosting;

/// <summary>Behind a reverse proxy on loopback: the client's own address counts, and webhooks are still checked on their raw bytes.</summary>
public sealed class ForwardedHeadersTests
{
    [Fact]
    public async Task Sign_In_Limit_Counts_Each_Client_Behind_The_Proxy_On_Its_Own()
    {
        await using var app = await TestApp.StartAsync(settings: new Dictionary<string, string?> { ["RateLimits:SignIn:PermitsPerMinute"] = "1" });

        using var first = await app.Client.SendAsync(SignInPost("203.0.113.10"));
        using var again = await app.Client.SendAsync(SignInPost("203.0.113.10"));
        using var other = await app.Client.SendAsync(SignInPost("203.0.113.11"));

        Assert.NotEqual(HttpStatusCode.TooManyRequests, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, again.StatusCode);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, other.StatusCode);
    }

    [Fact]
    public async Task Signed_Webhook_Through_The_Proxy_Is_Checked_On_Its_Raw_Body()
    {
        await using var app = await TestApp.StartAsync();
        var body = Encoding.UTF8.GetBytes(Instagram(Referral(Unique("igsid"), DateTimeOffset.UtcNow, "via_proxy")));

        using var accepted = await app.Client.SendAsync(WebhookPost(body, MetaSignature.Sign(body, Encoding.UTF8.GetBytes(TestApp.AppSecret))));
        using var refused = await app.Client.SendAsync(WebhookPost(body, MetaSignature.Sign(body, Encoding.UTF8.GetBytes("another-secret"))));

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    private static HttpRequestMessage SignInPost(string client)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/account/login") { Content = new FormUrlEncodedContent([]) };
        request.Headers.Add("X-Forwarded-For", client);
        request.Headers.Add("X-Forwarded-Proto", "https");
        return request;
    }

    private static HttpRequestMessage WebhookPost(byte[] body, string signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, WebhookEndpoints.Path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation(WebhookEndpoints.SignatureHeader, signature);
        request.Headers.Add("X-Forwarded-For", "203.0.113.20");
        request.Headers.Add("X-Forwarded-Proto", "https");
        return request;
    }
}
