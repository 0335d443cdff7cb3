using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Auth;
using ReferralStudio.Components.Layout;

namespace ReferralStudio.Tests.Components.Layout;

/// <summary>The drawer's menu, rendered with bunit: which link reads as the current page, as it follows the address.</summary>
public sealed class MainMenuTests : MudTestContext
{
    private readonly BunitAuthorizationContext _user;

    public MainMenuTests() => _user = AddAuthorization().SetAuthorized("owner@studio.test").SetRoles(StudioRoles.Owner);

    private string[] CurrentAfterOpening(string address)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(address);
        var menu = Render<MainMenu>();
        return [.. menu.FindAll("a[aria-current=page]").Select(a => a.TextContent.Trim())];
    }

    [Theory]
    [InlineData("/", "Overview")]
    [InlineData("/feed?ref=summer&page=2", "Attribution feed")]
    [InlineData("/studio?code=summer_sale", "Link & QR studio")]
    [InlineData("/studio/kits", "Affiliate kits")]
    [InlineData("/triggers/12", "Codes & triggers")]
    [InlineData("/settings/accounts", "Accounts")]
    [InlineData("/settings/team", "Team")]
    [InlineData("/settings/api-keys", "API keys")]
    [InlineData("/settings/audit?type=trigger&page=2", "Audit log")]
    public void Exactly_One_Link_Is_Current_For_Each_Page(string address, string current) =>
        Assert.Equal([current], CurrentAfterOpening(address));

    [Fact]
    public void An_Address_Outside_The_Menu_Marks_No_Link()
    {
        Assert.Empty(CurrentAfterOpening("/conversations/7"));
        Assert.Empty(CurrentAfterOpening("/feedback"));
    }

    [Fact]
    public void The_Current_Link_Follows_Navigation()
    {
        var menu = Render<MainMenu>();
        var navigation = Services.GetRequiredService<NavigationManager>();

        navigation.NavigateTo("/analytics");

        menu.WaitForAssertion(() => Assert.Equal("Campaigns", menu.Find("a[aria-current=page]").TextContent.Trim()));
        Assert.Contains("active", menu.Find("a[aria-current=page]").ClassList);
        Assert.Equal(15, menu.FindAll("a.mud-nav-link").Count);
    }

    [Theory]
    [InlineData(StudioRoles.Viewer, "Overview|Attribution feed|Campaigns|Live board")]
    [InlineData(StudioRoles.Marketer, "Overview|Attribution feed|Campaigns|Live board|Codes & triggers|Link & QR studio|Affiliate kits|Website button|Simulator")]
    [InlineData(StudioRoles.Admin, "Overview|Attribution feed|Campaigns|Live board|Codes & triggers|Link & QR studio|Affiliate kits|Website button|Inbound webhooks|Outbound webhooks|Simulator|Accounts|Team|API keys|Audit log")]
    [InlineData(StudioRoles.Owner, "Overview|Attribution feed|Campaigns|Live board|Codes & triggers|Link & QR studio|Affiliate kits|Website button|Inbound webhooks|Outbound webhooks|Simulator|Accounts|Team|API keys|Audit log")]
    public void Each_Role_Sees_The_Links_To_The_Pages_It_Opens_And_No_Others(string role, string links)
    {
        _user.SetRoles(role);

        var menu = Render<MainMenu>();

        Assert.Equal(links.Split('|'), menu.FindAll("a.mud-nav-link").Select(a => a.TextContent.Trim()));
        Assert.DoesNotContain(menu.FindAll(".rs-nav-group"), g => g.TextContent == "Settings" && role is not (StudioRoles.Admin or StudioRoles.Owner));
    }
}
