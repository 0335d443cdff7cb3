using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Alerts;
using ReferralStudio.Outbound;
using ReferralStudio.Outbound.Signing;
using ReferralStudio.Tests.Infrastructure;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Alerts;

/// <summary>
/// Silence alerts on the real app with the hand-moved clock: real webhooks make the history, the clock moves, and a
/// check (what the watch does every minute) raises or resolves; an integrator subscribed to <c>system.alert</c> gets it signed.
/// </summary>
public sealed class SilenceAlertTests : IAsyncLifetime
{
    private LoopbackServer _receiver = null!;

    public async Task InitializeAsync() => _receiver = await LoopbackServer.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task Account_That_Goes_Quiet_Is_Shown_And_Announced_Signed_Once_Then_Resolved_When_Messages_Resume()
    {
        await using var app = await TestApp.StartAsync(receivers: [_receiver]);
        var secret = await SubscribeAsync(app);
        var t0 = app.Time.GetUtcNow();
        // 24 people over the last three days, the newest 3 hours ago.
        await app.DeliverAsync(Instagram([.. Enumerable.Range(0, 24).Select(i => Message(Unique("igsid"), t0 - TimeSpan.FromHours(72 - 3 * i), "Hi"))]));
        var newest = t0 - TimeSpan.FromHours(3);

        app.Time.Advance(TimeSpan.FromHours(3) - TimeSpan.FromMinutes(1));
        await CheckAsync(app);
        Assert.Empty(await OpenAlertsAsync(app));

        app.Time.Advance(TimeSpan.FromMinutes(1));
        await CheckAsync(app);
        await CheckAsync(app);
        var alert = Assert.Single(await OpenAlertsAsync(app));
        Assert.Equal((AlertKinds.WebhooksSilent, "instagram", InstagramAccount), (alert.Str("kind"), alert.Str("platform"), alert.GetProperty("account").Str("id")));
        Assert.Equal(newest, alert.GetProperty("since").GetDateTimeOffset());
        Assert.Equal(24, alert.GetProperty("baseline").GetInt32());
        Assert.NotEmpty(alert.GetProperty("likelyCauses").EnumerateArray());

        var raised = await _receiver.NextRequestAsync();
        AssertSigned(app, raised, secret);
        var raisedEvent = JsonDocument.Parse(raised.Body).RootElement;
        Assert.Equal(EventTypes.SystemAlert, raisedEvent.Str("type"));
        Assert.Equal(("raised", alert.Str("id")), (raisedEvent.GetProperty("data").GetProperty("alert").Str("status"), raisedEvent.GetProperty("data").GetProperty("alert").Str("id")));
        Assert.Equal(InstagramAccount, raisedEvent.GetProperty("data").GetProperty("account").Str("id"));
        Assert.False(raisedEvent.GetProperty("data").TryGetProperty("simulated", out _));

        await app.DeliverAsync(Instagram(Message(Unique("igsid"), app.Time.GetUtcNow(), "Back again")));
        await CheckAsync(app);

        Assert.Empty(await OpenAlertsAsync(app));
        var resolved = await _receiver.NextRequestAsync();
        AssertSigned(app, resolved, secret);
        var resolvedAlert = JsonDocument.Parse(resolved.Body).RootElement.GetProperty("data").GetProperty("alert");
        Assert.Equal(("resolved", alert.Str("id")), (resolvedAlert.Str("status"), resolvedAlert.Str("id")));
        Assert.Equal(app.Time.GetUtcNow(), resolvedAlert.GetProperty("resolvedAt").GetDateTimeOffset());
        // Raised once, resolved once, however many checks ran.
        Assert.Equal(2, await AlertDeliveriesAsync(app));
    }

    [Fact]
    public async Task Messages_Without_Referrals_For_A_Day_Raise_A_Referral_Alert_That_The_Next_Referral_Resolves()
    {
        await using var app = await TestApp.StartAsync(receivers: [_receiver]);
        var secret = await SubscribeAsync(app);
        var t0 = app.Time.GetUtcNow();
        // 24 people through a link over two days, until 25 hours ago; since, people keep writing, without a ref.
        await app.DeliverAsync(Instagram([.. Enumerable.Range(0, 24).Select(i => Message(Unique("igsid"), t0 - TimeSpan.FromHours(71 - 2 * i), "Hi", RefLink("summer_sale")))]));
        await app.DeliverAsync(Instagram([.. Enumerable.Range(0, 6).Select(i => Message(Unique("igsid"), t0 - TimeSpan.FromHours(6 - i), "Hello"))]));
        var lastReferral = t0 - TimeSpan.FromHours(25);

        await CheckAsync(app);
        app.Time.Advance(TimeSpan.FromHours(1));
        await CheckAsync(app);

        var alert = Assert.Single(await OpenAlertsAsync(app));
        Assert.Equal(AlertKinds.ReferralsSilent, alert.Str("kind"));
        Assert.Equal(lastReferral, alert.GetProperty("since").GetDateTimeOffset());
        Assert.Contains(alert.GetProperty("likelyCauses").EnumerateArray(), c => c.GetString()!.Contains("ice breakers", StringComparison.Ordinal));
        var raised = await _receiver.NextRequestAsync();
        AssertSigned(app, raised, secret);
        Assert.Equal(AlertKinds.ReferralsSilent, JsonDocument.Parse(raised.Body).RootElement.GetProperty("data").GetProperty("alert").Str("kind"));

        await app.DeliverAsync(Instagram(Referral(Unique("igsid"), app.Time.GetUtcNow(), "summer_sale")));
        await CheckAsync(app);

        Assert.Empty(await OpenAlertsAsync(app));
        var resolved = JsonDocument.Parse((await _receiver.NextRequestAsync()).Body).RootElement.GetProperty("data").GetProperty("alert");
        Assert.Equal(("resolved", alert.Str("id")), (resolved.Str("status"), resolved.Str("id")));
    }

