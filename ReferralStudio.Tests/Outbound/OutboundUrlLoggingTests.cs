using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReferralStudio.Tests.Infrastructure;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Outbound;

/// <summary>
/// Integrators put secrets in their webhook URLs (<c>/hooks/&lt;token&gt;</c>, <c>?token=</c>). Whatever the log
/// levels, no log line carries an outbound URL's path or query: only scheme, host and port.
/// </summary>
public sealed class OutboundUrlLoggingTests : IAsyncLifetime
{
    private const string SecretPath = "path-secret-7c41d9e2";
    private const string SecretQuery = "query-secret-b5a80f13";
    private readonly CapturingLoggerProvider _logs = new();
    private LoopbackServer _receiver = null!;
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _receiver = await LoopbackServer.StartAsync();
        _app = await TestApp.StartAsync(
            systemClock: true,
            receivers: [_receiver],
            settings: new Dictionary<string, string?>
            {
                // An operator debugging at the most verbose levels: IHttpClientFactory's handlers, the dispatcher, everything.
                ["Logging:LogLevel:Default"] = "Trace",
                ["Logging:LogLevel:System.Net.Http"] = "Trace",
                ["Logging:LogLevel:ReferralStudio.Outbound.OutboundDispatcher"] = "Trace",
                ["Logging:Capture:LogLevel:Default"] = "Trace",
                // The test output stays readable.
                ["Logging:Console:LogLevel:Default"] = "None",
                ["Outbound:Retry:BaseDelay"] = "00:00:00.050",
                ["Outbound:Retry:JitterFraction"] = "0",
            },
            services: s => s.AddSingleton<ILoggerProvider>(_logs));
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task A_Secret_Url_Path_And_Query_Never_Reach_The_Logs_Even_At_Trace()
    {
        var url = new Uri(_receiver.BaseAddress, $"hooks/{SecretPath}?token={SecretQuery}").ToString();
        var endpoint = $"http://127.0.0.1:{_receiver.BaseAddress.Port}";

        // Refused at create (a port not allowed), accepted, then: a 500 (retried) and a 410 that disables the endpoint.
        var refusedUrl = $"http://127.0.0.1:1/hooks/{SecretPath}?token={SecretQuery}";
        var (refused, _) = await _app.Api.PostJsonAsync("/api/webhooks/subscriptions", new { url = refusedUrl, events = new[] { "referral.received" } });
        Assert.Equal(HttpStatusCode.BadRequest, refused);
        var (status, body) = await _app.Api.PostJsonAsync("/api/webhooks/subscriptions", new { url, events = new[] { "referral.received" } });
        Assert.True(status == HttpStatusCode.Created, body.ToString());
        _receiver.Enqueue(new ScriptedResponse(500), new ScriptedResponse(410));

        await _app.DeliverAsync(Instagram(Referral(Unique("igsid"), DateTimeOffset.UtcNow, "secret_url")));
        var page = await _app.Api.GetJsonAsync("/api/webhooks/deliveries?eventType=referral.received");
        var delivery = await _app.SettledDeliveryAsync(page.GetProperty("items")[0].GetProperty("id").GetInt64());

        // The secrets travelled: the receiver saw them, twice.
        Assert.Equal("failed", delivery.Str("status"));
        Assert.Equal(2, _receiver.Requests.Count);
        Assert.All(_receiver.Requests, r => Assert.Equal($"/hooks/{SecretPath}?token={SecretQuery}", r.Path));

        var entries = _logs.Entries;
        // The deliveries were logged, by endpoint: silence about the secret is not silence about the deliveries.
        Assert.Contains(entries, e => e.Level == LogLevel.Warning && e.Message.Contains($"Disabled webhook endpoint") && e.Message.Contains(endpoint));
        Assert.Contains(entries, e => e.Level == LogLevel.Debug && e.Message.Contains(endpoint) && e.Message.Contains("HTTP 500"));
        var leaks = entries.Where(e => e.Text.Contains(SecretPath, StringComparison.Ordinal) || e.Text.Contains(SecretQuery, StringComparison.Ordinal)).ToList();
        Assert.True(leaks.Count == 0, "An outbound URL's path or query was logged:\n" + string.Join("\n", leaks.Select(e => $"{e.Category} [{e.Level}] {e.Message}")));
    }
}
