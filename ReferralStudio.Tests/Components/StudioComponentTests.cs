using System.Net;
using ReferralStudio.Components.Studio;
using ReferralStudio.Components.Triggers;
using ReferralStudio.Links;
using ReferralStudio.Triggers.Matching;

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

    [Fact]
    public async Task Editor_Shows_The_Reason_Next_To_An_Invalid_Pattern_And_Disables_Save()
    {
        var html = await ComponentRenderer.RenderAsync<TriggerEditor>(new Dictionary<string, object?>
        {
            [nameof(TriggerEditor.Model)] = new TriggerFormModel { Name = "Bad", Pattern = "collab_**" },
            [nameof(TriggerEditor.Others)] = Array.Empty<TriggerDefinition>(),
        });

        Assert.Contains("data-testid=\"error-pattern\"", html);
        Assert.Contains("**", html);
        Assert.Matches("<button[^>]*disabled[^>]*data-testid=\"save\"|<button[^>]*data-testid=\"save\"[^>]*disabled", html);
    }

    [Fact]
    public async Task Editor_Names_The_Trigger_A_Duplicate_Would_Clash_With()
    {
        var others = new[] { new TriggerDefinition(7, "Summer launch", "summer_sale", [], [], 0, DateTimeOffset.Parse("2026-01-01Z")) };

        var html = await ComponentRenderer.RenderAsync<TriggerEditor>(new Dictionary<string, object?>
        {
            [nameof(TriggerEditor.Model)] = new TriggerFormModel { Name = "Copy", Pattern = "SUMMER_SALE" },
            [nameof(TriggerEditor.Others)] = others,
        });

        Assert.Contains("data-testid=\"error-pattern\"", html);
        Assert.Contains("Summer launch", html);
    }

    [Fact]
    public async Task Valid_Draft_Renders_Without_Errors()
    {
        var html = await ComponentRenderer.RenderAsync<TriggerEditor>(new Dictionary<string, object?>
        {
            [nameof(TriggerEditor.Model)] = new TriggerFormModel { Name = "Collabs", Pattern = "collab_*", Tags = "affiliate:{1}" },
            [nameof(TriggerEditor.Others)] = Array.Empty<TriggerDefinition>(),
        });

        Assert.DoesNotContain("data-testid=\"error-", html);
    }
}