    [Fact]
    public async Task Small_Simulated_And_Demo_Traffic_Never_Alerts()
    {
        await using var app = await TestApp.StartAsync(receivers: [_receiver]);
        await SubscribeAsync(app);
        var t0 = app.Time.GetUtcNow();
        const string DemoAccount = "demo-alerts-ig";
        IEnumerable<object> Messages(int count, string account = InstagramAccount) =>
            Enumerable.Range(0, count).Select(i => Message(Unique("igsid"), t0 - TimeSpan.FromHours(48 - i), "Hi", RefLink("summer_sale"), account));
        // Real but below the baseline of 20; simulated (the simulator's signed marker) and demo above it.
        await app.DeliverAsync(Instagram([.. Messages(19)]));
        var simulated = Messenger([.. Enumerable.Range(0, 30).Select(i => Message(Unique("psid"), t0 - TimeSpan.FromHours(48 - i), "Hi", RefLink("summer_sale"), PageId))]);
        await app.DeliverAsync("{\"referralstudio_simulated\":true," + simulated[1..]);
        await app.DeliverAsync(Envelope("instagram", Entry(DemoAccount, [.. Messages(30, DemoAccount)])));
        // Both were attributed like any other (only the alerts leave them out).
        Assert.Equal(1, await app.ConversationCountAsync("messenger", JsonDocument.Parse(simulated).RootElement.GetProperty("entry")[0].GetProperty("messaging")[0].GetProperty("sender").Str("id")!));
        Assert.Equal(49, (await app.Api.GetJsonAsync("/api/conversations?platform=instagram")).GetProperty("total").GetInt32());

        app.Time.Advance(TimeSpan.FromDays(2));
        await CheckAsync(app);

        Assert.Empty(await OpenAlertsAsync(app));
        Assert.Equal(0, await AlertDeliveriesAsync(app));
    }

    [Fact]
    public async Task After_A_Restart_An_Announced_Alert_Stays_Open_Without_Being_Announced_Again_And_Is_Still_Resolved()
    {
        var path = TestApp.NewDatabasePath();
        var app = await TestApp.StartAsync(path, receivers: [_receiver]);
        var clock = app.Time;
        string alertId;
        try
        {
            await SubscribeAsync(app);
            var t0 = app.Time.GetUtcNow();
            await app.DeliverAsync(Instagram([.. Enumerable.Range(0, 24).Select(i => Message(Unique("igsid"), t0 - TimeSpan.FromHours(48 - i), "Hi"))]));
            app.Time.Advance(TimeSpan.FromHours(30));
            await CheckAsync(app);
            alertId = Assert.Single(await OpenAlertsAsync(app)).Str("id")!;
            await _receiver.NextRequestAsync();
        }
        finally
        {
            await app.DisposeAsync();
        }

        await using var restarted = await TestApp.StartAsync(path, clock, receivers: [_receiver]);
        clock.Advance(TimeSpan.FromHours(1));
        await CheckAsync(restarted);

        Assert.Equal(alertId, Assert.Single(await OpenAlertsAsync(restarted)).Str("id"));
        Assert.Equal(1, await AlertDeliveriesAsync(restarted));

        await restarted.DeliverAsync(Instagram(Message(Unique("igsid"), clock.GetUtcNow(), "Back again")));
        await CheckAsync(restarted);

        var resolved = JsonDocument.Parse((await _receiver.NextRequestAsync()).Body).RootElement.GetProperty("data").GetProperty("alert");
        Assert.Equal(("resolved", alertId), (resolved.Str("status"), resolved.Str("id")));
        Assert.Empty(await OpenAlertsAsync(restarted));
    }

    private static Task CheckAsync(TestApp app) => app.Services.GetRequiredService<SilenceWatch>().CheckAsync();

    private static async Task<List<JsonElement>> OpenAlertsAsync(TestApp app) =>
        [.. (await app.Api.GetJsonAsync("/api/alerts")).GetProperty("items").EnumerateArray()];

    private static async Task<int> AlertDeliveriesAsync(TestApp app) =>
        (await app.Api.GetJsonAsync($"/api/webhooks/deliveries?eventType={EventTypes.SystemAlert}")).GetProperty("total").GetInt32();

    private async Task<string> SubscribeAsync(TestApp app)
    {
        var (status, body) = await app.Api.PostJsonAsync("/api/webhooks/subscriptions", new { url = new Uri(_receiver.BaseAddress, "alerts").ToString(), events = new[] { EventTypes.SystemAlert } });
        Assert.True(status == HttpStatusCode.Created, body.ToString());
        return body.Str("secret")!;
    }

    private static void AssertSigned(TestApp app, ReceivedRequest request, string secret) =>
        Assert.True(
            StandardWebhookSigner.Verify(request.Header("webhook-id"), request.Header("webhook-timestamp"), request.Body, request.Header("webhook-signature"), secret, app.Time),
            "signature did not verify");
}
