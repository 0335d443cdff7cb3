using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Demo;
using ReferralStudio.Outbound.Signing;
using ReferralStudio.Simulation;
using ReferralStudio.Tests.Infrastructure;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Outbound;

/// <summary>Signed, normalized events reach an integrator's loopback receiver at least once.</summary>
public sealed class OutboundDeliveryTests : IAsyncLifetime
{
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;
    private LoopbackServer _receiver = null!;
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _receiver = await LoopbackServer.StartAsync();
        _app = await StartAppAsync(TestApp.NewDatabasePath());
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    private Task<TestApp> StartAppAsync(string path, string baseDelay = "00:00:00.050", string maxAttempts = "15") =>
        TestApp.StartAsync(path, systemClock: true, receivers: [_receiver], settings: new Dictionary<string, string?>
        {
            ["Outbound:Retry:BaseDelay"] = baseDelay,
            ["Outbound:Retry:MaxAttempts"] = maxAttempts,
            ["Outbound:Retry:JitterFraction"] = "0",
        });

    private async Task<string> SubscribeAsync(TestApp app, params string[] events)
    {
        var (status, body) = await app.Api.PostJsonAsync("/api/webhooks/subscriptions", new { url = new Uri(_receiver.BaseAddress, "hooks").ToString(), events });
        Assert.True(status == HttpStatusCode.Created, body.ToString());
        var secret = body.Str("secret")!;
        Assert.StartsWith("whsec_", secret);
        return secret;
    }

    private static void AssertSigned(ReceivedRequest request, string secret) =>
        Assert.True(
            StandardWebhookSigner.Verify(request.Header("webhook-id"), request.Header("webhook-timestamp"), request.Body, request.Header("webhook-signature"), secret, TimeProvider.System),
            "signature did not verify");

