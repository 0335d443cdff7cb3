using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReferralStudio.Live;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Live;

/// <summary>
/// A browser puts the API key in the hub's URL (<c>?access_token=</c>), and ASP.NET Core logs request URLs
/// with their query string. Whatever the log levels are set to, the key must not reach any log.
/// </summary>
public sealed class HubKeyLoggingTests : IAsyncLifetime
{
    private const string WrongKey = "wrong-key-4f1c9e0b";
    private readonly CapturingLoggerProvider _logs = new();
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(
        settings: new Dictionary<string, string?>
        {
            // An operator debugging at the most verbose levels, in every way configuration allows.
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
            ["Logging:LogLevel:" + LiveExtensions.RequestLineCategory] = "Trace",
            ["Logging:Capture:LogLevel:Default"] = "Trace",
            ["Logging:Capture:LogLevel:" + LiveExtensions.RequestLineCategory] = "Trace",
            // The test output stays readable.
            ["Logging:Console:LogLevel:Default"] = "None",
        },
        services: s => s.AddSingleton<ILoggerProvider>(_logs));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Key_In_The_Hub_Url_Never_Reaches_The_Logs_Even_At_Trace()
    {
        // Negotiate, the Server-Sent Events stream and the WebSocket, each with the key in the query, as browsers send it.
        var sse = await NegotiateAsync($"access_token={TestApp.ApiKey}");
        using (var request = new HttpRequestMessage(HttpMethod.Get, $"/hubs/attribution?id={sse}&access_token={TestApp.ApiKey}"))
        {
            request.Headers.Accept.ParseAdd("text/event-stream");
            using var stream = await _app.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
            Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);
        }

        var ws = await NegotiateAsync($"access_token={TestApp.ApiKey}");
        using (var socket = new ClientWebSocket())
        {
            await socket.ConnectAsync(WebSocketUri($"id={ws}&access_token={TestApp.ApiKey}"), CancellationToken.None);
            Assert.Equal(WebSocketState.Open, socket.State);
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        }

        // And refused with a wrong key.
        using (var refused = await _app.Client.PostAsync($"/hubs/attribution/negotiate?negotiateVersion=1&access_token={WrongKey}", null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using (var socket = new ClientWebSocket())
        {
            var error = await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(WebSocketUri($"access_token={WrongKey}"), CancellationToken.None));
            Assert.Contains("401", error.Message);
        }

        var entries = _logs.Entries;
        // The capture saw those requests at Debug and below, so silence about the key is not silence about everything.
        Assert.Contains(entries, e => e.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) && e.Level <= LogLevel.Debug && e.Text.Contains("/hubs/attribution"));
        Assert.Contains(entries, e => e.Message.Contains($"{LiveExtensions.ApiKeySchemeName} was not authenticated"));
        var leaks = entries.Where(e => e.Text.Contains(TestApp.ApiKey) || e.Text.Contains(WrongKey)).ToList();
        Assert.True(leaks.Count == 0, "The key was logged:\n" + string.Join("\n", leaks.Select(e => $"{e.Category} [{e.Level}] {e.Message}")));
        // The request lines are what carry it: held at Warning despite every Trace setting above.
        var requestLines = _app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(LiveExtensions.RequestLineCategory);
        Assert.False(requestLines.IsEnabled(LogLevel.Information));
        Assert.True(requestLines.IsEnabled(LogLevel.Warning));
    }

    private async Task<string> NegotiateAsync(string query)
    {
        using var response = await _app.Client.PostAsync($"/hubs/attribution/negotiate?negotiateVersion=1&{query}", null);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"negotiate: {response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Str("connectionToken")!;
    }

    private Uri WebSocketUri(string query) =>
        new UriBuilder(_app.BaseAddress) { Scheme = "ws", Path = "/hubs/attribution", Query = query }.Uri;
}
