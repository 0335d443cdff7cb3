using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml.Linq;
using ReferralStudio.Links;
using ReferralStudio.Triggers.Matching;
using ReferralStudio.Webhooks.Parsing;

namespace ReferralStudio.Tests.Links;

public class AffiliateKitTests
{
    private static readonly KitOptions InstagramKit = new("instagram", InstagramUsername: "brand");

    [Fact]
    public void Duplicate_Names_Get_Numbered_Codes_Ignoring_Case()
    {
        var codes = AffiliateKit.Codes(["Anna", "anna", "Anna!"], "collab_");

        Assert.Equal(["collab_anna", "collab_anna_2", "collab_anna_3"], codes.Select(e => e.Code));
        Assert.Equal(["Anna", "anna", "Anna!"], codes.Select(e => e.Name));
    }

    [Fact]
    public void A_Numbered_Code_Never_Takes_A_Code_Already_Given()
    {
        var codes = AffiliateKit.Codes(["Anna", "Anna 2", "Anna", "ANNA"], "");

        Assert.Equal(["anna", "anna_2", "anna_3", "anna_4"], codes.Select(e => e.Code));
    }

    [Fact]
    public void Duplicates_Are_Found_Whatever_The_Prefix_Case()
    {
        var codes = AffiliateKit.Codes(["Anna", "ANNA"], "Collab_");

        Assert.Equal(["Collab_anna", "Collab_anna_2"], codes.Select(e => e.Code));
    }

    [Theory]
    [InlineData("Zoë Ødegård", "zoe_odegard")]
    [InlineData("Jürgen Groß", "jurgen_gross")]
    [InlineData("Ñandú Çağla", "nandu_cagla")]
    [InlineData("Łukasz Đorđević", "lukasz_dordevic")]
    [InlineData("Æsa Œuvre", "aesa_oeuvre")]
    [InlineData("Åsa Sørensen", "asa_sorensen")]
    [InlineData("François-Xavier", "francois-xavier")]
    [InlineData("Nguyễn Thị Hương", "nguyen_thi_huong")]
    [InlineData("Ștefan Țurcanu", "stefan_turcanu")]
    [InlineData("Rene\u0301e", "renee")]
    [InlineData("İlkay", "ilkay")]
    public void Accented_Names_Become_Their_Plain_Letters(string name, string code)
    {
        Assert.Equal(code, AffiliateKit.Codes([name], "").Single().Code);
    }

    [Theory]
    [InlineData("Jean - Luc", "jean_luc")]
    [InlineData("jean--luc", "jean-luc")]
    [InlineData("  __Anna__  ", "anna")]
    [InlineData("-Anna-", "anna")]
    [InlineData("O'Brien", "obrien")]
    [InlineData("Dr. Who", "dr_who")]
    [InlineData("Tom & Jerry", "tom_jerry")]
    [InlineData("anna@example.com", "annaexample_com")]
    [InlineData("Mary\tJane", "mary_jane")]
    [InlineData("Bob 🎸 Smith", "bob_smith")]
    public void Separators_Become_One_Underscore_And_Other_Symbols_Are_Dropped(string name, string code)
    {
        Assert.Equal(code, AffiliateKit.Codes([name], "").Single().Code);
    }

    [Fact]
    public void Names_With_Nothing_Usable_Get_A_Numbered_Placeholder()
    {
        var codes = AffiliateKit.Codes(["李小龙", "Anna", "😀", "!!!"], "collab_");

        Assert.Equal(["collab_affiliate1", "collab_anna", "collab_affiliate3", "collab_affiliate4"], codes.Select(e => e.Code));
    }

    [Fact]
    public void Blank_Names_Are_Skipped_And_Names_Are_Trimmed()
    {
        var codes = AffiliateKit.Codes(["  Anna  ", "", "   ", "Ben"], "");

        Assert.Equal([new KitEntry("Anna", "anna"), new KitEntry("Ben", "ben")], codes);
    }

