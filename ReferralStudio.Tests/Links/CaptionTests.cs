using System.Xml.Linq;
using ReferralStudio.Links;

namespace ReferralStudio.Tests.Links;

/// <summary>QR captions in the shipped DejaVu Sans: what it can print, what it refuses, and where lines break.</summary>
public class CaptionTests
{
    private const string Link = "https://ig.me/m/brand.shop?ref=summer_sale";

    [Theory]
    [InlineData("été 🎉", "The caption font has no glyph for 🎉 (U+1F389); remove it or use another character.")]
    [InlineData("Café 東京 🎉 東", "The caption font has no glyphs for 東 (U+6771), 京 (U+4EAC), 🎉 (U+1F389); remove them or use other characters.")]
    public void A_Caption_With_Characters_The_Font_Lacks_Is_Refused_Naming_Them(string caption, string reason)
    {
        var options = new QrOptions(Caption: caption);

        Assert.Equal(reason, CaptionFont.Validate(caption));
        Assert.Equal(reason, QrRenderer.Validate(options));
        Assert.Throws<ArgumentException>(() => QrRenderer.Png(Link, options));
        Assert.Throws<ArgumentException>(() => QrRenderer.Svg(Link, options));
    }

    [Fact]
    public void Missing_Characters_Are_Listed_Once_In_Order_For_The_Caption_Field()
    {
        Assert.Equal(["🎉", "東", "🚀"], CaptionFont.MissingCharacters("🎉 été 東 🎉 🚀 東"));
        Assert.Empty(CaptionFont.MissingCharacters("Ελληνικά Кириллица été Ünïcödé ß Œ №"));
    }

    [Fact]
    public void A_Lone_Surrogate_Is_Named_By_Its_Code_Rather_Than_Printed_As_A_Replacement_Character()
    {
        var caption = "broken \uD83C half";

        Assert.Equal(["\uD83C"], CaptionFont.MissingCharacters(caption));
        Assert.Equal("The caption font has no glyph for U+D83C; remove it or use another character.", QrRenderer.Validate(new QrOptions(Caption: caption)));
    }

    [Fact]
    public void Greek_Cyrillic_And_Accented_Latin_Print_As_Typed()
    {
        const string Caption = "Ελληνικά Кириллица été";
        var options = new QrOptions(SizeMm: 50, Caption: Caption);
        var plain = PngFile.Read(QrRenderer.Png(Link, options with { Caption = null }));
        var png = QrRenderer.Png(Link, options);
        var captioned = PngFile.Read(png);

        Assert.Null(QrRenderer.Validate(options));
        Assert.Equal([Link], Tools.DecodeQr(png));
        Assert.True(captioned.DarkPixels(plain.Height, captioned.Height) > 0, "the caption band has no ink");

        // The old pixel font printed every one of these as '?': real glyphs draw something else.
        Assert.NotEqual(png, QrRenderer.Png(Link, options with { Caption = "???????? ????????? ???" }));
        var svgText = XDocument.Parse(QrRenderer.Svg(Link, options)).Root!.Elements().Where(e => e.Name.LocalName == "text");
        Assert.Equal(Caption, string.Join(" ", svgText.Select(e => e.Value)));
    }

    [Theory]
    [InlineData(30, 300)]
    [InlineData(30, 72)]
    [InlineData(50, 600)]
    [InlineData(80, 150)]
    public void Png_And_Svg_Break_A_Long_Caption_Into_The_Same_Lines(double sizeMm, int dpi)
    {
        // Every line has a letter reaching up and one reaching down, so each prints as one run of inked rows
        // (an underscore or an accent on a line of its own would make two).
        var options = new QrOptions(sizeMm, dpi, Caption: "Happy spring! Get 10% off by typing your pal's code today");
        var layout = CaptionLayout.For(options.Caption!, sizeMm);

        var svg = XDocument.Parse(QrRenderer.Svg(Link, options)).Root!;
        var png = PngFile.Read(QrRenderer.Png(Link, options));
        var plainHeight = PngFile.Read(QrRenderer.Png(Link, options with { Caption = null })).Height;

        Assert.True(layout.Lines.Count > 1, "the caption should need more than one line");
        Assert.Equal(layout.Lines, svg.Elements().Where(e => e.Name.LocalName == "text").Select(e => e.Value));
        Assert.Equal(layout.Lines.Count, png.InkRuns(plainHeight));
    }

    [Fact]
    public void Words_Wrap_At_Spaces_And_Codes_Are_Not_Split_At_Underscores()
    {
        using var font = CaptionFont.MeasureFont();
        var code = CaptionFont.WidthEm(font, "collab_anna_2026");

        Assert.Equal(["use", "collab_anna_2026", "today"], CaptionLayout.Wrap("use   collab_anna_2026 today", code + 0.1));
        Assert.Equal(["use collab_anna_2026 today"], CaptionLayout.Wrap("use collab_anna_2026 today", 100));
        Assert.Equal(
            ["Scan for 10% off", "your first order with", "code", "collab_anna_2026"],
            CaptionLayout.For("Scan for 10% off your first order with code collab_anna_2026", 30).Lines);
    }

    [Fact]
    public void Only_A_Word_Wider_Than_The_Line_Is_Broken_After_Its_Last_Separator_That_Fits()
    {
        using var font = CaptionFont.MeasureFont();
        var width = CaptionFont.WidthEm(font, "collab_francois-xavier");

        Assert.Equal(["collab_francois-", "xavier_dupont"], CaptionLayout.Wrap("collab_francois-xavier_dupont", width));
        Assert.Equal(["abcdefghij", "klmno"], CaptionLayout.Wrap("abcdefghijklmno", CaptionFont.WidthEm(font, "abcdefghij") + 0.01));
        Assert.Equal(["Ελλη", "νικά"], CaptionLayout.Wrap("Ελληνικά", CaptionFont.WidthEm(font, "Ελλη") + 0.01));
    }

    [Fact]
    public void A_Code_Too_Wide_For_The_Line_Shrinks_The_Font_Rather_Than_Break()
    {
        var usual = CaptionLayout.For("collab_anna", 30);
        var shrunk = CaptionLayout.For("collab_francois-xavier", 30);
        var tooLong = CaptionLayout.For("collab_francois-xavier_dupont_de_la_maison", 30);

        Assert.Equal(["collab_francois-xavier"], shrunk.Lines);
        Assert.True(shrunk.FontSizeMm < usual.FontSizeMm);
        Assert.True(shrunk.CapHeightMm >= CaptionLayout.MinCapHeightMm);
        Assert.Equal(usual.FontSizeMm, tooLong.FontSizeMm);
        Assert.Equal(["collab_francois-", "xavier_dupont_de_", "la_maison"], tooLong.Lines);
    }
}
