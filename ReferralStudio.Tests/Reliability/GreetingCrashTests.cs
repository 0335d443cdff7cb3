using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ReferralStudio.Tests.Infrastructure;
using ReferralStudio.Webhooks;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Reliability;

/// <summary>
/// A greeting reaches a person at most once, even when the app is killed (SIGKILL) while Meta's Send API is
/// answering: the app as a real process, the Graph API as a loopback server that holds its answer.
/// </summary>
public sealed class GreetingCrashTests : IAsyncLifetime
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);
    private const string Token = "EAAG-crash-test-token";
    private const string Sent = """{"recipient_id":"x","message_id":"m_sent"}""";
    private LoopbackServer _graph = null!;

    public async Task InitializeAsync() => _graph = await LoopbackServer.StartAsync();

    public async Task DisposeAsync() => await _graph.DisposeAsync();

    [Fact]
    public async Task A_Greeting_Whose_Send_Was_Cut_Off_By_A_Kill_Is_Never_Sent_Again()
    {
        var path = TestApp.NewDatabasePath();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var port = AppProcess.FreePort();
        var settings = new Dictionary<string, string>
        {
            ["Meta:GraphApiBaseUrl"] = _graph.BaseAddress.ToString().TrimEnd('/'),
            ["Meta:GraphApiVersion"] = "v25.0",
            [$"Meta:AccessTokens:{InstagramAccount}"] = Token,
        };
        var first = Unique("igsid");
        var second = Unique("igsid");

        // Meta takes its time: the call is in flight when the app dies.
        _graph.Default = new ScriptedResponse(200, Sent, Delay: TimeSpan.FromMinutes(5));
        var app = await AppProcess.StartAsync(path, port, ReadyTimeout, settings);
        try
        {
            using (var api = Api(app))
            {
                var created = await api.PostAsJsonAsync("/api/triggers", new { name = "Crash", pattern = "crash_*", actions = new { greeting = new { text = "Hello once", mode = "immediate" } } });
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
                await DeliverAsync(app, Instagram(Referral(first, DateTimeOffset.UtcNow.AddMinutes(-1), "crash_one")));
            }

            var inFlight = await _graph.NextArrivalAsync(TimeSpan.FromSeconds(60));
            Assert.Contains(first, inFlight.Text);
            app.Kill();
            app.Dispose();

            // Meta answers at once from now on; the restarted app greets a second person, which it does only after
            // settling what the killed one left, so by then a second send of the first greeting would have happened.
            _graph.Default = new ScriptedResponse(200, Sent);
            app = await AppProcess.StartAsync(path, port, ReadyTimeout, settings);
            using (var api = Api(app))
            {
                await DeliverAsync(app, Instagram(Referral(second, DateTimeOffset.UtcNow.AddMinutes(-1), "crash_two")));
                var next = await _graph.NextArrivalAsync(TimeSpan.FromSeconds(60));
                Assert.Contains(second, next.Text);
                await _graph.NextRequestAsync(TimeSpan.FromSeconds(60));

                Assert.Single(_graph.Requests, r => r.Text.Contains(first, StringComparison.Ordinal));
                var outbox = await api.GetFromJsonAsync<JsonElement>("/api/messages/outbox");
                var greetings = outbox.GetProperty("items").EnumerateArray().ToDictionary(m => m.GetProperty("recipientId").GetString()!);
                Assert.Equal("uncertain", greetings[first].Str("status"));
                Assert.StartsWith("The app stopped while this greeting was being sent", greetings[first].Str("lastError"));
                Assert.Equal("sent", greetings[second].Str("status"));
            }
        }
        catch (Exception) when (Report(app))
        {
            throw;
        }
        finally
        {
            app.Dispose();
        }
    }

    private static HttpClient Api(AppProcess app)
    {
        var client = new HttpClient { BaseAddress = app.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestApp.ApiKey);
        return client;
    }

    private static async Task DeliverAsync(AppProcess app, string body)
    {
        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        var bytes = Encoding.UTF8.GetBytes(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, WebhookEndpoints.Path) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add(WebhookEndpoints.SignatureHeader, MetaSignature.Sign(bytes, Encoding.UTF8.GetBytes(TestApp.AppSecret)));
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static bool Report(AppProcess app)
    {
        Console.Error.WriteLine(app.RecentOutput);
        return false;
    }
}
