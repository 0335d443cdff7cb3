using Bunit;
using ReferralStudio.Components.Studio;
using ReferralStudio.Links;

namespace ReferralStudio.Tests.Components.Studio;

/// <summary>The studio's link panel: links, copy buttons, print settings and downloads for a code; the way on for a pattern.</summary>
public sealed class LinkPanelTests : MudTestContext
{
    // Debounced fields, the first load of the caption font and a busy CI machine: more than bunit's default second.

    private IRenderedComponent<LinkPanel> RenderPanel(string code, string? instagram = "acme.shop", string? whatsapp = null) =>
        Render<LinkPanel>(p => p
            .Add(x => x.Code, code)
            .Add(x => x.InstagramUsername, instagram)
            .Add(x => x.WhatsAppNumber, whatsapp));


    [Fact]
    public void Exact_Code_Renders_Links_Labelled_Copy_Buttons_Notes_Qr_Preview_And_Downloads()
    {
        var panel = RenderPanel("summer_sale", whatsapp: "+49 151 23456789");

        Assert.Equal("https://ig.me/m/acme.shop?ref=summer_sale", ByTestId(panel, "link-instagram").GetAttribute("value"));
        Assert.Equal("https://wa.me/4915123456789?text=Hi%21%20ref%3A%20summer_sale", ByTestId(panel, "link-whatsapp").GetAttribute("value"));
        Assert.Equal("Copy link for Instagram (ig.me)", ByTestId(panel, "copy-instagram").GetAttribute("aria-label"));
        Assert.Equal("Copy link for WhatsApp (wa.me)", ByTestId(panel, "copy-whatsapp").GetAttribute("aria-label"));
        Assert.Equal(TrackingNotes.Instagram, ByTestId(panel, "note-instagram").TextContent);
        Assert.Equal(TrackingNotes.WhatsApp, ByTestId(panel, "note-whatsapp").TextContent);
        Assert.StartsWith("data:image/png;base64,", ByTestId(panel, "qr-preview").GetAttribute("src"));
        Assert.Equal("studio/qr?platform=instagram&account=acme.shop&ref=summer_sale&format=png&sizeMm=30&dpi=300&ecc=M&quietZone=4",
            ByTestId(panel, "download-png").GetAttribute("href"));
        Assert.Contains("format=svg", ByTestId(panel, "download-svg").GetAttribute("href"));
        Assert.Equal("Add a Facebook Page username to build the m.me link.", ByTestId(panel, "missing-messenger").TextContent);
        // Every field of the print settings has a visible label.
        Assert.All(panel.FindAll("[data-testid='qr-options'] input:not([type=hidden])"),
            input => Assert.NotNull(panel.Find($"label[for='{input.Id}']")));
    }

    [Fact]
    public void Pattern_Renders_The_Reason_No_Link_Copy_Or_Qr_And_A_Way_On_To_An_Affiliate_Kit()
    {
        var panel = RenderPanel("collab_*");

        Assert.Contains(LinkBuilder.PatternHasNoLink, ByTestId(panel, "pattern-note").TextContent);
        Assert.Empty(panel.FindAll("[data-testid='copy-instagram'], [data-testid='qr-preview'], [data-testid='download-png']"));
        var kit = ByTestId(panel, "make-kit");
        Assert.Equal("Make an affiliate kit for this pattern", kit.TextContent.Trim());
        Assert.Equal("studio/kits?pattern=collab_%2A", kit.GetAttribute("href"));
    }

    [Fact]
    public void Pattern_That_Is_No_Kit_Prefix_Leads_To_One_Code_It_Matches()
    {
        var panel = RenderPanel("*_2026");

        Assert.Empty(panel.FindAll("[data-testid='make-kit']"));
        Assert.Equal("studio?code=example_2026", ByTestId(panel, "example-code").GetAttribute("href"));
    }

    [Fact]
    public void Invalid_Code_Renders_Its_Reason_In_Plain_Words()
    {
        var panel = RenderPanel("summer sale");

        Assert.Equal("Spaces aren't allowed in codes; use _ or - between words.", ByTestId(panel, "code-error").TextContent.Trim());
        Assert.Empty(panel.FindAll("[data-testid='qr-preview']"));
    }

    [Fact]
    public void Copy_Puts_The_Link_On_The_Clipboard_And_Says_So()
    {
        var copy = JSInterop.Setup<bool>("referralStudio.copyText", _ => true);
        copy.SetResult(true);
        var panel = RenderPanel("summer_sale");

        ByTestId(panel, "copy-instagram").Click();

        Assert.Equal("https://ig.me/m/acme.shop?ref=summer_sale", copy.Invocations.Single().Arguments.Single());
        panel.WaitForAssertion(() => Assert.Equal("Copied", ByTestId(panel, "copy-instagram").TextContent.Trim()));
    }

