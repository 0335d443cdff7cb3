using Bunit;
using ReferralStudio.Accounts;
using ReferralStudio.Components.Triggers;
using ReferralStudio.Triggers;

namespace ReferralStudio.Tests.Components.Triggers;

/// <summary>What the editor offers after a save: links, print QR and the studio for a code; the kit builder for a pattern.</summary>
public sealed class TriggerSavedPanelTests : MudTestContext
{
    private static readonly BusinessAccount[] Accounts =
    [
        new() { Platform = "instagram", AccountId = "17841400000000001", Handle = "acme.shop" },
        new() { Platform = "whatsapp", AccountId = "106540352242922", Handle = "+49 151 23456789" },
    ];

    private IRenderedComponent<TriggerSavedPanel> RenderPanel(Trigger trigger, IReadOnlyList<BusinessAccount> accounts) =>
        Render<TriggerSavedPanel>(p => p.Add(c => c.Trigger, trigger).Add(c => c.Accounts, accounts));

    [Fact]
    public void An_Exact_Code_Offers_Each_Link_Its_Print_Qr_And_The_Studio()
    {
        var panel = RenderPanel(new Trigger { Id = 4, Name = "Summer", Pattern = "summer_sale" }, Accounts);

        Assert.Equal("https://ig.me/m/acme.shop?ref=summer_sale", panel.Find("[data-testid='saved-url-instagram']").TextContent);
        Assert.Equal("studio/qr?platform=instagram&account=acme.shop&ref=summer_sale&format=png&sizeMm=30&dpi=300",
            panel.Find("[data-testid='download-qr-instagram']").GetAttribute("href"));
        Assert.NotNull(panel.Find("[data-testid='download-qr-instagram']").GetAttribute("download"));
        Assert.Contains("wa.me/4915123456789", panel.Find("[data-testid='saved-url-whatsapp']").TextContent);
        Assert.Empty(panel.FindAll("[data-testid='saved-link-messenger']"));
        Assert.Equal("studio?code=summer_sale", panel.Find("[data-testid='open-studio']").GetAttribute("href"));
        Assert.Empty(panel.FindAll("[data-testid='make-kit']"));
    }

    [Fact]
    public void Only_The_Platforms_The_Trigger_Runs_On_Get_A_Link()
    {
        var panel = RenderPanel(new Trigger { Name = "IG", Pattern = "ig_only", Platforms = ["instagram"] }, Accounts);

        Assert.Single(panel.FindAll("[data-testid^='saved-link-']"));
    }

    [Fact]
    public void Copy_Link_Copies_The_Url_And_Says_So()
    {
        JSInterop.Setup<bool>("referralStudio.copyText", "https://ig.me/m/acme.shop?ref=summer_sale").SetResult(true);
        var panel = RenderPanel(new Trigger { Name = "Summer", Pattern = "summer_sale" }, Accounts);

        panel.Find("[data-testid='copy-link-instagram']").Click();

        Assert.Contains("Link copied", panel.Find("[data-testid='copy-link-instagram']").TextContent);
    }

    [Fact]
    public void Without_Accounts_It_Says_Where_To_Add_Them_And_Still_Opens_The_Studio()
    {
        var panel = RenderPanel(new Trigger { Name = "Summer", Pattern = "summer_sale" }, []);

        Assert.Contains("add your accounts", panel.Find("[data-testid='no-accounts']").TextContent);
        Assert.Equal("studio?code=summer_sale", panel.Find("[data-testid='open-studio']").GetAttribute("href"));
    }

    [Fact]
    public void A_Pattern_Leads_On_To_An_Affiliate_Kit_For_It_Instead_Of_A_Dead_End()
    {
        var panel = RenderPanel(new Trigger { Name = "Collabs", Pattern = "collab_*" }, Accounts);

        Assert.Equal("studio/kits?pattern=collab_%2A", panel.Find("[data-testid='make-kit']").GetAttribute("href"));
        Assert.Contains("Make an affiliate kit for this pattern", panel.Find("[data-testid='make-kit']").TextContent);
        Assert.Empty(panel.FindAll("[data-testid^='download-qr-']"));
        Assert.Empty(panel.FindAll("[data-testid='open-studio']"));
    }
}
