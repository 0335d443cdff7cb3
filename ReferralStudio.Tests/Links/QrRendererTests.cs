using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using ReferralStudio.Links;

namespace ReferralStudio.Tests.Links;

public class QrRendererTests
{
    private const string Link = "https://ig.me/m/brand.shop?ref=summer_sale";

    [Theory]
    [InlineData(EccLevel.L, 20, 300, null)]
    [InlineData(EccLevel.M, 30, 300, null)]
    [InlineData(EccLevel.H, 30, 300, null)]
    [InlineData(EccLevel.Q, 50, 600, null)]
    [InlineData(EccLevel.L, 25, 150, "summer_sale")]
    [InlineData(EccLevel.M, 30, 300, "Scan me: summer_sale")]
    [InlineData(EccLevel.H, 80, 300, "A long caption that wraps onto several lines, 60 chars max")]
    public void Png_Decodes_To_Exactly_The_Link(EccLevel ecc, double sizeMm, int dpi, string? caption)
    {
        var png = QrRenderer.Png(Link, new QrOptions(sizeMm, dpi, ecc, Caption: caption));

        Assert.Equal([Link], Tools.DecodeQr(png));
    }

    [Theory]
    [InlineData(30, 300)]
    [InlineData(20, 300)]
    [InlineData(25.4, 72)]
    [InlineData(50, 600)]
    [InlineData(100, 1200)]
    [InlineData(12.5, 150)]
    public void Png_Is_The_Requested_Print_Size_And_Says_Its_Dpi(double sizeMm, int dpi)
    {
        var png = PngFile.Read(QrRenderer.Png(Link, new QrOptions(sizeMm, dpi)));

        var target = (int)Math.Round(sizeMm / 25.4 * dpi, MidpointRounding.AwayFromZero);
        Assert.Equal(target, png.Width);
        Assert.Equal(target, png.Height);
        Assert.Equal((int)Math.Round(dpi / 0.0254), png.PixelsPerMetre);
        Assert.Equal(dpi, (int)Math.Round(png.Dpi!.Value));
    }

    [Theory]
    [InlineData(30, 300, 4)]
    [InlineData(20, 300, 2)]
    [InlineData(50, 600, 0)]
    [InlineData(12.5, 150, 10)]
    public void Modules_Are_Whole_Pixels_And_The_Quiet_Zone_Is_At_Least_As_Asked(double sizeMm, int dpi, int quietZone)
    {
        var options = new QrOptions(sizeMm, dpi, QuietZoneModules: quietZone);
        var png = PngFile.Read(QrRenderer.Png(Link, options));
        var expected = QrRenderer.Modules(Link, options.Ecc);
        var size = expected.Length;

        var modules = png.Modules(size, out var pixelsPerModule);

        var target = (int)Math.Round(sizeMm / 25.4 * dpi, MidpointRounding.AwayFromZero);
        Assert.Equal(Math.Max(1, target / (size + (2 * quietZone))), pixelsPerModule);
        Assert.Equal(expected, modules);

        var (top, left) = png.FirstDark();
        Assert.True(left >= quietZone * pixelsPerModule, "left quiet zone too narrow");
        Assert.True(top >= quietZone * pixelsPerModule, "top quiet zone too narrow");
        Assert.True(png.Width - left - (size * pixelsPerModule) >= quietZone * pixelsPerModule, "right quiet zone too narrow");

        // The code fills the image up to less than one module's worth of pixels on each axis.
        Assert.True(png.Width - ((size + (2 * quietZone)) * pixelsPerModule) < size + (2 * quietZone));
    }

    [Fact]
    public void A_Code_Too_Dense_For_The_Size_Still_Gets_One_Pixel_Per_Module()
    {
        var longLink = "https://ig.me/m/brand?ref=" + new string('a', 300);
        var options = new QrOptions(SizeMm: 10, Dpi: 72, Ecc: EccLevel.L);
        var size = QrRenderer.Modules(longLink, EccLevel.L).Length;

        var png = PngFile.Read(QrRenderer.Png(longLink, options));

        Assert.Equal(size + 8, png.Width);
        Assert.Equal(72, (int)Math.Round(png.Dpi!.Value));
    }