    private static async Task<JsonElement> SettledDeliveryAsync(TestApp app, string eventType)
    {
        var page = await app.Api.GetJsonAsync($"/api/webhooks/deliveries?eventType={eventType}");
        return await app.SettledDeliveryAsync(page.GetProperty("items")[0].GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task Referral_Is_Delivered_As_One_Normalized_Signed_Event()
    {
        var secret = await SubscribeAsync(_app, "referral.received");
        await _app.Api.PostJsonAsync("/api/triggers", new { name = "Collabs", pattern = "collab_*", actions = new { tags = new[] { "affiliate:{1}" } } });
        var igsid = Unique("igsid");

        await _app.DeliverAsync(Instagram(Referral(igsid, _now.AddMinutes(-1), "collab_bob", "IGME-SOURCE-LINK")));
        var request = await _receiver.NextRequestAsync();

        AssertSigned(request, secret);
        using var json = JsonDocument.Parse(request.Body);
        var root = json.RootElement;
        Assert.Equal(request.Header("webhook-id"), root.Str("id"));
        Assert.Equal("referral.received", root.Str("type"));
        var data = root.GetProperty("data");
        Assert.Equal("instagram", data.Str("platform"));
        Assert.Equal(InstagramAccount, data.GetProperty("account").Str("id"));
        Assert.Equal(igsid, data.GetProperty("sender").Str("id"));
        Assert.True(data.GetProperty("conversation").GetProperty("id").GetInt64() > 0);
        var referral = data.GetProperty("referral");
        Assert.Equal("collab_bob", referral.Str("ref"));
        Assert.Equal("IGME-SOURCE-LINK", referral.Str("source"));
        Assert.Equal("OPEN_THREAD", referral.Str("type"));
        Assert.Equal("standalone", referral.Str("arrival"));
        var trigger = data.GetProperty("trigger");
        Assert.Equal("Collabs", trigger.Str("name"));
        Assert.Equal("bob", trigger.GetProperty("captures")[0].GetString());
        Assert.Equal("affiliate:bob", trigger.GetProperty("tags")[0].GetString());
        Assert.False(data.TryGetProperty("simulated", out _), "a real event has no simulated field");
    }

    [Fact]
    public async Task Events_Of_Simulated_And_Demo_Conversations_Say_They_Are_Simulated()
    {
        await SubscribeAsync(_app, "referral.received", "conversion.recorded");
        var simulated = new SimulatedReferral("instagram", "standalone", InstagramAccount, Unique("sim"), "rehearsal", null, null, null, _now.AddMinutes(-1));
        var outcome = await _app.Services.GetRequiredService<Simulator>().SendAndFollowAsync(simulated, simulated.ToJson(), default);
        var fromSimulator = JsonDocument.Parse((await _receiver.NextRequestAsync()).Body).RootElement.GetProperty("data");

        var demoParticipant = Unique("demo");
        await _app.DeliverAsync(Envelope("instagram", Entry(DemoDataGenerator.InstagramAccountId,
            Referral(demoParticipant, _now.AddMinutes(-1), "demo_code", account: DemoDataGenerator.InstagramAccountId))));
        var fromDemo = JsonDocument.Parse((await _receiver.NextRequestAsync()).Body).RootElement.GetProperty("data");
        var (status, body) = await _app.Api.PostJsonAsync("/api/conversions", new { conversationId = outcome.ConversationId, type = "purchase", externalId = Unique("order") });
        Assert.True(status == HttpStatusCode.Created, body.ToString());
        var conversion = JsonDocument.Parse((await _receiver.NextRequestAsync()).Body).RootElement;

        Assert.Equal("rehearsal", fromSimulator.GetProperty("referral").Str("ref"));
        Assert.True(fromSimulator.GetProperty("simulated").GetBoolean());
        Assert.Equal(demoParticipant, fromDemo.GetProperty("sender").Str("id"));
        Assert.True(fromDemo.GetProperty("simulated").GetBoolean());
        Assert.Equal("conversion.recorded", conversion.Str("type"));
        Assert.True(conversion.GetProperty("data").GetProperty("simulated").GetBoolean());
    }

    [Fact]
    public async Task Delivery_That_Fails_Twice_Then_Succeeds_Is_One_Logical_Delivery_With_Three_Logged_Attempts()
    {
        var secret = await SubscribeAsync(_app, "referral.received");
        _receiver.Enqueue(new ScriptedResponse(500), new ScriptedResponse(503));

        await _app.DeliverAsync(Instagram(Referral(Unique("igsid"), _now, "retry_me")));
        var attempts = new[] { await _receiver.NextRequestAsync(), await _receiver.NextRequestAsync(), await _receiver.NextRequestAsync() };

        Assert.All(attempts, a => AssertSigned(a, secret));
        Assert.Single(attempts.Select(a => a.Header("webhook-id")).Distinct());
        Assert.Single(attempts.Select(a => a.Text).Distinct());
        var delivery = await SettledDeliveryAsync(_app, "referral.received");
        Assert.Equal("delivered", delivery.Str("status"));
        Assert.Equal([500, 503, 200], delivery.GetProperty("attemptLog").EnumerateArray().Select(a => a.GetProperty("statusCode").GetInt32()).ToArray());
        Assert.All(delivery.GetProperty("attemptLog").EnumerateArray(), a => Assert.True(a.GetProperty("latencyMs").GetInt32() >= 0));
    }

    [Fact]
    public async Task Conversation_Started_And_First_Message_Carry_The_Referral()
    {
        await SubscribeAsync(_app, "conversation.started", "message.received");
        var igsid = Unique("igsid");

        await _app.DeliverAsync(Instagram(Message(igsid, _now, "Hi! code inside", RefLink("bio_link"))));
        var events = new[] { await _receiver.NextRequestAsync(), await _receiver.NextRequestAsync() }
            .Select(r => JsonDocument.Parse(r.Body).RootElement).ToDictionary(e => e.Str("type")!);

        Assert.Equal("bio_link", events["conversation.started"].GetProperty("data").GetProperty("referral").Str("ref"));
        var message = events["message.received"].GetProperty("data");
        Assert.Equal("Hi! code inside", message.GetProperty("message").Str("text"));
        Assert.Equal("bio_link", message.GetProperty("referral").Str("ref"));
    }

    [Fact]
    public async Task Endpoint_Answering_410_Is_Disabled_And_Shown_As_Such()
    {
        await SubscribeAsync(_app, "referral.received");
        _receiver.Enqueue(new ScriptedResponse(410));

        await _app.DeliverAsync(Instagram(Referral(Unique("igsid"), _now, "gone_code")));
        var delivery = await SettledDeliveryAsync(_app, "referral.received");

        Assert.Equal("failed", delivery.Str("status"));
        var subscription = Assert.Single((await _app.Api.GetJsonAsync("/api/webhooks/subscriptions")).EnumerateArray());
        Assert.False(subscription.GetProperty("enabled").GetBoolean());
        Assert.Contains("410", subscription.Str("disabledReason"));
        Assert.DoesNotContain("whsec_", subscription.Str("secret")![6..]);
    }

    [Fact]
    public async Task Failed_Delivery_Can_Be_Replayed_By_Hand()
    {
        await using var app = await StartAppAsync(TestApp.NewDatabasePath(), maxAttempts: "1");
        await SubscribeAsync(app, "referral.received");
        _receiver.Enqueue(new ScriptedResponse(500));
        await app.DeliverAsync(Instagram(Referral(Unique("igsid"), _now, "replay_me")));
        var failed = await SettledDeliveryAsync(app, "referral.received");
        Assert.Equal("failed", failed.Str("status"));

        var (status, _) = await app.Api.PostJsonAsync($"/api/webhooks/deliveries/{failed.GetProperty("id").GetInt64()}/replay");
        Assert.Equal(HttpStatusCode.Accepted, status);
        var replayed = await SettledDeliveryAsync(app, "referral.received");

        Assert.Equal("delivered", replayed.Str("status"));
        var log = replayed.GetProperty("attemptLog").EnumerateArray().ToList();
        Assert.Equal(2, log.Count);
        Assert.False(log[0].GetProperty("replay").GetBoolean());
        Assert.True(log[1].GetProperty("replay").GetBoolean());
    }

    [Fact]
    public async Task Signatures_Verify_With_Old_And_New_Secret_Across_A_Rotation()
    {
        var oldSecret = await SubscribeAsync(_app, "referral.received");
        var id = (await _app.Api.GetJsonAsync("/api/webhooks/subscriptions"))[0].GetProperty("id").GetInt64();
        var (_, rotated) = await _app.Api.PostJsonAsync($"/api/webhooks/subscriptions/{id}/rotate-secret");
        var newSecret = rotated.Str("secret")!;
        Assert.NotEqual(oldSecret, newSecret);

        await _app.DeliverAsync(Instagram(Referral(Unique("igsid"), _now, "rotated")));
        var request = await _receiver.NextRequestAsync();

        AssertSigned(request, oldSecret);
        AssertSigned(request, newSecret);
    }

    [Fact]
    public async Task Delivery_Pending_At_Shutdown_Is_Delivered_After_The_Restart()
    {
        var path = TestApp.NewDatabasePath();
        string secret;
        await using (var first = await StartAppAsync(path, baseDelay: "00:00:01"))
        {
            secret = await SubscribeAsync(first, "referral.received");
            _receiver.Enqueue(new ScriptedResponse(503));
            await first.DeliverAsync(Instagram(Referral(Unique("igsid"), _now, "across_restart")));
            // The first attempt failed; the retry is scheduled for a second later, when this app is gone.
            await _receiver.NextRequestAsync();
        }

        await using var second = await StartAppAsync(path, baseDelay: "00:00:01");
        var retried = await _receiver.NextRequestAsync();

        AssertSigned(retried, secret);
        Assert.Equal(_receiver.Requests[^2].Header("webhook-id"), retried.Header("webhook-id"));
        var delivery = await SettledDeliveryAsync(second, "referral.received");
        Assert.Equal("delivered", delivery.Str("status"));
    }

    [Fact]
    public async Task Private_Network_Urls_Are_Refused_Unless_Allowed()
    {
        await using var strict = await TestApp.StartAsync(settings: new Dictionary<string, string?> { ["Outbound:AllowPrivateNetworks"] = "false" });

        foreach (var url in new[] { "http://127.0.0.1/hook", "http://10.1.2.3/hook", "http://169.254.169.254/latest/meta-data", "http://[::1]/x", "ftp://example.com/x" })
        {
            var (status, problem) = await strict.Api.PostJsonAsync("/api/webhooks/subscriptions", new { url, events = new[] { "referral.received" } });
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.NotEmpty(problem.ErrorsFor("url"));
        }
    }

    [Fact]
    public async Task Unknown_Event_Type_Is_Refused_Naming_The_Field()
    {
        var (status, problem) = await _app.Api.PostJsonAsync("/api/webhooks/subscriptions", new { url = _receiver.BaseAddress.ToString(), events = new[] { "referral.deleted" } });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(problem.ErrorsFor("events"), r => r.Contains("referral.deleted"));
    }
}
