using System.Net;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Reliability;

/// <summary>Webhook URLs aimed at this machine or its network are refused, however they are spelled, unless explicitly allowed.</summary>
public sealed class OutboundUrlSafetyTests
{
    private static readonly string[] Disguised =
    [
        "http://localhost/hook", "http://127.1/hook", "http://2130706433/hook", "http://0x7f000001/hook", "http://0.0.0.0/hook",
        "http://[::ffff:127.0.0.1]/hook", "http://[::]/hook", "http://192.168.1.10/hook", "http://[fd00::1]/hook", "http://[fe80::1]/hook",
    ];

    [Fact]
    public async Task Loopback_And_Private_Addresses_Are_Refused_In_Every_Spelling_By_Default()
    {
        await using var strict = await TestApp.StartAsync(settings: new Dictionary<string, string?> { ["Outbound:AllowPrivateNetworks"] = "false" });

        foreach (var url in Disguised)
        {
            var (status, problem) = await strict.Api.PostJsonAsync("/api/webhooks/subscriptions", new { url, events = new[] { "referral.received" } });
            Assert.True(status == HttpStatusCode.BadRequest, $"{url}: {status}");
            Assert.NotEmpty(problem.ErrorsFor("url"));
        }
    }

    [Fact]
    public async Task Allow_Private_Networks_Lets_Local_Development_Use_A_Loopback_Receiver()
    {
        await using var receiver = await LoopbackServer.StartAsync();
        await using var local = await TestApp.StartAsync(receivers: [receiver], settings: new Dictionary<string, string?> { ["Outbound:AllowPrivateNetworks"] = "true" });

        var (status, _) = await local.Api.PostJsonAsync("/api/webhooks/subscriptions", new { url = new Uri(receiver.BaseAddress, "hook").ToString(), events = new[] { "referral.received" } });

        Assert.Equal(HttpStatusCode.Created, status);
    }
}