    [Fact]
    public void Very_Long_Names_Are_Cut_So_Every_Code_Is_A_Valid_Ref()
    {
        var prefix = new string('p', 100);
        var name = string.Join(" ", Enumerable.Repeat("Anna", 1000));

        var codes = AffiliateKit.Codes([name, name, name], prefix);

        Assert.All(codes, e => Assert.Null(RefValidator.Validate(e.Code)));
        Assert.Equal(RefValidator.MaxLength, codes[0].Code.Length);
        Assert.EndsWith("_2", codes[1].Code, StringComparison.Ordinal);
        Assert.EndsWith("_3", codes[2].Code, StringComparison.Ordinal);
        Assert.Equal(3, codes.Select(e => e.Code).Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Theory]
    [InlineData("collab_", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    [InlineData("collab*", "ref contains '*' at position 7; allowed: A-Z a-z 0-9 _ - =")]
    [InlineData("my prefix", "ref contains U+0020 at position 3; allowed: A-Z a-z 0-9 _ - =")]
    public void Prefixes_Use_The_Ref_Alphabet(string? prefix, string? reason)
    {
        Assert.Equal(reason, AffiliateKit.ValidatePrefix(prefix));
    }

    [Fact]
    public void Prefixes_Are_At_Most_A_Hundred_Characters()
    {
        Assert.Null(AffiliateKit.ValidatePrefix(new string('a', 100)));
        Assert.Equal("The prefix is 101 characters; the limit is 100.", AffiliateKit.ValidatePrefix(new string('a', 101)));
        Assert.Throws<ArgumentException>(() => AffiliateKit.Codes(["Anna"], new string('a', 101)));
    }

    [Fact]
    public void A_Kit_With_A_Prefix_Suggests_One_Pattern_That_Covers_It()
    {
        Assert.Equal("collab_*", AffiliateKit.SuggestPattern("collab_"));
        Assert.Null(PatternRules.Validate(AffiliateKit.SuggestPattern("collab_")));
        Assert.Null(AffiliateKit.SuggestPattern(""));
    }

    [Fact]
    public void Pasted_Lines_Are_Names_Whatever_The_Line_Endings()
    {
        var list = AffiliateKit.ParseNames("Anna\r\nBen\n\n  Chloé  \r\n\r\n");

        Assert.Null(list.Error);
        Assert.Equal(["Anna", "Ben", "Chloé"], list.Names);
    }

    [Fact]
    public void A_Csv_With_A_Name_Header_Uses_That_Column_And_Understands_Quotes()
    {
        var list = AffiliateKit.ParseNames("\uFEFFemail,Full name,handle\r\nanna@x.com,\"Doe, Jane\",@jane\r\nben@x.com,\"Ben \"\"Benny\"\" Ng\",@ben\r\nc@x.com,,@c\r\n");

        Assert.Equal(["Doe, Jane", "Ben \"Benny\" Ng"], list.Names);
    }

    [Fact]
    public void A_Semicolon_Csv_From_Excel_Is_Read_Too()
    {
        var list = AffiliateKit.ParseNames("\uFEFFName;Email\r\nZoë;zoe@x.com\r\n\"Smith; John\";j@x.com\r\n");

        Assert.Equal(["Zoë", "Smith; John"], list.Names);
    }

    [Fact]
    public void A_Column_Copied_From_A_Spreadsheet_Is_Read_Too()
    {
        var list = AffiliateKit.ParseNames("Handle\tName\n@anna\tAnna\n@ben\tBen Ng\n");

        Assert.Equal(["Anna", "Ben Ng"], list.Names);
    }

    [Fact]
    public void Without_A_Header_Each_Line_Gives_Its_First_Field()
    {
        var list = AffiliateKit.ParseNames("Nameeta,nameeta@x.com\nAnna,anna@x.com\n\"Doe, Jane\",jane@x.com");

        Assert.Equal(["Nameeta", "Anna", "Doe, Jane"], list.Names);
    }

    [Fact]
    public void A_Quoted_Name_Over_Two_Lines_Becomes_One_Line()
    {
        var list = AffiliateKit.ParseNames("name\n\"Anna\nMaria\"\nBen");

        Assert.Equal(["Anna Maria", "Ben"], list.Names);
    }

    [Fact]
    public void More_Than_Five_Thousand_Names_Are_Refused_With_A_Reason()
    {
        var atLimit = AffiliateKit.ParseNames(string.Join("\n", Enumerable.Range(1, 5000).Select(i => $"Person {i}")));
        var over = AffiliateKit.ParseNames(string.Join("\n", Enumerable.Range(1, 5001).Select(i => $"Person {i}")));

        Assert.Null(atLimit.Error);
        Assert.Equal(5000, atLimit.Names.Count);
        Assert.Equal("The list has 5,001 names; the limit is 5,000 per kit. Split it into smaller lists.", over.Error);
        Assert.Empty(over.Names);
    }

    [Fact]
    public void The_Zip_Holds_A_Png_And_Svg_Per_Code_Plus_The_Csv_And_Readme()
    {
        var entries = AffiliateKit.Codes(["Anna", "anna", "Zoë"], "collab_");

        using var zip = Open(AffiliateKit.Zip(entries, InstagramKit));

        Assert.Equal(
            new[]
            {
                "README.txt", "codes.csv",
                "qr/collab_anna.png", "qr/collab_anna.svg",
                "qr/collab_anna_2.png", "qr/collab_anna_2.svg",
                "qr/collab_zoe.png", "qr/collab_zoe.svg",
            }.Order(StringComparer.Ordinal),
            zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        var readme = Text(zip, "README.txt");
        Assert.Contains("codes.csv:", readme, StringComparison.Ordinal);
        Assert.Contains("qr/<code>.png:", readme, StringComparison.Ordinal);
        Assert.Contains("qr/<code>.svg:", readme, StringComparison.Ordinal);
        Assert.Contains(TrackingNotes.Instagram, readme, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_Png_In_The_Zip_Scans_To_That_Affiliates_Link()
    {
        var entries = AffiliateKit.Codes(["Anna", "Ben Ng"], "collab_");

        using var zip = Open(AffiliateKit.Zip(entries, InstagramKit with { Qr = new QrOptions(Ecc: EccLevel.H) }));

        Assert.Equal(["https://ig.me/m/brand?ref=collab_anna"], Tools.DecodeQr(Bytes(zip, "qr/collab_anna.png")));
        Assert.Equal(["https://ig.me/m/brand?ref=collab_ben_ng"], Tools.DecodeQr(Bytes(zip, "qr/collab_ben_ng.png")));
        Assert.Equal(
            QrRenderer.Svg("https://ig.me/m/brand?ref=collab_ben_ng", new QrOptions(Ecc: EccLevel.H, Caption: "collab_ben_ng")),
            Text(zip, "qr/collab_ben_ng.svg"));
    }

    [Fact]
    public void A_WhatsApp_Kit_Scans_To_A_Message_The_Receiver_Reads_The_Code_From()
    {
        var entries = AffiliateKit.Codes(["Anna"], "collab_");
        var options = new KitOptions("whatsapp", WhatsAppNumber: "+44 7700 900123", WhatsAppTemplate: "Hello! ref: {ref} (from the leaflet)");

        using var zip = Open(AffiliateKit.Zip(entries, options));

        var link = Assert.Single(Tools.DecodeQr(Bytes(zip, "qr/collab_anna.png")));
        Assert.StartsWith("https://wa.me/447700900123?text=", link, StringComparison.Ordinal);
        var text = Uri.UnescapeDataString(link[(link.IndexOf('=') + 1)..]);
        Assert.Equal("Hello! ref: collab_anna (from the leaflet)", text);
        Assert.Equal("collab_anna", new PrefilledTextRefExtractor(PrefilledTextRefExtractor.DefaultPattern).Extract(text));
    }

    [Fact]
    public void The_Csv_Lists_Name_Code_And_A_Link_Per_Account_Given()
    {
        var entries = AffiliateKit.Codes(["Doe, Jane", "Ben"], "collab_");
        var options = new KitOptions("messenger", InstagramUsername: "brand", MessengerPage: "brandpage", WhatsAppNumber: "+447700900123");

        using var zip = Open(AffiliateKit.Zip(entries, options));
        var bytes = Bytes(zip, "codes.csv");

        Assert.Equal(Encoding.UTF8.Preamble.ToArray(), bytes[..3]); // so Excel reads accented names as UTF-8
        Assert.Equal(
            "name,code,link,instagram_link,messenger_link,whatsapp_link\r\n"
            + "\"Doe, Jane\",collab_doe_jane,https://m.me/brandpage?ref=collab_doe_jane,https://ig.me/m/brand?ref=collab_doe_jane,https://m.me/brandpage?ref=collab_doe_jane,https://wa.me/447700900123?text=Hi%21%20ref%3A%20collab_doe_jane\r\n"
            + "Ben,collab_ben,https://m.me/brandpage?ref=collab_ben,https://ig.me/m/brand?ref=collab_ben,https://m.me/brandpage?ref=collab_ben,https://wa.me/447700900123?text=Hi%21%20ref%3A%20collab_ben\r\n",
            Encoding.UTF8.GetString(bytes[3..]));
    }

    [Fact]
    public void Csv_Cells_That_A_Spreadsheet_Would_Run_As_Formulas_Are_Neutralised()
    {
        var entries = new[]
        {
            new KitEntry("=HYPERLINK(\"http://evil.example\",\"click\")", "a1"),
            new KitEntry("+1 555", "a2"),
            new KitEntry("-2+3", "a3"),
            new KitEntry("@SUM(A1)", "a4"),
            new KitEntry("Anna", "-anna"),
        };

        using var zip = Open(AffiliateKit.Zip(entries, InstagramKit));
        var lines = Text(zip, "codes.csv").TrimStart('\uFEFF').Split("\r\n");

        Assert.Equal("name,code,link,instagram_link", lines[0]);
        Assert.Equal("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\",a1,https://ig.me/m/brand?ref=a1,https://ig.me/m/brand?ref=a1", lines[1]);
        Assert.StartsWith("'+1 555,", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("'-2+3,", lines[3], StringComparison.Ordinal);
        Assert.StartsWith("'@SUM(A1),", lines[4], StringComparison.Ordinal);
        Assert.StartsWith("Anna,'-anna,", lines[5], StringComparison.Ordinal);
    }

    [Fact]
    public void Captions_Show_The_Code_The_Name_Or_Nothing()
    {
        var entries = AffiliateKit.Codes(["Anna"], "collab_");

        PngFile Png(KitCaption caption)
        {
            using var zip = Open(AffiliateKit.Zip(entries, InstagramKit with { Caption = caption }));
            return PngFile.Read(Bytes(zip, "qr/collab_anna.png"));
        }

        var none = Png(KitCaption.None);
        Assert.Equal(none.Width, none.Height);
        Assert.True(Png(KitCaption.Code).Height > none.Height);
        Assert.True(Png(KitCaption.Name).Height > none.Height);

        using var zip = Open(AffiliateKit.Zip(entries, InstagramKit));
        Assert.Contains(">collab_anna</text>", Text(zip, "qr/collab_anna.svg"), StringComparison.Ordinal);
        using var byName = Open(AffiliateKit.Zip(entries, InstagramKit with { Caption = KitCaption.Name }));
        Assert.Contains(">Anna</text>", Text(byName, "qr/collab_anna.svg"), StringComparison.Ordinal);
    }

    [Fact]
    public void Kit_Captions_Never_Split_A_Code()
    {
        // Short and long codes, some wider than a line at the usual caption size under a 30 mm code.
        var entries = AffiliateKit.Codes(["Anna", "Jean-Luc Picard", "Maximilian Ober", "Zoë Ødegård 2026"], "collab_");

        using var zip = Open(AffiliateKit.Zip(entries, InstagramKit));

        var oneLine = PngFile.Read(QrRenderer.Png("https://ig.me/m/brand?ref=collab_anna", new QrOptions(Caption: "Ay")));
        var fontSizes = new List<double>();
        foreach (var entry in entries)
        {
            var svg = XDocument.Parse(Text(zip, $"qr/{entry.Code}.svg")).Root!;
            var text = Assert.Single(svg.Elements(), e => e.Name.LocalName == "text");
            Assert.Equal(entry.Code, text.Value);
            fontSizes.Add(double.Parse(text.Attribute("font-size")!.Value, CultureInfo.InvariantCulture));

            // Two lines, even at the smallest size a code shrinks to, make a taller band than one line at the usual size.
            Assert.True(PngFile.Read(Bytes(zip, $"qr/{entry.Code}.png")).Height <= oneLine.Height, $"{entry.Code} takes more than one line");
        }

        Assert.True(fontSizes.Max() > fontSizes.Min(), "no code needed a smaller font, so the test shows nothing");
    }

    [Fact]
    public void Name_Captions_The_Font_Cannot_Print_Are_Refused_Naming_Name_And_Character()
    {
        var entries = AffiliateKit.Codes(["Anna", "Bob 🎸 Smith", "李小龙", "Zoë"], "collab_");
        var byName = InstagramKit with { Caption = KitCaption.Name };

        var error = AffiliateKit.ValidateCaptions(entries, KitCaption.Name);

        Assert.Equal("caption", error?.Field);
        Assert.Equal("The caption font has no glyph for 🎸 (U+1F3B8) in the name \"Bob 🎸 Smith\" (and 1 more names); caption the codes instead, or edit the names.", error?.Reason);
        Assert.Equal(error!.Reason + " (Parameter 'entries')", Assert.Throws<ArgumentException>(() => AffiliateKit.Zip(entries, byName)).Message);
        Assert.Null(AffiliateKit.ValidateCaptions(entries, KitCaption.Code));
        Assert.NotEmpty(AffiliateKit.Zip(entries, InstagramKit));
    }

    [Fact]
    public void The_Same_Kit_Always_Gives_The_Same_Bytes()
    {
        var entries = AffiliateKit.Codes(["Anna", "Ben"], "collab_");

        Assert.Equal(AffiliateKit.Zip(entries, InstagramKit), AffiliateKit.Zip(entries, InstagramKit));
    }

    [Theory]
    [InlineData("tiktok", "brand", null, "platform")]
    [InlineData("whatsapp", "brand", null, "whatsAppNumber")]
    [InlineData("instagram", "bad name", null, "instagramUsername")]
    [InlineData("instagram", "brand", "00", "whatsAppNumber")]
    public void Kit_Options_Name_The_Field_At_Fault(string platform, string instagram, string? whatsApp, string field)
    {
        var options = new KitOptions(platform, InstagramUsername: instagram, WhatsAppNumber: whatsApp);

        Assert.Equal(field, AffiliateKit.Validate(options)?.Field);
        Assert.Throws<ArgumentException>(() => AffiliateKit.Zip([new KitEntry("Anna", "anna")], options));
    }

    [Fact]
    public void A_Kit_Refuses_Two_Entries_With_The_Same_Code()
    {
        Assert.Throws<ArgumentException>(() => AffiliateKit.Zip([new KitEntry("Anna", "anna"), new KitEntry("ANNA", "ANNA")], InstagramKit));
    }

    private static ZipArchive Open(byte[] zip) => new(new MemoryStream(zip), ZipArchiveMode.Read);

    private static byte[] Bytes(ZipArchive zip, string name)
    {
        using var stream = zip.GetEntry(name)!.Open();
        var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static string Text(ZipArchive zip, string name) => Encoding.UTF8.GetString(Bytes(zip, name));
}