    [Fact]
    public void Caption_Goes_In_A_White_Band_Under_An_Unchanged_Code()
    {
        var plain = PngFile.Read(QrRenderer.Png(Link, new QrOptions()));
        var captioned = PngFile.Read(QrRenderer.Png(Link, new QrOptions(Caption: "summer_sale")));

        Assert.Equal(plain.Width, captioned.Width);
        Assert.True(captioned.Height > plain.Height);
        for (var y = 0; y < plain.Height; y++)
        {
            for (var x = 0; x < plain.Width; x++)
            {
                Assert.Equal(plain.Dark[y, x], captioned.Dark[y, x]);
            }
        }

        Assert.True(captioned.DarkPixels(plain.Height, captioned.Height) > 0, "the caption band has no text");
        Assert.Equal(0, captioned.DarkPixels(captioned.Height - 1, captioned.Height));
    }

    [Fact]
    public void Caption_Text_Stays_Four_Modules_Clear_Of_The_Code_Even_Without_A_Quiet_Zone()
    {
        var options = new QrOptions(QuietZoneModules: 0, Caption: "summer_sale");
        var png = PngFile.Read(QrRenderer.Png(Link, options));
        var size = QrRenderer.Modules(Link, options.Ecc).Length;
        var modules = png.Modules(size, out var pixelsPerModule);
        var (top, _) = png.FirstDark();
        var codeBottom = top + (size * pixelsPerModule);

        Assert.True(modules[size - 1][0], "bottom-left finder pattern missing");
        Assert.Equal(0, png.DarkPixels(codeBottom, codeBottom + (4 * pixelsPerModule)));
        Assert.Equal([Link], Tools.DecodeQr(QrRenderer.Png(Link, options)));
    }

    [Fact]
    public void A_Longer_Caption_Wraps_Onto_More_Lines()
    {
        var one = PngFile.Read(QrRenderer.Png(Link, new QrOptions(Caption: "spring")));
        var several = PngFile.Read(QrRenderer.Png(Link, new QrOptions(Caption: "spring summer autumn winter and all the days in between")));

        Assert.True(several.Height > one.Height);
    }

    [Fact]
    public void Default_Options_Are_Valid()
    {
        Assert.Null(QrRenderer.Validate(new QrOptions()));
        Assert.Null(QrRenderer.Validate(new QrOptions(10, 72, EccLevel.H, 0, new string('x', 60))));
        Assert.Null(QrRenderer.Validate(new QrOptions(500, 1200, EccLevel.L, 10)));
    }

    [Theory]
    [InlineData(9.9, 300, 4, null, "Size must be between 10 and 500 mm.")]
    [InlineData(500.1, 300, 4, null, "Size must be between 10 and 500 mm.")]
    [InlineData(double.NaN, 300, 4, null, "Size must be between 10 and 500 mm.")]
    [InlineData(30, 71, 4, null, "Resolution must be between 72 and 1200 DPI.")]
    [InlineData(30, 1201, 4, null, "Resolution must be between 72 and 1200 DPI.")]
    [InlineData(30, 300, -1, null, "The quiet zone must be 0 to 10 modules; scanners want 4.")]
    [InlineData(30, 300, 11, null, "The quiet zone must be 0 to 10 modules; scanners want 4.")]
    [InlineData(30, 300, 4, "line one\nline two", "The caption must be one line of text, without control characters.")]
    public void Out_Of_Range_Options_Get_A_Reason_And_Are_Not_Rendered(double sizeMm, int dpi, int quietZone, string? caption, string reason)
    {
        var options = new QrOptions(sizeMm, dpi, EccLevel.M, quietZone, caption);

        Assert.Equal(reason, QrRenderer.Validate(options));
        Assert.Equal(reason + " (Parameter 'options')", Assert.Throws<ArgumentException>(() => QrRenderer.Png(Link, options)).Message);
        Assert.Throws<ArgumentException>(() => QrRenderer.Svg(Link, options));
    }

    [Fact]
    public void Captions_Over_Sixty_Characters_Are_Refused()
    {
        Assert.Equal("The caption is 61 characters; the limit is 60.", QrRenderer.Validate(new QrOptions(Caption: new string('x', 61))));
    }

