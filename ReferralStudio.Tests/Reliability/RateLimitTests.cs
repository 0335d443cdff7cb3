using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ReferralStudio.Tests.Infrastructure;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Reliability;

/// <summary>Over a configured limit a client gets 429 ProblemDetails with Retry-After; under it, normal answers.</summary>
public sealed class RateLimitTests
{
    private static Task<TestApp> StartAsync(string key, string limit) =>
        TestApp.StartAsync(settings: new Dictionary<string, string?> { [key] = limit });

    private static async Task AssertTooManyAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.True(response.Headers.RetryAfter?.Delta is { } wait && wait > TimeSpan.Zero, "Retry-After in seconds");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(429, problem.RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Api_Calls_Over_The_Limit_Get_429_With_Retry_After_And_Calls_Under_It_Are_Answered()
    {
        await using var app = await StartAsync("RateLimits:Api:PermitsPerMinute", "5");

        for (var i = 0; i < 5; i++)
        {
            using var ok = await app.Api.GetAsync("/api/triggers");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var limited = await app.Api.GetAsync("/api/triggers");
        await AssertTooManyAsync(limited);
        // Other routes are not charged to the API's budget.
        using var handshake = await app.Client.GetAsync($"/webhooks/meta?hub.mode=subscribe&hub.verify_token={TestApp.VerifyToken}&hub.challenge=7");
        Assert.Equal(HttpStatusCode.OK, handshake.StatusCode);
    }

    [Fact]
    public async Task Strangers_Guessing_Api_Keys_Use_Up_Their_Own_Budget_Not_The_Key_Holders()
    {
        await using var app = await StartAsync("RateLimits:Api:PermitsPerMinute", "3");
        using var stranger = new HttpClient { BaseAddress = app.BaseAddress };

        for (var i = 0; i < 3; i++)
        {
            stranger.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", $"guess-{i}");
            using var refused = await stranger.GetAsync("/api/triggers");
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        stranger.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "guess-4");
        using var limited = await stranger.GetAsync("/api/triggers");
        await AssertTooManyAsync(limited);

        using var keyHolder = await app.Api.GetAsync("/api/triggers");
        Assert.Equal(HttpStatusCode.OK, keyHolder.StatusCode);
    }

    [Fact]
    public async Task Sign_In_Attempts_Over_The_Limit_Get_429_While_The_Page_Still_Loads()
    {
        await using var app = await StartAsync("RateLimits:SignIn:PermitsPerMinute", "3");
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };

        for (var i = 0; i < 3; i++)
        {
            using var attempt = await PostSignInAsync(browser, "wrong-password-" + i);
            Assert.Equal(HttpStatusCode.OK, attempt.StatusCode);
            Assert.Contains("do not match", await attempt.Content.ReadAsStringAsync());
        }

        using var limited = await PostSignInAsync(browser, TestApp.AdminPassword);
        await AssertTooManyAsync(limited);
        using var page = await browser.GetAsync("/account/login");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task Webhook_Deliveries_Over_The_Limit_Get_429_And_Are_Not_Stored()
    {
        await using var app = await StartAsync("RateLimits:Webhooks:PermitsPerSecond", "3");
        var now = DateTimeOffset.UtcNow;

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => app.PostWebhookAsync(Instagram(Referral(Unique("igsid"), now, "burst_" + i)))));

        var accepted = responses.Count(r => r.StatusCode == HttpStatusCode.OK);
        var limited = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.Equal(20, accepted + limited.Count);
        Assert.NotEmpty(limited);
        foreach (var response in limited)
        {
            await AssertTooManyAsync(response);
        }

        Assert.True(accepted >= 3, $"{accepted} accepted");
        Assert.Equal(accepted, (await TestDatabase.InboxCountsAsync(app.DatabasePath)).Deliveries);
    }

    private static async Task<HttpResponseMessage> PostSignInAsync(HttpClient browser, string password)
    {
        var fields = DashboardBrowser.HiddenFields(await browser.GetStringAsync("/account/login"));
        fields["Input.Email"] = TestApp.AdminEmail;
        fields["Input.Password"] = password;
        return await browser.PostAsync("/account/login", new FormUrlEncodedContent(fields));
    }
}
