using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Options;
using ReferralStudio.Hosting;
using ReferralStudio.Tests.Infrastructure;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Live;

/// <summary>
/// Several instances behind one address: with <c>Redis:Connection</c> set, a live board connected to any of them
/// shows every attribution. Each app here has its own SQLite files, so what instance B's board receives about
/// instance A's webhook can only have come through Redis; each test has its own channel prefix.
/// </summary>
public sealed class BackplaneTests
{
    private static async Task<Dictionary<string, string?>> BackplaneSettingsAsync() => new()
    {
        ["Redis:Connection"] = await TestServices.RedisAnsweringAsync(),
        ["Redis:ChannelPrefix"] = Unique("backplane-test"),
    };

    [Fact]
    public async Task Board_On_One_Instance_Shows_An_Attribution_Received_By_Another()
    {
        var settings = await BackplaneSettingsAsync();
        await using var a = await TestApp.StartAsync(settings: settings);
        await using var b = await TestApp.StartAsync(settings: settings);
        var code = "backplane_code";
        var igsid = Unique("igsid");
        // The official JavaScript client, as the board's page runs it, connected to B only.
        await using var board = NodeScripts.Start(
            "signalr-client.mjs",
            [new Uri(b.BaseAddress, "/hubs/attribution").ToString(), "WebSockets", code],
            new Dictionary<string, string> { ["HUB_KEY"] = TestApp.ApiKey });
        var connected = await NextEventAsync(board);
        Assert.True(connected.Str("event") == "connected", $"{connected}\n{board.Error}");

        await a.DeliverAsync(Instagram(Referral(igsid, DateTimeOffset.Parse("2026-11-20T11:40:00Z"), code)));
        var received = await NextEventAsync(board);

        Assert.True(received.Str("event") == "attribution", $"{received}\n{board.Error}");
        var notice = received.GetProperty("notice");
        Assert.Equal(code, notice.Str("ref"));
        Assert.Equal(igsid, notice.Str("participantId"));
        Assert.Equal("instagram", notice.Str("platform"));
        Assert.Equal(0, await board.WaitForExitAsync());
        // B never received the webhook: its own database knows nothing of this participant.
        Assert.Equal(0, await b.ConversationCountAsync("instagram", igsid));
    }

    [Fact]
    public async Task Webhooks_Are_Acknowledged_And_Attributed_While_Redis_Is_Unreachable()
    {
        // A port nothing listens on: Redis down (or not yet up) when the app starts.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var app = await TestApp.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Redis:Connection"] = $"127.0.0.1:{port}",
            ["Redis:ChannelPrefix"] = Unique("backplane-test"),
        });
        var igsid = Unique("igsid");

        // DeliverAsync asserts Meta's 200 and waits until the processor has applied the delivery.
        await app.DeliverAsync(Instagram(Referral(igsid, DateTimeOffset.Parse("2026-11-20T11:50:00Z"), "redis_down_code")));

        var conversation = await app.ConversationOfAsync("instagram", igsid);
        Assert.Equal("redis_down_code", conversation.GetProperty("firstReferral").Str("ref"));
    }

    [Theory]
    [InlineData("redis.internal:6379,passwrd=s3cret", "is not a Redis connection string")]
    [InlineData("redis.internal:6379,connectTimeout=soon", "is not a Redis connection string")]
    [InlineData("abortConnect=false", "names no Redis server")]
    public async Task App_Refuses_To_Start_With_A_Malformed_Redis_Connection(string value, string reason)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            TestApp.StartAsync(settings: new Dictionary<string, string?> { ["Redis:Connection"] = value }));

        // What the operator reads on stderr.
        var message = SettingsRefusal.Describe(error);
        Assert.NotNull(message);
        Assert.Contains($"Redis:Connection {reason}", message);
        Assert.Contains("such as 127.0.0.1:6379", message);
        // The value may carry a password: the message names the key, never repeats the setting.
        Assert.DoesNotContain("s3cret", message);
    }

    private static async Task<JsonElement> NextEventAsync(NodeScripts.Running client)
    {
        // Generous: node's start and the negotiate take seconds on a loaded CI machine; a working client answers at once.
        var line = await client.ReadLineAsync(TimeSpan.FromSeconds(60));
        return JsonDocument.Parse(line).RootElement.Clone();
    }
}
