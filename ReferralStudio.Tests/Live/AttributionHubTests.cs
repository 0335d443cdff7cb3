using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using ReferralStudio.Tests.Infrastructure;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Live;

/// <summary>Other clients subscribe to /hubs/attribution with SignalR's JSON protocol; spoken here over a raw WebSocket.</summary>
public sealed class AttributionHubTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private const char RecordSeparator = '\u001e';
    private readonly TestApp _app = fixture.App;

    private async Task<ClientWebSocket> ConnectAsync(string? apiKey = TestApp.ApiKey, string query = "")
    {
        var socket = new ClientWebSocket();
        if (apiKey is not null)
        {
            socket.Options.SetRequestHeader("Authorization", $"Bearer {apiKey}");
        }

        await socket.ConnectAsync(HubUri("ws", query), CancellationToken.None);
        await SendAsync(socket, """{"protocol":"json","version":1}""");
        var handshake = await ReceiveAsync(socket);
        Assert.Equal("{}", handshake.GetRawText());
        return socket;
    }

    [Fact]
    public async Task Attribution_Is_Broadcast_As_Json_To_Subscribers()
    {
        using var socket = await ConnectAsync();
        var igsid = Unique("igsid");

        await _app.DeliverAsync(Instagram(Referral(igsid, DateTimeOffset.Parse("2026-11-20T11:00:00Z"), "hub_code")));
        var message = await NextInvocationAsync(socket);

        Assert.Equal("attribution", message.Str("target"));
        var notice = message.GetProperty("arguments")[0];
        Assert.Equal("hub_code", notice.Str("ref"));
        Assert.Equal(igsid, notice.Str("participantId"));
        Assert.Equal("instagram", notice.Str("platform"));
        Assert.Equal("hub_code", notice.Str("campaign"));
        Assert.True(notice.GetProperty("touchId").GetInt64() > 0);
    }

    [Fact]
    public async Task Since_Returns_What_A_Reconnecting_Client_Missed_Oldest_First()
    {
        var before = Unique("before");
        await _app.DeliverAsync(Instagram(Referral(before, DateTimeOffset.Parse("2026-11-20T09:00:00Z"), "missed_zero")));
        using var socket = await ConnectAsync();
        var cursor = (await InvokeAsync(socket, "Since", 0)).EnumerateArray().Last().GetProperty("touchId").GetInt64();

        // Two attributions arrive while the client is away.
        socket.Abort();
        await _app.DeliverAsync(Instagram(Referral(Unique("away"), DateTimeOffset.Parse("2026-11-20T09:01:00Z"), "missed_one")));
        await _app.DeliverAsync(Instagram(Referral(Unique("away"), DateTimeOffset.Parse("2026-11-20T09:02:00Z"), "missed_two")));
        using var again = await ConnectAsync();
        var missed = await InvokeAsync(again, "Since", cursor);

        Assert.Equal(["missed_one", "missed_two"], missed.EnumerateArray().Select(n => n.Str("ref")!).ToArray());
    }

    [Fact]
    public async Task Today_Says_Which_Day_The_Board_Counts_And_What()
    {
        using var socket = await ConnectAsync();

        var today = await InvokeAsync(socket, "Today");

        // The test app keeps the default time zone, UTC.
        var now = _app.Time.GetUtcNow();
        Assert.Equal(now.UtcDateTime.ToString("yyyy-MM-dd"), today.Str("day"));
        Assert.Equal(new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero), today.GetProperty("start").GetDateTimeOffset());
        Assert.Equal(new DateTimeOffset(now.UtcDateTime.Date.AddDays(1), TimeSpan.Zero), today.GetProperty("end").GetDateTimeOffset());
        Assert.Equal("Campaign touches since 00:00 UTC", today.Str("description"));
    }

    private Uri HubUri(string scheme, string query = "") =>
        new UriBuilder(_app.BaseAddress) { Scheme = scheme, Path = "/hubs/attribution", Query = query }.Uri;

    [Fact]
    public async Task Browser_Can_Send_The_Key_As_Access_Token_In_The_Query_String()
    {
        // What a browser's SignalR client does: it cannot set headers on a WebSocket, so the key rides in the URL.
        var negotiated = await NegotiateAsync(query: $"negotiateVersion=1&access_token={TestApp.ApiKey}", bearer: null);
        using var socket = await ConnectAsync(apiKey: null, query: $"id={negotiated}&access_token={TestApp.ApiKey}");
        // Answered only once the connection is registered for broadcasts, so the one below cannot be missed.
        await InvokeAsync(socket, "Since", 0);
        var igsid = Unique("igsid");

        await _app.DeliverAsync(Instagram(Referral(igsid, DateTimeOffset.Parse("2026-11-20T11:10:00Z"), "query_key_code")));
        var message = await NextInvocationAsync(socket);

        Assert.Equal("query_key_code", message.GetProperty("arguments")[0].Str("ref"));
        Assert.Equal(igsid, message.GetProperty("arguments")[0].Str("participantId"));
    }

    [Fact]
    public async Task Wrong_Key_Is_Refused_With_401_At_Negotiate_And_On_Every_Transport_As_Header_Or_Query()
    {
        const string wrong = "not-the-api-key";
        // A real connection id, so each refusal below is about the key and not an unknown connection.
        var id = await NegotiateAsync(query: "negotiateVersion=1", bearer: TestApp.ApiKey);

        Assert.Equal(HttpStatusCode.Unauthorized, await HubStatusAsync(HttpMethod.Post, "/negotiate", "negotiateVersion=1", bearer: wrong));
        Assert.Equal(HttpStatusCode.Unauthorized, await HubStatusAsync(HttpMethod.Post, "/negotiate", $"negotiateVersion=1&access_token={wrong}"));
        foreach (var (query, bearer) in new[] { ($"id={id}", wrong), ($"id={id}&access_token={wrong}", null) })
        {
            // Long polling, then the Server-Sent Events stream, then the WebSocket upgrade.
            Assert.Equal(HttpStatusCode.Unauthorized, await HubStatusAsync(HttpMethod.Get, "", query, bearer));
            Assert.Equal(HttpStatusCode.Unauthorized, await HubStatusAsync(HttpMethod.Get, "", query, bearer, accept: "text/event-stream"));
            using var socket = new ClientWebSocket();
            if (bearer is not null)
            {
                socket.Options.SetRequestHeader("Authorization", $"Bearer {bearer}");
            }

            var error = await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(HubUri("ws", query), CancellationToken.None));
            Assert.Contains("401", error.Message);
        }

        // Two keys in the query are not one key, even when one of them is right.
        Assert.Equal(HttpStatusCode.Unauthorized, await HubStatusAsync(HttpMethod.Post, "/negotiate", $"negotiateVersion=1&access_token={TestApp.ApiKey}&access_token={wrong}"));
    }

    [Fact]
    public async Task Api_Never_Takes_The_Key_From_The_Query_String()
    {
        using var inQuery = await _app.Client.GetAsync($"/api/conversations?access_token={TestApp.ApiKey}");
        using var inHeader = await _app.Api.GetAsync($"/api/conversations?access_token={TestApp.ApiKey}");

        Assert.Equal(HttpStatusCode.Unauthorized, inQuery.StatusCode);
        Assert.Equal(HttpStatusCode.OK, inHeader.StatusCode);
    }

    /// <summary>Negotiates as SignalR clients do (version 1); the connection token the transports name as <c>id</c>.</summary>
    private async Task<string> NegotiateAsync(string query, string? bearer)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/hubs/attribution/negotiate?{query}");
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        using var response = await _app.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"negotiate: {response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Str("connectionToken")!;
    }

    private async Task<HttpStatusCode> HubStatusAsync(HttpMethod method, string suffix, string query, string? bearer = null, string? accept = null)
    {
        using var request = new HttpRequestMessage(method, $"/hubs/attribution{suffix}?{query}");
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }

        // Headers only: an accepted stream or poll would not end by itself.
        using var response = await _app.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return response.StatusCode;
    }

    [Fact]
    public async Task Hub_Refuses_Clients_Without_Credentials()
    {
        using var socket = new ClientWebSocket();
        var uri = new UriBuilder(_app.BaseAddress) { Scheme = "ws", Path = "/hubs/attribution" }.Uri;

        var error = await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(uri, CancellationToken.None));

        Assert.Contains("401", error.Message);
    }

    private static async Task<JsonElement> InvokeAsync(ClientWebSocket socket, string target, params object[] arguments)
    {
        await SendAsync(socket, JsonSerializer.Serialize(new { type = 1, invocationId = "1", target, arguments }));
        while (true)
        {
            var message = await ReceiveAsync(socket);
            if (message.GetProperty("type").GetInt32() == 3)
            {
                return message.GetProperty("result");
            }
        }
    }

    private static async Task<JsonElement> NextInvocationAsync(ClientWebSocket socket)
    {
        while (true)
        {
            var message = await ReceiveAsync(socket);
            if (message.GetProperty("type").GetInt32() == 1)
            {
                return message;
            }
        }
    }

    private static Task SendAsync(ClientWebSocket socket, string json) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(json + RecordSeparator), WebSocketMessageType.Text, true, CancellationToken.None);

    private static readonly Dictionary<ClientWebSocket, StringBuilder> Buffers = [];

    /// <summary>The next SignalR message, bounded in time so a missing broadcast fails instead of hanging.</summary>
    private static async Task<JsonElement> ReceiveAsync(ClientWebSocket socket)
    {
        lock (Buffers)
        {
            Buffers.TryAdd(socket, new StringBuilder());
        }

        var buffer = Buffers[socket];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var chunk = new byte[8192];
        while (true)
        {
            var text = buffer.ToString();
            var end = text.IndexOf(RecordSeparator);
            if (end >= 0)
            {
                buffer.Remove(0, end + 1);
                return JsonDocument.Parse(text[..end]).RootElement.Clone();
            }

            var result = await socket.ReceiveAsync(chunk, timeout.Token);
            buffer.Append(Encoding.UTF8.GetString(chunk, 0, result.Count));
        }
    }
}
