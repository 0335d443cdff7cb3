using System.Net;
using ReferralStudio.Tests.Infrastructure;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Outbound;

/// <summary>
/// Outbound webhooks go only to <c>Outbound:AllowedPorts</c> (80 and 443 unless set): refused when a URL is
/// registered, and again when a URL stored earlier is sent to. The receivers are real loopback servers on ports the
/// system picks, allowed (or not) exactly as an operator would, so every delivery here passes the production rule.
/// </summary>
public sealed class OutboundPortTests : IAsyncLifetime
{
    private LoopbackServer _receiver = null!;

    public async Task InitializeAsync() => _receiver = await LoopbackServer.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private string HookUrl => new Uri(_receiver.BaseAddress, "hooks").ToString();

    private string Refusal => $"Port {_receiver.BaseAddress.Port} is not allowed; outbound webhooks go to ports 80 and 443 (Outbound:AllowedPorts).";

    private static Task<TestApp> StartAsync(string? path = null, IEnumerable<LoopbackServer>? receivers = null) =>
        TestApp.StartAsync(path, systemClock: true, receivers: receivers, settings: new Dictionary<string, string?>
        {
            // One attempt: a refusal at send time settles the delivery at once.
            ["Outbound:Retry:MaxAttempts"] = "1",
        });

    [Fact]
    public async Task A_Url_On_Another_Port_Is_Refused_At_Create_Naming_The_Url_Field()
    {
        // Private networks are allowed (the test default): the address is fine, the port is not.
        await using var app = await StartAsync();

        var (status, problem) = await app.Api.PostJsonAsync("/api/webhooks/subscriptions", new { url = HookUrl, events = new[] { "referral.received" } });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal([Refusal], problem.ErrorsFor("url"));
        Assert.Empty((await app.Api.GetJsonAsync("/api/webhooks/subscriptions")).EnumerateArray());
    }

    [Theory]
    [InlineData("https://93.184.215.14:8443/hook", 8443)]
    [InlineData("http://93.184.215.14:25/hook", 25)]
    [InlineData("https://[2606:4700:4700::1111]:8080/hook", 8080)]
    public async Task A_Public_Url_On_Another_Port_Is_Refused_By_Default(string url, int port)
    {
        await using var strict = await TestApp.StartAsync(settings: new Dictionary<string, string?> { ["Outbound:AllowPrivateNetworks"] = "false" });

        var (status, problem) = await strict.Api.PostJsonAsync("/api/webhooks/subscriptions", new { url, events = new[] { "referral.received" } });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal([$"Port {port} is not allowed; outbound webhooks go to ports 80 and 443 (Outbound:AllowedPorts)."], problem.ErrorsFor("url"));
    }

    [Fact]
    public async Task A_Url_On_An_Allowed_Port_Is_Accepted_And_Delivered_To()
    {
        await using var app = await StartAsync(receivers: [_receiver]);

        var (status, body) = await app.Api.PostJsonAsync("/api/webhooks/subscriptions", new { url = HookUrl, events = new[] { "referral.received" } });
        Assert.True(status == HttpStatusCode.Created, body.ToString());
        await app.DeliverAsync(Instagram(Referral(Unique("igsid"), DateTimeOffset.UtcNow, "allowed_port")));

        var request = await _receiver.NextRequestAsync();
        Assert.Equal("/hooks", request.Path);
        var delivery = await LatestDeliveryAsync(app);
        Assert.Equal("delivered", delivery.Str("status"));
    }

    [Fact]
    public async Task A_Url_Stored_Earlier_On_A_Port_No_Longer_Allowed_Is_Refused_At_Send_Time()
    {
        var path = TestApp.NewDatabasePath();
        await using (var before = await StartAsync(path, receivers: [_receiver]))
        {
            var (status, _) = await before.Api.PostJsonAsync("/api/webhooks/subscriptions", new { url = HookUrl, events = new[] { "referral.received" } });
            Assert.Equal(HttpStatusCode.Created, status);
        }

        // The same database, with the port no longer in Outbound:AllowedPorts.
        await using var after = await StartAsync(path);
        await after.DeliverAsync(Instagram(Referral(Unique("igsid"), DateTimeOffset.UtcNow, "port_closed")));

        var delivery = await LatestDeliveryAsync(after);
        Assert.Equal("failed", delivery.Str("status"));
        var attempt = Assert.Single(delivery.GetProperty("attemptLog").EnumerateArray());
        Assert.Contains(Refusal, attempt.Str("error"));
        Assert.Empty(_receiver.Requests);
    }

    private static async Task<System.Text.Json.JsonElement> LatestDeliveryAsync(TestApp app)
    {
        var page = await app.Api.GetJsonAsync("/api/webhooks/deliveries?eventType=referral.received");
        return await app.SettledDeliveryAsync(page.GetProperty("items")[0].GetProperty("id").GetInt64());
    }
}
