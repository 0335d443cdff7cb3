using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Outbound.Signing;
using ReferralStudio.Tests.Infrastructure;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Reliability;

/// <summary>
/// A receiver that fails, times out, throttles and finally goes away: every event is delivered or the endpoint
/// is disabled as documented, and the attempt log matches what the receiver saw.
/// </summary>
public abstract class OutboundReliabilityScenarios : IAsyncLifetime
{
    private TestStore _store = null!;
    private LoopbackServer _receiver = null!;

    protected abstract TestStore NewStore();

    public async Task InitializeAsync()
    {
        _store = NewStore();
        await _store.PrepareAsync();
        _receiver = await LoopbackServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _store.DisposeAsync();
    }

    // Each test's store is fresh; a test that restarts the app finds its data again.
    private Task<TestApp> StartAsync() => TestApp.StartAsync(_store.Path, systemClock: true, receivers: [_receiver], settings: _store.With(new Dictionary<string, string?>
    {
        ["Outbound:Retry:BaseDelay"] = "00:00:00.050",
        ["Outbound:Retry:JitterFraction"] = "0",
        ["Outbound:Timeout"] = "00:00:01",
    }));

    private async Task<(long Id, string Secret)> SubscribeAsync(TestApp app)
    {
        var (status, body) = await app.Api.PostJsonAsync("/api/webhooks/subscriptions", new { url = new Uri(_receiver.BaseAddress, "hooks").ToString(), events = new[] { "referral.received" } });
        Assert.Equal(HttpStatusCode.Created, status);
        return (body.GetProperty("id").GetInt64(), body.Str("secret")!);
    }

    private static Task<JsonElement> SettledAsync(TestApp app, long deliveryId) => app.SettledDeliveryAsync(deliveryId);

    private static async Task<long[]> DeliveryIdsAsync(TestApp app) =>
        (await app.Api.GetJsonAsync("/api/webhooks/deliveries?eventType=referral.received")).GetProperty("items")
            .EnumerateArray().Select(d => d.GetProperty("id").GetInt64()).ToArray();

    private static bool Verifies(ReceivedRequest request, string secret) =>
        StandardWebhookSigner.Verify(request.Header("webhook-id"), request.Header("webhook-timestamp"), request.Body, request.Header("webhook-signature"), secret, TimeProvider.System);

    [Fact]
    public async Task Failing_Timing_Out_And_Throttled_Receiver_Gets_The_Event_With_An_Attempt_Log_Matching_What_It_Saw()
    {
        await using var app = await StartAsync();
        var (_, secret) = await SubscribeAsync(app);
        _receiver.Enqueue(
            new ScriptedResponse(500),
            new ScriptedResponse(200, Delay: TimeSpan.FromSeconds(5)),
            new ScriptedResponse(429, Headers: new Dictionary<string, string> { ["Retry-After"] = "1" }),
            new ScriptedResponse(204));

        await app.DeliverAsync(Instagram(Referral(Unique("igsid"), DateTimeOffset.UtcNow, "stormy")));
        var delivery = await SettledAsync(app, Assert.Single(await DeliveryIdsAsync(app)));

        Assert.Equal("delivered", delivery.Str("status"));
        var log = delivery.GetProperty("attemptLog").EnumerateArray().ToList();
        Assert.Equal([500, null, 429, 204], log.Select(a => a.GetProperty("statusCode").ValueKind == JsonValueKind.Null ? (int?)null : a.GetProperty("statusCode").GetInt32()));
        Assert.Contains("Timed out", log[1].Str("error"));
        // Retry-After: 1 was honoured, though the backoff alone would have waited 200 ms.
        Assert.True(log[3].GetProperty("attemptedAt").GetDateTimeOffset() - log[2].GetProperty("attemptedAt").GetDateTimeOffset() >= TimeSpan.FromSeconds(0.9));
        var seen = _receiver.Requests;
        Assert.Equal(log.Count, seen.Count);
        Assert.Single(seen.Select(r => r.Header("webhook-id")).Distinct());
        Assert.Single(seen.Select(r => r.Text).Distinct());
        Assert.All(seen, r => Assert.True(Verifies(r, secret)));
    }

