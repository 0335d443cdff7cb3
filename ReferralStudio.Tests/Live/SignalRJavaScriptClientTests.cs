using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Tests.Infrastructure;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Live;

/// <summary>One app for the class, with a recorder of what hub clients sent it.</summary>
public sealed class RecordedHubFixture : IAsyncLifetime
{
    public HubRequestRecorder Recorder { get; } = new();

    public TestApp App { get; private set; } = null!;

    public async Task InitializeAsync() =>
        App = await TestApp.StartAsync(services: s => s.AddSingleton<IStartupFilter>(Recorder));

    public async Task DisposeAsync() => await App.DisposeAsync();
}

/// <summary>
/// The official SignalR JavaScript client (@microsoft/signalr under Node) subscribes to /hubs/attribution with
/// the API key from accessTokenFactory, on each transport, as an integrator's code or a browser page would.
/// </summary>
public sealed class SignalRJavaScriptClientTests(RecordedHubFixture fixture) : IClassFixture<RecordedHubFixture>
{
    private const string Script = "signalr-client.mjs";
    private readonly TestApp _app = fixture.App;
    private readonly HubRequestRecorder _recorder = fixture.Recorder;

    private NodeScripts.Running StartClient(string transport, string expectedRef, string key, string caseId) => NodeScripts.Start(
        Script,
        [new Uri(_app.BaseAddress, $"/hubs/attribution?case={caseId}").ToString(), transport, expectedRef],
        new Dictionary<string, string> { ["HUB_KEY"] = key });

    private static async Task<JsonElement> NextEventAsync(NodeScripts.Running client)
    {
        // Generous: node's start and the negotiate take seconds on a loaded CI machine; a working client answers at once.
        var line = await client.ReadLineAsync(TimeSpan.FromSeconds(60));
        return JsonDocument.Parse(line).RootElement.Clone();
    }

    /// <remarks>
    /// Under Node the client sends the key as a header where it can (negotiate, WebSocket upgrade, polls, sends)
    /// and as ?access_token= where it cannot: the EventSource stream, which is what a browser does for WebSockets too.
    /// </remarks>
    [Theory]
    [InlineData("WebSockets", "WebSocketTransport", "websockets", "header")]
    [InlineData("ServerSentEvents", "ServerSentEventsTransport", "sse", "query")]
    [InlineData("LongPolling", "LongPollingTransport", "poll", "header")]
    public async Task Official_Client_Receives_An_Attribution_Posted_After_It_Connected(string transport, string clientTransport, string serverKind, string keyIn)
    {
        var caseId = Unique(transport);
        var code = $"js_{transport.ToLowerInvariant()}";
        var igsid = Unique("igsid");
        await using var client = StartClient(transport, code, TestApp.ApiKey, caseId);

        var connected = await NextEventAsync(client);
        Assert.True(connected.Str("event") == "connected", $"{connected}\n{client.Error}");
        Assert.Equal(clientTransport, connected.Str("transport"));

        await _app.DeliverAsync(Instagram(Referral(igsid, DateTimeOffset.Parse("2026-11-20T11:30:00Z"), code)));
        var received = await NextEventAsync(client);

        Assert.True(received.Str("event") == "attribution", $"{received}\n{client.Error}");
        var notice = received.GetProperty("notice");
        Assert.Equal(code, notice.Str("ref"));
        Assert.Equal(igsid, notice.Str("participantId"));
        Assert.Equal("instagram", notice.Str("platform"));
        Assert.True(notice.GetProperty("touchId").GetInt64() > 0);
        Assert.Equal(0, await client.WaitForExitAsync());

        // The server's view: negotiated with the key in the header, then the chosen transport and no other.
        var seen = _recorder.For(caseId);
        Assert.Contains(seen, e => e.Kind == "negotiate" && e.Status == 200 && e.BearerHeader);
        var streams = seen.Where(e => e.Kind is "websockets" or "sse" or "poll").ToList();
        Assert.NotEmpty(streams);
        Assert.All(streams, e => Assert.Equal(serverKind, e.Kind));
        var opened = streams[0];
        Assert.Equal(serverKind == "websockets" ? 101 : 200, opened.Status);
        Assert.Equal(keyIn == "header", opened.BearerHeader);
        Assert.Equal(keyIn == "query", opened.QueryToken);
    }

    [Theory]
    [InlineData("WebSockets")]
    [InlineData("ServerSentEvents")]
    [InlineData("LongPolling")]
    public async Task Official_Client_With_A_Wrong_Key_Is_Refused_With_401(string transport)
    {
        var caseId = Unique(transport);
        await using var client = StartClient(transport, "never_sent", "not-the-api-key", caseId);

        var refused = await NextEventAsync(client);

        Assert.True(refused.Str("event") == "refused", $"{refused}\n{client.Error}");
        Assert.Equal(401, refused.GetProperty("statusCode").GetInt32());
        Assert.Equal(0, await client.WaitForExitAsync());
        // Refused at negotiate (the client asks again once with a fresh token, as it does after any 401); no stream was opened.
        var seen = _recorder.For(caseId);
        Assert.NotEmpty(seen);
        Assert.All(seen, e =>
        {
            Assert.Equal("negotiate", e.Kind);
            Assert.Equal(401, e.Status);
        });
    }
}