    [Fact]
    public void Print_Settings_Go_Into_The_Downloads_And_The_Summary()
    {
        var panel = RenderPanel("summer_sale");

        ByTestId(panel, "qr-size").Change("50");
        panel.WaitForAssertion(() => Assert.Contains("sizeMm=50&", ByTestId(panel, "download-png").GetAttribute("href")));
        ByTestId(panel, "qr-dpi").Change("600");
        panel.WaitForAssertion(() => Assert.Contains("dpi=600&", ByTestId(panel, "download-png").GetAttribute("href")));
        ByTestId(panel, "qr-caption").Input("Scan for 20% off");

        panel.WaitForAssertion(() => Assert.Contains("caption=Scan%20for%2020%25%20off", ByTestId(panel, "download-png").GetAttribute("href")));
        Assert.Contains("sizeMm=50&dpi=600", ByTestId(panel, "download-svg").GetAttribute("href"));
        Assert.Equal("50 mm wide at 600 DPI (1,181 px), error correction M, caption \u201cScan for 20% off\u201d.", ByTestId(panel, "qr-summary").TextContent);
    }

    [Theory]
    [InlineData("qr-size", "5", "Size must be between 10 and 500 mm.")]
    [InlineData("qr-dpi", "2000", "Resolution must be between 72 and 1200 DPI.")]
    [InlineData("qr-quiet", "11", "The quiet zone must be 0 to 10 modules; scanners want 4.")]
    public void A_Print_Setting_Out_Of_Range_Is_Kept_Named_Next_To_Its_Field_And_Stops_The_Downloads(string field, string value, string message)
    {
        var panel = RenderPanel("summer_sale");

        ByTestId(panel, field).Change(value);

        panel.WaitForAssertion(() => Assert.Contains(message, ByTestId(panel, field).Closest(".mud-input-control")!.TextContent));
        Assert.Equal("true", ByTestId(panel, field).GetAttribute("aria-invalid"));
        // What was typed stays in the field rather than being clamped to the limit.
        Assert.Equal(value, ByTestId(panel, field).GetAttribute("value"));
        Assert.Empty(panel.FindAll("[data-testid='download-png'], [data-testid='qr-preview']"));
        Assert.Contains(message, ByTestId(panel, "qr-error").TextContent);
    }

    [Fact]
    public void A_Caption_Too_Long_Is_Named_Next_To_The_Caption()
    {
        var panel = RenderPanel("summer_sale");

        ByTestId(panel, "qr-caption").Input(new string('x', 61));

        panel.WaitForAssertion(() => Assert.Contains("The caption is 61 characters; the limit is 60.", ByTestId(panel, "qr-caption").Closest(".mud-input-control")!.TextContent));
    }

    [Fact]
    public void A_Caption_Character_The_Print_Font_Lacks_Is_Named_Next_To_The_Caption()
    {
        var panel = RenderPanel("summer_sale");

        ByTestId(panel, "qr-caption").Input("été \U0001F389");

        panel.WaitForAssertion(() => Assert.Contains("\U0001F389 (U+1F389)", ByTestId(panel, "qr-caption").Closest(".mud-input-control")!.TextContent));
        Assert.DoesNotContain("é (U+00E9)", ByTestId(panel, "qr-caption").Closest(".mud-input-control")!.TextContent);
        Assert.Empty(panel.FindAll("[data-testid='download-png']"));
    }

    [Fact]
    public void Accented_Greek_And_Cyrillic_Captions_Print()
    {
        var panel = RenderPanel("summer_sale");

        ByTestId(panel, "qr-caption").Input("Été Ωμέγα Привет");

        panel.WaitForAssertion(() => Assert.Contains("caption=%C3%89t%C3%A9", ByTestId(panel, "download-png").GetAttribute("href")));
        Assert.Equal("false", ByTestId(panel, "qr-caption").GetAttribute("aria-invalid"));
    }

    [Fact]
    public void Show_Qr_Switches_The_Code_To_Another_Platform()
    {
        var panel = RenderPanel("summer_sale", whatsapp: "+49 151 23456789");

        ByTestId(panel, "show-qr-whatsapp").Click();

        panel.WaitForAssertion(() => Assert.Contains("WhatsApp", ByTestId(panel, "qr-panel").QuerySelector("h2")!.TextContent));
        Assert.StartsWith("studio/qr?platform=whatsapp&account=%2B49%20151%2023456789&ref=summer_sale", ByTestId(panel, "download-png").GetAttribute("href"));
        Assert.Contains("WhatsApp", ByTestId(panel, "qr-panel").QuerySelector("h2")!.TextContent);
        Assert.Equal("Show QR for Instagram (ig.me)", ByTestId(panel, "show-qr-instagram").GetAttribute("aria-label"));
    }
}
