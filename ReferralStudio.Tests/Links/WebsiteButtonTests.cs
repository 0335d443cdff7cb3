using System.Text.Json;
using ReferralStudio.Links;

namespace ReferralStudio.Tests.Links;

public class WebsiteButtonTests
{
    private static readonly WebsiteButtonOptions Instagram = new("instagram", "brand");
    private static readonly WebsiteButtonOptions Messenger = new("messenger", "brandpage", FallbackCode: "site");
    private static readonly WebsiteButtonOptions WhatsApp = new("whatsapp", "+44 7700 900123", WhatsAppTemplate: "Hi! (It's me) ref: {ref} * ~ 'quoted' & more");

    // Values a page's utm_campaign might hold, decoded.
    private static readonly string?[] Campaigns =
    [
        null,
        "",
        "summer_sale",
        "Summer Sale!",
        "a=b-c_d",
        "\"><script>alert(1)</script>",
        "ü-ber=1",
        "😀x😀",
        "+++",
        "%41",
        new string('a', 3000),
        "b" + new string('-', 2082) + "zzz",
    ];

    [Fact]
    public void Without_Script_The_Button_Is_A_Plain_Link_With_The_Fallback_Code()
    {
        var snippet = WebsiteButton.Snippet(Instagram);

        Assert.Contains("<a href=\"https://ig.me/m/brand?ref=website\"", snippet, StringComparison.Ordinal);
        Assert.Contains(">Message us on Instagram</a>", snippet, StringComparison.Ordinal);
    }

