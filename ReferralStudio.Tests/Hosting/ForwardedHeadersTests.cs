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

    [Fact]
    public async Task With_Tls_Configured_Plain_Http_Is_Redirected_And_Https_Answers_Carry_Hsts()
    {
        await using var app = await TestApp.StartAsync(settings: new Dictionary<string, string?> { ["Tls:RedirectToHttps"] = "true", ["Tls:Hsts"] = "true" });
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };

        using var plain = await client.GetAsync("/feed");
        using var health = await client.GetAsync("/healthz");
        using var viaProxy = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        viaProxy.Headers.Add("X-Forwarded-Proto", "https");
        using var secure = await client.SendAsync(viaProxy);

        Assert.Equal(HttpStatusCode.TemporaryRedirect, plain.StatusCode);
        Assert.Equal($"https://{app.BaseAddress.Host}/feed", plain.Headers.Location?.ToString());
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, secure.StatusCode);
        Assert.Equal("max-age=31536000", Assert.Single(secure.Headers.GetValues("Strict-Transport-Security")));
    }

    [Fact]
    public async Task Without_Tls_Settings_Nothing_Redirects_And_No_Hsts_Is_Sent()
    {
        await using var app = await TestApp.StartAsync();

        using var plain = await app.Client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.False(plain.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task Behind_A_Tls_Proxy_The_Session_Cookie_Is_Secure()
    {
        await using var app = await TestApp.StartAsync();
        using var browser = DashboardBrowser.Open(app.BaseAddress);
        var fields = DashboardBrowser.HiddenFields(await browser.Http.GetStringAsync("/account/login"));
        fields["Input.Email"] = TestApp.AdminEmail;
        fields["Input.Password"] = TestApp.AdminPassword;
        using var post = new HttpRequestMessage(HttpMethod.Post, "/account/login") { Content = new FormUrlEncodedContent(fields) };
        post.Headers.Add("X-Forwarded-Proto", "https");

        using var signedIn = await browser.Http.SendAsync(post);

        var cookie = Assert.Single(signedIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("ReferralStudio.Auth=", StringComparison.Ordinal));
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
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
