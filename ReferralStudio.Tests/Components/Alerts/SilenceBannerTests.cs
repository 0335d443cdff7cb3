using Bunit;
using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Alerts;
using ReferralStudio.Components.Alerts;

namespace ReferralStudio.Tests.Components.Alerts;

/// <summary>The overview's warning: hidden while all is well, shown with each alert's likely causes, gone once resolved.</summary>
public sealed class SilenceBannerTests : MudTestContext
{
    private static readonly DateTimeOffset Since = DateTimeOffset.Parse("2026-11-20T06:00:00Z");

    [Fact]
    public void Banner_Appears_With_Likely_Causes_When_A_Check_Opens_An_Alert_And_Goes_When_It_Is_Resolved()
    {
        var board = new AlertBoard();
        Services.AddSingleton(board);
        var banner = Render<SilenceBanner>();
        Assert.Empty(banner.FindAll("[data-testid=silence-alerts]"));

        var alert = new SilenceAlert(new AlertKey(AlertKinds.ReferralsSilent, "messenger", "106540352242900"), Since, Since.AddHours(24), 35);
        board.Publish([AlertDto.Of(alert, AlertStatus.Raised, null, "acmeshop")]);

        banner.WaitForAssertion(() =>
        {
            var item = banner.Find("[data-testid=silence-alert]");
            Assert.Equal(AlertKinds.ReferralsSilent, item.GetAttribute("data-alert-kind"));
            Assert.Contains("Messenger account acmeshop (106540352242900)", item.TextContent, StringComparison.Ordinal);
            Assert.Contains("no referral since 2026-11-20 06:00 UTC", item.TextContent, StringComparison.Ordinal);
            Assert.Contains("Get Started button was removed", banner.Find("[data-testid=silence-causes]").TextContent, StringComparison.Ordinal);
        });

        board.Publish([]);

        banner.WaitForAssertion(() => Assert.Empty(banner.FindAll("[data-testid=silence-alerts]")));
    }
}
