using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Alerts;
using ReferralStudio.Outbound;
using ReferralStudio.Tests.Infrastructure;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Outbound;

/// <summary>
/// Real deliveries, captured byte for byte by a loopback receiver, judged by the official Standard Webhooks
/// library (the npm package <c>standardwebhooks</c>) rather than by our own verifier. The library checks the
/// timestamp against the real clock (5 minutes), so the app runs on the system clock.
/// </summary>
public sealed class StandardWebhooksVerifierTests : IAsyncLifetime
{
    private const string Ok = "ok";
    private const string NoMatch = "error: No matching signature found";
    private LoopbackServer _receiver = null!;
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _receiver = await LoopbackServer.StartAsync();
        // Any account quiet for an hour after one message is alerted, so that a system.alert can be had on the real clock.
        _app = await TestApp.StartAsync(systemClock: true, receivers: [_receiver], settings: new Dictionary<string, string?>
        {
            ["Alerts:SilenceAfter"] = "01:00:00",
            ["Alerts:MinimumBaseline"] = "1",
        });
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task Every_Event_Type_Verifies_With_The_Official_Library_And_A_Tampered_Body_Does_Not()
    {
        var (_, secret) = await SubscribeToEverythingAsync();

        var events = await OneOfEachEventAsync("sw_each");
        var referral = events[EventTypes.ReferralReceived];
        var tampered = Encoding.UTF8.GetBytes(referral.Text.Replace("sw_each", "sw_eacH", StringComparison.Ordinal));
        var results = await VerifyAsync(
        [
            .. EventTypes.All.Select(type => CheckOf(secret, events[type])),
            new Check(secret, tampered, referral.Headers),
            CheckOf(NewSecret(), referral),
        ]);

        Assert.Equal([Ok, Ok, Ok, Ok, Ok, NoMatch, NoMatch], results);
        Assert.NotEqual(referral.Body, tampered);
    }

    [Fact]
    public async Task Old_And_New_Secrets_Both_Verify_During_A_Rotation_And_So_Does_A_Replay()
    {
        var (subscriptionId, oldSecret) = await SubscribeToEverythingAsync();
        var before = await OneOfEachEventAsync("sw_before");

        var (rotatedStatus, rotated) = await _app.Api.PostJsonAsync($"/api/webhooks/subscriptions/{subscriptionId}/rotate-secret");
        Assert.Equal(HttpStatusCode.OK, rotatedStatus);
        var newSecret = rotated.Str("secret")!;
        Assert.NotEqual(oldSecret, newSecret);
        var during = await OneOfEachEventAsync("sw_during");
        var replayed = await ReplayAsync(before.Values);

        var types = EventTypes.All;
        var results = await VerifyAsync(
        [
            .. types.Select(t => CheckOf(oldSecret, before[t])),
            .. types.Select(t => CheckOf(newSecret, before[t])),
            .. types.Select(t => CheckOf(oldSecret, during[t])),
            .. types.Select(t => CheckOf(newSecret, during[t])),
            .. types.Select(t => CheckOf(oldSecret, replayed[before[t].Header("webhook-id")!])),
            .. types.Select(t => CheckOf(newSecret, replayed[before[t].Header("webhook-id")!])),
        ]);

        // Before the rotation only the old secret signed; since, both do, replays included.
        string[] all(string result) => [.. types.Select(_ => result)];
        Assert.Equal([.. all(Ok), .. all(NoMatch), .. all(Ok), .. all(Ok), .. all(Ok), .. all(Ok)], results);
        // A replay is the same message, id and bytes, so receivers de-duplicate it; only its signing is new.
        Assert.All(before.Values, original =>
        {
            var again = replayed[original.Header("webhook-id")!];
            Assert.Equal(original.Body, again.Body);
            Assert.Equal(2, again.Header("webhook-signature")!.Split(' ').Length);
        });
    }

    private async Task<(long Id, string Secret)> SubscribeToEverythingAsync()
    {
        var (status, body) = await _app.Api.PostJsonAsync("/api/webhooks/subscriptions", new { url = new Uri(_receiver.BaseAddress, "hooks").ToString(), events = EventTypes.All });
        Assert.True(status == HttpStatusCode.Created, body.ToString());
        return (body.GetProperty("id").GetInt64(), body.Str("secret")!);
    }

