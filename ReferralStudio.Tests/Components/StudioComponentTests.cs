using System.Net;
using ReferralStudio.Components.Studio;
using ReferralStudio.Links;

namespace ReferralStudio.Tests.Components;

public sealed class StudioComponentTests
{
    private static Task<string> RenderLinksAsync(string code, string? instagram = "acme.shop", string? whatsapp = null) =>
        ComponentRenderer.RenderAsync<LinkPanel>(new Dictionary<string, object?>
        {
            [nameof(LinkPanel.Code)] = code,
            [nameof(LinkPanel.InstagramUsername)] = instagram,
            [nameof(LinkPanel.WhatsAppNumber)] = whatsapp,
            [nameof(LinkPanel.Qr)] = new QrOptions(),
        });

    [Fact]
    public async Task Pattern_Renders_The_Reason_And_No_Link_Copy_Or_Qr()
    {
        var html = await RenderLinksAsync("collab_*");

        Assert.Contains("data-testid=\"pattern-note\"", html);
        Assert.Contains(WebUtility.HtmlEncode(LinkBuilder.PatternHasNoLink), html);
        Assert.DoesNotContain("copy-instagram", html);
        Assert.DoesNotContain("qr-preview", html);
        Assert.DoesNotContain("download-png", html);
    }

    [Fact]
    public async Task Exact_Code_Renders_Links_Notes_Qr_Preview_And_Downloads()
    {
        var html = await RenderLinksAsync("summer_sale", whatsapp: "+49 151 23456789");

        Assert.Contains("value=\"https://ig.me/m/acme.shop?ref=summer_sale\"", html);
        Assert.Contains("https://wa.me/4915123456789?text=Hi%21%20ref%3A%20summer_sale", html);
        Assert.Contains(WebUtility.HtmlEncode(TrackingNotes.Instagram), html);
        Assert.Contains("data-testid=\"copy-instagram\"", html);
        Assert.Contains("src=\"data:image/png;base64,", html);
        Assert.Contains("studio/qr?platform=instagram&amp;account=acme.shop&amp;ref=summer_sale&amp;format=png", html);
        Assert.Contains("data-testid=\"missing-messenger\"", html);
    }

    [Fact]
    public async Task Invalid_Code_Renders_Its_Reason()
    {
        var html = await RenderLinksAsync("summer sale");

        Assert.Contains("data-testid=\"code-error\"", html);
        Assert.DoesNotContain("qr-preview", html);
    }
}