    [Fact]
    public void Text_Too_Long_For_The_Error_Correction_Level_Gets_A_Reason()
    {
        var tooLong = "https://ig.me/m/brand?ref=" + new string('a', 2083);

        var error = Assert.Throws<ArgumentException>(() => QrRenderer.Png(tooLong, new QrOptions(Ecc: EccLevel.H)));

        Assert.Contains("error correction H", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Svg_Is_Sized_In_Millimetres_With_One_ViewBox_Unit_Per_Module()
    {
        var size = QrRenderer.Modules(Link, EccLevel.M).Length;
        var svg = XDocument.Parse(QrRenderer.Svg(Link, new QrOptions(SizeMm: 42.5))).Root!;

        Assert.Equal("42.5mm", svg.Attribute("width")!.Value);
        Assert.Equal("42.5mm", svg.Attribute("height")!.Value);
        Assert.Equal($"0 0 {size + 8} {size + 8}", svg.Attribute("viewBox")!.Value);
        var path = svg.Elements().Single(e => e.Name.LocalName == "path");
        Assert.Equal("crispEdges", path.Attribute("shape-rendering")!.Value);
        Assert.DoesNotContain(svg.Elements(), e => e.Name.LocalName == "text");
    }

    [Theory]
    [InlineData(EccLevel.L, 0)]
    [InlineData(EccLevel.M, 4)]
    [InlineData(EccLevel.H, 6)]
    public void Svg_Draws_The_Same_Dark_Modules_As_The_Png(EccLevel ecc, int quietZone)
    {
        var options = new QrOptions(Ecc: ecc, QuietZoneModules: quietZone, Caption: "summer_sale");
        var size = QrRenderer.Modules(Link, ecc).Length;
        var fromPng = PngFile.Read(QrRenderer.Png(Link, options)).Modules(size, out _);

        var fromSvg = SvgModules(QrRenderer.Svg(Link, options), size, quietZone);

        Assert.Equal(fromPng, fromSvg);
    }

    [Fact]
    public void Svg_Caption_Is_Escaped_Text_Under_The_Code()
    {
        var text = QrRenderer.Svg(Link, new QrOptions(Caption: "<b>Tom & \"Jerry\"</b>"));
        var svg = XDocument.Parse(text).Root!;

        Assert.DoesNotContain("<b>", text, StringComparison.Ordinal);
        var caption = svg.Elements().Where(e => e.Name.LocalName == "text").ToList();
        Assert.Equal("<b>Tom & \"Jerry\"</b>", string.Join(" ", caption.Select(e => e.Value)));

        var viewBox = svg.Attribute("viewBox")!.Value.Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        Assert.All(caption, e => Assert.True(double.Parse(e.Attribute("y")!.Value, CultureInfo.InvariantCulture) > viewBox[2], "caption overlaps the code"));
        Assert.True(viewBox[3] > viewBox[2]);

        // The band keeps the module scale: height in mm follows the viewBox's aspect ratio.
        var width = double.Parse(svg.Attribute("width")!.Value.TrimEnd('m'), CultureInfo.InvariantCulture);
        var height = double.Parse(svg.Attribute("height")!.Value.TrimEnd('m'), CultureInfo.InvariantCulture);
        Assert.Equal(viewBox[3] / viewBox[2], height / width, 2);
    }

    private static bool[][] SvgModules(string svg, int size, int quietZone)
    {
        var d = XDocument.Parse(svg).Root!.Elements().Single(e => e.Name.LocalName == "path").Attribute("d")!.Value;
        var modules = Enumerable.Range(0, size).Select(_ => new bool[size]).ToArray();
        var runs = Regex.Matches(d, @"M(\d+) (\d+)h(\d+)v1h-\3z");
        Assert.Equal(d.Length, runs.Sum(m => m.Length)); // nothing in the path but module runs
        foreach (Match run in runs)
        {
            var x = int.Parse(run.Groups[1].Value, CultureInfo.InvariantCulture) - quietZone;
            var y = int.Parse(run.Groups[2].Value, CultureInfo.InvariantCulture) - quietZone;
            for (var i = 0; i < int.Parse(run.Groups[3].Value, CultureInfo.InvariantCulture); i++)
            {
                modules[y][x + i] = true;
            }
        }

        return modules;
    }
}