    /// <summary>
    /// One delivery of each event type, by type, as the receiver got them: a first message carrying a
    /// referral (conversation.started, message.received, referral.received), then a conversion for it, then a message
    /// two hours old from an account of its own, which the silence check alerts (system.alert).
    /// </summary>
    private async Task<Dictionary<string, ReceivedRequest>> OneOfEachEventAsync(string code)
    {
        var igsid = Unique("igsid");
        await _app.DeliverAsync(Instagram(Message(igsid, DateTimeOffset.UtcNow, "Hi! I came from the link", RefLink(code))));
        var received = new List<ReceivedRequest> { await _receiver.NextRequestAsync(), await _receiver.NextRequestAsync(), await _receiver.NextRequestAsync() };
        var conversation = await _app.ConversationOfAsync("instagram", igsid);
        var (status, body) = await _app.Api.PostJsonAsync("/api/conversions", new
        {
            conversationId = conversation.GetProperty("id").GetInt64(),
            type = "purchase",
            value = 25.0,
            currency = "EUR",
            externalId = Unique("order"),
        });
        Assert.True(status == HttpStatusCode.Created, body.ToString());
        received.Add(await _receiver.NextRequestAsync());

        var quiet = Unique("account");
        await _app.DeliverAsync(Envelope("instagram", Entry(quiet, Message(Unique("igsid"), DateTimeOffset.UtcNow.AddHours(-2), "Hi", account: quiet))));
        await _app.Services.GetRequiredService<SilenceWatch>().CheckAsync();
        // Its conversation.started and message.received, and the alert, in whichever order they were queued.
        var alert = new[] { await _receiver.NextRequestAsync(), await _receiver.NextRequestAsync(), await _receiver.NextRequestAsync() }
            .Single(r => JsonDocument.Parse(r.Body).RootElement.Str("type") == EventTypes.SystemAlert);
        received.Add(alert);

        var byType = received.ToDictionary(r => JsonDocument.Parse(r.Body).RootElement.Str("type")!);
        Assert.Equal(EventTypes.All.Order(), byType.Keys.Order());
        return byType;
    }

    /// <summary>Replays each delivery once it has settled; the replayed requests by <c>webhook-id</c>.</summary>
    private async Task<Dictionary<string, ReceivedRequest>> ReplayAsync(IEnumerable<ReceivedRequest> originals)
    {
        var deliveries = (await _app.Api.GetJsonAsync("/api/webhooks/deliveries?pageSize=200")).GetProperty("items").EnumerateArray()
            .ToDictionary(d => d.Str("messageId")!, d => d.GetProperty("id").GetInt64());
        var ids = originals.Select(o => deliveries[o.Header("webhook-id")!]).ToList();
        foreach (var id in ids)
        {
            Assert.Equal("delivered", (await _app.SettledDeliveryAsync(id)).Str("status"));
            var (status, body) = await _app.Api.PostJsonAsync($"/api/webhooks/deliveries/{id}/replay");
            Assert.True(status == HttpStatusCode.Accepted, body.ToString());
        }

        var replayed = new List<ReceivedRequest>();
        foreach (var _ in ids)
        {
            replayed.Add(await _receiver.NextRequestAsync());
        }

        return replayed.ToDictionary(r => r.Header("webhook-id")!);
    }

    private sealed record Check(string Secret, byte[] Body, IReadOnlyDictionary<string, string> Headers);

    private static Check CheckOf(string secret, ReceivedRequest request) => new(secret, request.Body, request.Headers);

    private static string NewSecret() => "whsec_" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>The library's verdict on each item, in order: "ok" or "error: ...".</summary>
    private static async Task<string[]> VerifyAsync(IReadOnlyList<Check> items)
    {
        var input = JsonSerializer.Serialize(items.Select(i => new { secret = i.Secret, body = Convert.ToBase64String(i.Body), headers = i.Headers }));
        var result = await NodeScripts.RunAsync("standardwebhooks-verify.mjs", [], stdin: input, timeout: TimeSpan.FromSeconds(30));

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == items.Count, result.ToString());
        return lines;
    }
}