    [Fact]
    public async Task Endpoint_Answering_410_Is_Disabled_Its_Queue_Failed_And_Everything_Is_Delivered_After_Enable_And_Replay()
    {
        await using var app = await StartAsync();
        var (subscriptionId, _) = await SubscribeAsync(app);
        _receiver.Default = new ScriptedResponse(410);

        var now = DateTimeOffset.UtcNow;
        await app.DeliverAsync(Instagram(Referral(Unique("igsid"), now, "gone_1"), Referral(Unique("igsid"), now, "gone_2"), Referral(Unique("igsid"), now, "gone_3")));
        var ids = await DeliveryIdsAsync(app);
        Assert.Equal(3, ids.Length);
        var settled = new List<JsonElement>();
        foreach (var id in ids)
        {
            settled.Add(await SettledAsync(app, id));
        }

        Assert.All(settled, d => Assert.Equal("failed", d.Str("status")));
        var subscription = (await app.Api.GetJsonAsync("/api/webhooks/subscriptions")).EnumerateArray().Single(s => s.GetProperty("id").GetInt64() == subscriptionId);
        Assert.False(subscription.GetProperty("enabled").GetBoolean());
        Assert.Contains("410", subscription.Str("disabledReason"));
        Assert.Equal(settled.Sum(d => d.GetProperty("attemptLog").GetArrayLength()), _receiver.Requests.Count);
        Assert.All(_receiver.Requests, r => Assert.Contains(r.Header("webhook-id"), settled.Select(d => d.Str("messageId"))));

        _receiver.Default = new ScriptedResponse(200);
        var (enabled, _) = await app.Api.PostJsonAsync($"/api/webhooks/subscriptions/{subscriptionId}/enable");
        Assert.True(enabled is HttpStatusCode.OK or HttpStatusCode.NoContent, enabled.ToString());
        foreach (var id in ids)
        {
            var (replayed, _) = await app.Api.PostJsonAsync($"/api/webhooks/deliveries/{id}/replay");
            Assert.Equal(HttpStatusCode.Accepted, replayed);
        }

        foreach (var id in ids)
        {
            Assert.Equal("delivered", (await SettledAsync(app, id)).Str("status"));
        }

        Assert.Equal(3, _receiver.Requests.Select(r => r.Header("webhook-id")).Distinct().Count());
    }

    [Fact]
    public async Task Signatures_Verify_Before_During_And_After_A_Secret_Rotation()
    {
        await using var app = await StartAsync();
        var (subscriptionId, oldSecret) = await SubscribeAsync(app);
        await app.DeliverAsync(Instagram(Referral(Unique("igsid"), DateTimeOffset.UtcNow, "before_rotation")));
        var before = await _receiver.NextRequestAsync();

        var (_, rotated) = await app.Api.PostJsonAsync($"/api/webhooks/subscriptions/{subscriptionId}/rotate-secret");
        var newSecret = rotated.Str("secret")!;
        _receiver.Enqueue(new ScriptedResponse(503));
        await app.DeliverAsync(Instagram(Referral(Unique("igsid"), DateTimeOffset.UtcNow, "after_rotation")));
        var failed = await _receiver.NextRequestAsync();
        var retried = await _receiver.NextRequestAsync();

        Assert.True(Verifies(before, oldSecret));
        Assert.False(Verifies(before, newSecret));
        // During the grace period both secrets sign, on the first attempt and on the retry alike.
        Assert.All(new[] { failed, retried }, r =>
        {
            Assert.True(Verifies(r, newSecret));
            Assert.True(Verifies(r, oldSecret));
        });
        Assert.False(Verifies(retried, "whsec_" + Convert.ToBase64String(new byte[32])));
    }

    [Fact]
    public async Task Stopping_The_App_Mid_Send_Loses_Nothing_The_Event_Is_Sent_Again_After_The_Restart()
    {
        string secret;
        string firstId;
        await using (var first = await StartAsync())
        {
            (_, secret) = await SubscribeAsync(first);
            // The receiver holds the first request open longer than the app lives.
            _receiver.Enqueue(new ScriptedResponse(200, Delay: TimeSpan.FromSeconds(30)));
            await first.DeliverAsync(Instagram(Referral(Unique("igsid"), DateTimeOffset.UtcNow, "mid_send")));
            await WhenAsync(() => _receiver.Requests.Count == 1, TimeSpan.FromSeconds(30));
            firstId = _receiver.Requests[0].Header("webhook-id")!;
        }

        await using var second = await StartAsync();
        var resent = await _receiver.NextRequestAsync(TimeSpan.FromSeconds(60));
        var delivery = await SettledAsync(second, Assert.Single(await DeliveryIdsAsync(second)));

        Assert.Equal(firstId, resent.Header("webhook-id"));
        Assert.True(Verifies(resent, secret));
        Assert.Equal("delivered", delivery.Str("status"));
    }

    /// <summary>Polls a concrete condition with a bound (the receiver records a request before it answers).</summary>
    private static async Task WhenAsync(Func<bool> condition, TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        while (!condition())
        {
            await Task.Delay(20, limit.Token);
        }
    }
}

public sealed class OutboundReliabilityTests : OutboundReliabilityScenarios
{
    protected override TestStore NewStore() => TestStore.Sqlite();
}

public sealed class PostgresOutboundReliabilityTests : OutboundReliabilityScenarios
{
    protected override TestStore NewStore() => TestStore.Postgres();
}
