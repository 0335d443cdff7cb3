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
        "Spring Launch! été 2026",
        "e\u0301te \u01E2 \u212B\u2260 Straße_\u0130",
        " _lead and trail- ",
        "a - b",
        "__proto__",
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
    [InlineData("Summer Sale!", "https://ig.me/m/brand?ref=Summer_Sale")]
    [InlineData("summer__sale", "https://ig.me/m/brand?ref=summer__sale")]
    [InlineData("\"><script>", "https://ig.me/m/brand?ref=script")]
    [InlineData("ü-ber=1", "https://ig.me/m/brand?ref=u-ber=1")]
    [InlineData("Spring Launch! été 2026", "https://ig.me/m/brand?ref=Spring_Launch_ete_2026")]
    [InlineData("Große Œuvre", "https://ig.me/m/brand?ref=Grosse_OEuvre")]
    [InlineData("!!!", "https://ig.me/m/brand?ref=website")]
    public void Preview_Folds_The_Campaign_Into_A_Readable_Ref_And_Falls_Back_When_Nothing_Is_Left(string? campaign, string href)
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
        Assert.Equal(LinkBuilder.Build("instagram", "brand", "Summer_Sale").Url, WebsiteButton.PreviewHref(Instagram, "Summer Sale"));
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

    [Fact]
    public void The_Script_Folds_Every_Bmp_Character_As_The_Server_Does()
    {
        // Every UTF-16 unit but lone surrogates (a URL cannot carry them), between two letters so gaps and drops show.
        var campaigns = Enumerable.Range(0, 0x10000)
            .Where(c => c is < 0xD800 or > 0xDFFF)
            .Select(c => "a" + (char)c + "b")
            .Append("x\U0001F389y")
            .ToArray();
        var expected = campaigns.Select(c => WebsiteButton.PreviewHref(Instagram, c)).ToArray();

        var actual = RunSnippet(WebsiteButton.Snippet(Instagram), campaigns);

        var differences = expected.Zip(actual, campaigns).Where(t => t.First != t.Second).Take(5).Select(t => $"{t.Third}: server {t.First}, script {t.Second}");
        Assert.Empty(differences);
    }

    [Fact]
    public void The_Ref_Explains_What_Folding_Changed()
    {
        var spring = WebsiteButton.RefFor(Instagram, "Spring Launch! été 2026");
        var empty = WebsiteButton.RefFor(Instagram, "!!!");
        var plain = WebsiteButton.RefFor(Instagram, "summer_sale");

        Assert.Equal(("Spring_Launch_ete_2026", ButtonRefSource.Campaign), (spring.Ref, spring.Source));
        Assert.Equal(["spaces became _", "é became e", "'!' was dropped"], spring.Changes);
        Assert.Equal(("website", ButtonRefSource.Fallback), (empty.Ref, empty.Source));
        Assert.Equal(["'!' was dropped"], empty.Changes);
        Assert.Equal(("summer_sale", ButtonRefSource.Campaign), (plain.Ref, plain.Source));
        Assert.Empty(plain.Changes);
    }

    [Fact]
    public void A_Chosen_Campaign_Ref_Wins_In_The_Preview_And_In_The_Script()
    {
        var options = WhatsApp with { CampaignRefs = [new("Spring Launch! été 2026", "spring26"), new("__proto__", "proto"), new("</script>", "tag")] };

        var chosen = WebsiteButton.RefFor(options, "Spring Launch! été 2026");
        Assert.Equal(("spring26", ButtonRefSource.CampaignRef), (chosen.Ref, chosen.Source));
        Assert.Equal("Spring_Launch_ete_2025", WebsiteButton.RefFor(options, "Spring Launch! été 2025").Ref);
        AssertScriptMatchesPreview(options);
        Assert.Equal(2, WebsiteButton.Snippet(options).Split("</script>").Length);
    }

    [Theory]
    [InlineData("", "campaignRefs")]
    [InlineData("spring launch", "campaignRefs")]
    [InlineData("collab_*", "campaignRefs")]
    [InlineData("spring_26", null)]
    public void A_Chosen_Campaign_Ref_Must_Be_A_Valid_Code(string chosen, string? field)
    {
        Assert.Equal(field, WebsiteButton.Validate(Instagram with { CampaignRefs = [new("Spring", chosen)] })?.Field);
    }

    [Theory]
    [InlineData("#ffffff", "#ffffff", "1.0:1")]
    [InlineData("#777777", "#ffffff", "4.4:1")]
    [InlineData("#c13584", "#c13585", "1.0:1")]
    public void Text_Too_Close_To_The_Background_Is_Refused_With_Its_Contrast(string background, string text, string shown)
    {
        var error = WebsiteButton.Validate(Instagram with { BackgroundColor = background, TextColor = text });

        Assert.Equal("textColor", error?.Field);
        Assert.Contains(shown, error!.Reason, StringComparison.Ordinal);
        Assert.Contains("4.5:1", error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("instagram")]
    [InlineData("messenger")]
    [InlineData("whatsapp")]
    public void The_Default_Colours_Are_Readable(string platform)
    {
        var options = new WebsiteButtonOptions(platform, platform == "whatsapp" ? "+447700900123" : "brandpage");

        Assert.Null(WebsiteButton.Validate(options));
        Assert.True(WebsiteButton.Contrast(options) >= WebsiteButton.MinContrast);
    }

    [Fact]
    public void Contrast_Follows_Wcag()
    {
        Assert.Equal(21, WebsiteButton.ContrastRatio("#000", "#ffffff"), 6);
        Assert.Equal(1, WebsiteButton.ContrastRatio("#0866ff", "#0866FF"), 6);
        Assert.Equal(4.48, WebsiteButton.ContrastRatio("#777777", "#fff"), 2);
    }

    [Fact]
    public void The_Preview_Is_The_Snippets_Own_Link()
    {
        var fixedCode = Messenger with { FixedCode = "footer", Label = "Chat <now>", BackgroundColor = "#123456", TextColor = "#fefefe" };

        Assert.Contains(WebsiteButton.PreviewHtml(fixedCode, null), WebsiteButton.Snippet(fixedCode), StringComparison.Ordinal);
        var withScript = WebsiteButton.PreviewHtml(Instagram, "spring");
        Assert.Contains("border-radius:8px", withScript, StringComparison.Ordinal);
        Assert.Equal(WebsiteButton.Snippet(Instagram).Split("<a ")[1].Split(">")[0].Split("style=")[1], withScript.Split("style=")[1].Split(">")[0]);
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