    [Fact]
    public void The_Snippet_Loads_Nothing_From_Any_Server()
    {
        var snippet = WebsiteButton.Snippet(WhatsApp);

        Assert.DoesNotContain("src=", snippet, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", snippet, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("fetch(", snippet, StringComparison.Ordinal);
        Assert.DoesNotContain("import", snippet, StringComparison.Ordinal);
    }

    [Fact]
    public void A_Fixed_Code_Needs_No_Script()
    {
        var snippet = WebsiteButton.Snippet(Messenger with { FixedCode = "footer_button" });

        Assert.Contains("href=\"https://m.me/brandpage?ref=footer_button\"", snippet, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", snippet, StringComparison.Ordinal);
        Assert.Equal("https://m.me/brandpage?ref=footer_button", WebsiteButton.PreviewHref(Messenger with { FixedCode = "footer_button" }, "ignored"));
    }

    [Fact]
    public void A_Hostile_Label_Is_Shown_As_Text()
    {
        var snippet = WebsiteButton.Snippet(Instagram with { Label = "\"><script>alert(1)</script><b onclick='x'>" });

        Assert.Contains("&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;b onclick=&#39;x&#39;&gt;</a>", snippet, StringComparison.Ordinal);
        Assert.Equal(2, snippet.Split("<script").Length);
        Assert.DoesNotContain("alert(1)</script>", snippet, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("account", "\"><script>alert(1)</script>")]
    [InlineData("account", "brand\" onmouseover=\"alert(1)")]
    public void A_Hostile_Account_Is_Refused(string field, string account)
    {
        var options = Instagram with { Account = account };

        Assert.Equal(field, WebsiteButton.Validate(options)?.Field);
        Assert.Throws<ArgumentException>(() => WebsiteButton.Snippet(options));
        Assert.Throws<ArgumentException>(() => WebsiteButton.PreviewHref(options, "x"));
    }

    [Theory]
    [InlineData("red;background-image:url(https://evil.example)", null)]
    [InlineData(null, "#fff\" onclick=\"x")]
    [InlineData("blue", null)]
    public void Colours_Must_Be_Plain_Hex(string? background, string? text)
    {
        var error = WebsiteButton.Validate(Instagram with { BackgroundColor = background, TextColor = text });

        Assert.Equal(background is null ? "textColor" : "backgroundColor", error?.Field);
    }

    [Theory]
    [InlineData("fixedCode", "collab_*", "website")]
    [InlineData("fallbackCode", null, "web site")]
    [InlineData("fallbackCode", null, "")]
    public void Codes_In_The_Button_Must_Be_Single_Valid_Codes(string field, string? fixedCode, string fallback)
    {
        Assert.Equal(field, WebsiteButton.Validate(Instagram with { FixedCode = fixedCode, FallbackCode = fallback })?.Field);
    }

    [Fact]
    public void A_WhatsApp_Template_The_Receiver_Cannot_Read_Is_Refused()
    {
        var error = WebsiteButton.Validate(WhatsApp with { WhatsAppTemplate = "My code is {ref}" });

        Assert.Equal(new FieldError("whatsAppTemplate", "The receiver finds the code after 'ref:' or 'ref='; keep 'ref: {ref}' in the text."), error);
    }

    [Fact]
    public void A_Hostile_WhatsApp_Template_Cannot_Break_Out_Of_The_Script()
    {
        var options = WhatsApp with { WhatsAppTemplate = "</script><script>alert(1)</script> ref: {ref}" };
        var snippet = WebsiteButton.Snippet(options);

        Assert.Equal(2, snippet.Split("<script").Length);
        Assert.Equal(2, snippet.Split("</script>").Length);
        Assert.Equal([WebsiteButton.PreviewHref(options, "spring")], RunSnippet(snippet, ["spring"]));
    }

    [Theory]
    [InlineData(null, "https://ig.me/m/brand?ref=website")]
    [InlineData("", "https://ig.me/m/brand?ref=website")]
    [InlineData("summer_sale", "https://ig.me/m/brand?ref=summer_sale")]
    [InlineData("Summer Sale!", "https://ig.me/m/brand?ref=SummerSale")]
    [InlineData("\"><script>", "https://ig.me/m/brand?ref=script")]
    [InlineData("ü-ber=1", "https://ig.me/m/brand?ref=-ber=1")]
    [InlineData("!!!", "https://ig.me/m/brand?ref=website")]
    public void Preview_Keeps_Only_Ref_Characters_And_Falls_Back_When_None_Are_Left(string? campaign, string href)
    {
        Assert.Equal(href, WebsiteButton.PreviewHref(Instagram, campaign));
    }

    [Fact]
    public void Preview_Cuts_The_Code_To_The_Ref_Limit()
    {
        var href = WebsiteButton.PreviewHref(Instagram, new string('a', 3000));

        Assert.Equal("https://ig.me/m/brand?ref=" + new string('a', 2083), href);
    }

    [Fact]
    public void Preview_Matches_The_Link_Builder_For_Every_Platform()
    {
        Assert.Equal(LinkBuilder.Build("instagram", "brand", "SummerSale").Url, WebsiteButton.PreviewHref(Instagram, "Summer Sale"));
        Assert.Equal(LinkBuilder.Build("messenger", "brandpage", "a=b").Url, WebsiteButton.PreviewHref(Messenger, "a=b"));
        Assert.Equal(
            LinkBuilder.Build("whatsapp", "+447700900123", "a=b", WhatsApp.WhatsAppTemplate).Url,
            WebsiteButton.PreviewHref(WhatsApp, "a=b"));
        Assert.Equal(
            "https://wa.me/447700900123?text=Hi%21%20ref%3A%20x_1",
            WebsiteButton.PreviewHref(WhatsApp with { WhatsAppTemplate = null }, "x_1"));
    }

    [Fact]
    public void The_Script_In_The_Browser_Produces_Exactly_The_Preview_For_Instagram()
    {
        AssertScriptMatchesPreview(Instagram);
    }

    [Fact]
    public void The_Script_In_The_Browser_Produces_Exactly_The_Preview_For_Messenger()
    {
        AssertScriptMatchesPreview(Messenger);
    }

    [Fact]
    public void The_Script_In_The_Browser_Produces_Exactly_The_Preview_For_WhatsApp()
    {
        AssertScriptMatchesPreview(WhatsApp);
    }

    private static void AssertScriptMatchesPreview(WebsiteButtonOptions options)
    {
        var expected = Campaigns.Select(c => WebsiteButton.PreviewHref(options, c)).ToArray();

        Assert.Equal(expected, RunSnippet(WebsiteButton.Snippet(options), Campaigns));
    }

    /// <summary>Runs the snippet's script in node once per utm_campaign value, on a page whose URL carries it.</summary>
    private static string[] RunSnippet(string snippet, IEnumerable<string?> campaigns)
    {
        var searches = campaigns.Select(c => c is null ? "" : "?utm_campaign=" + Uri.EscapeDataString(c)).ToArray();
        var input = JsonSerializer.Serialize(new { snippet, searches });
        var harness = $$"""
            const input = {{input}};
            const start = input.snippet.indexOf("<script>") + "<script>".length;
            const script = input.snippet.slice(start, input.snippet.indexOf("</script>"));
            const hrefs = input.searches.map(search => {
              const a = { href: "" };
              globalThis.document = { currentScript: { parentNode: { querySelector: sel => sel === "a" ? a : null } } };
              globalThis.location = { search };
              new Function(script)();
              return a.href;
            });
            console.log(JSON.stringify(hrefs));
            """;
        return JsonSerializer.Deserialize<string[]>(Tools.RunNode(harness))!;
    }
}
