using ReferralStudio.Links;
using ReferralStudio.Platforms;
using ReferralStudio.Webhooks.Parsing;

namespace ReferralStudio.Tests.Links;

public class LinkBuilderTests
{
    [Fact]
    public void Instagram_Link_Opens_The_Profile_Chat_With_The_Code_As_Ref()
    {
        Assert.Equal("https://ig.me/m/brand.shop?ref=summer_sale", LinkBuilder.Instagram("brand.shop", "summer_sale"));
    }

    [Fact]
    public void Messenger_Link_Opens_The_Page_Chat_With_The_Code_As_Ref()
    {
        Assert.Equal("https://m.me/mybrandpage?ref=Summer-2026=a", LinkBuilder.Messenger("mybrandpage", "Summer-2026=a"));
    }

    [Fact]
    public void WhatsApp_Link_Uses_Digits_Only_And_Percent_Encodes_The_Text()
    {
        Assert.Equal(
            "https://wa.me/447700900123?text=Hi%21%20ref%3A%20summer_sale%20%26%20more",
            LinkBuilder.WhatsApp("+44 7700-900123", "Hi! ref: summer_sale & more"));
    }

    [Fact]
    public void Usernames_Copied_With_An_At_Sign_Or_Spaces_Still_Make_A_Link()
    {
        Assert.Equal("https://ig.me/m/brand?ref=a", LinkBuilder.Instagram(" @brand ", "a"));
        Assert.Equal("https://m.me/mybrand?ref=a", LinkBuilder.Messenger("@mybrand", "a"));
    }

    [Fact]
    public void WhatsApp_Text_Fills_The_Code_Into_The_Template_Or_The_Default()
    {
        Assert.Equal("Hi! ref: summer_sale", LinkBuilder.WhatsAppText(null, "summer_sale"));
        Assert.Equal("Code ref=x1 and again x1", LinkBuilder.WhatsAppText("Code ref={ref} and again {ref}", "x1"));
    }

    [Theory]
    [InlineData("brand")]
    [InlineData("brand.shop_2026")]
    [InlineData("a")]
    [InlineData("abcdefghijklmnopqrstuvwxyz1234")]
    [InlineData("@brand")]
    public void Valid_Instagram_Usernames_Are_Accepted(string username)
    {
        Assert.Null(LinkBuilder.ValidateInstagramUsername(username));
    }

    [Theory]
    [InlineData(null, "Enter the Instagram username.")]
    [InlineData("  ", "Enter the Instagram username.")]
    [InlineData("brand shop", "An Instagram username is 1 to 30 letters, digits, '.' or '_'.")]
    [InlineData("brand-shop", "An Instagram username is 1 to 30 letters, digits, '.' or '_'.")]
    [InlineData("brånd", "An Instagram username is 1 to 30 letters, digits, '.' or '_'.")]
    [InlineData("abcdefghijklmnopqrstuvwxyz12345", "An Instagram username is 1 to 30 letters, digits, '.' or '_'.")]
    [InlineData("brand/?ref=x", "An Instagram username is 1 to 30 letters, digits, '.' or '_'.")]
    public void Invalid_Instagram_Usernames_Get_A_Reason(string? username, string reason)
    {
        Assert.Equal(reason, LinkBuilder.ValidateInstagramUsername(username));
    }

    [Theory]
    [InlineData("mybrand", null)]
    [InlineData("my.brand.page", null)]
    [InlineData("abcd", "A Facebook Page username is 5 to 50 letters, digits or '.'.")]
    [InlineData("my_brand", "A Facebook Page username is 5 to 50 letters, digits or '.'.")]
    [InlineData("", "Enter the Facebook Page username.")]
    public void Page_Usernames_Are_Five_To_Fifty_Letters_Digits_Or_Dots(string username, string? reason)
    {
        Assert.Equal(reason, LinkBuilder.ValidatePageUsername(username));
    }

    [Fact]
    public void Page_Usernames_Longer_Than_Fifty_Are_Refused()
    {
        Assert.Null(LinkBuilder.ValidatePageUsername(new string('a', 50)));
        Assert.NotNull(LinkBuilder.ValidatePageUsername(new string('a', 51)));
    }

    [Theory]
    [InlineData("+447700900123", "+447700900123")]
    [InlineData("44 7700 900123", "+447700900123")]
    [InlineData("+1 (555) 010-9999", "+15550109999")]
    [InlineData("+12345678", "+12345678")]
    [InlineData("123456789012345", "+123456789012345")]
    public void Numbers_Typed_With_Spaces_Dashes_Or_Brackets_Normalise_To_E164(string typed, string e164)
    {
        Assert.Null(LinkBuilder.ValidateWhatsAppNumber(typed));
        Assert.Equal(e164, LinkBuilder.NormalizeE164(typed));
    }

    [Theory]
    [InlineData("", "Enter the WhatsApp number.")]
    [InlineData("07700 900123", "Start the number with the country code (for example +44), not 0.")]
    [InlineData("+1234567", "A WhatsApp number in international format has 8 to 15 digits, country code first; this one has 7.")]
    [InlineData("1234567890123456", "A WhatsApp number in international format has 8 to 15 digits, country code first; this one has 16.")]
    [InlineData("+44 77OO 900123", "A WhatsApp number has only digits, with an optional leading '+' (spaces, dashes and brackets are fine).")]
    [InlineData("++447700900123", "A WhatsApp number has only digits, with an optional leading '+' (spaces, dashes and brackets are fine).")]
    public void Invalid_WhatsApp_Numbers_Get_A_Reason_And_No_Normal_Form(string typed, string reason)
    {
        Assert.Equal(reason, LinkBuilder.ValidateWhatsAppNumber(typed));
        Assert.Null(LinkBuilder.NormalizeE164(typed));
    }

    [Fact]
    public void A_Pattern_Has_No_Single_Link()
    {
        Assert.Equal("A pattern matches many links, so it has no single URL or QR code.", LinkBuilder.ValidateCode("collab_*"));
        Assert.Throws<ArgumentException>(() => LinkBuilder.Instagram("brand", "collab_*"));
    }

    [Fact]
    public void Codes_Follow_The_Ref_Rules()
    {
        Assert.Null(LinkBuilder.ValidateCode("summer_sale-2026=A"));
        Assert.Equal("Enter a code.", LinkBuilder.ValidateCode(""));
        Assert.Equal(RefValidator.Validate("summer sale"), LinkBuilder.ValidateCode("summer sale"));
        Assert.NotNull(LinkBuilder.ValidateCode(new string('a', RefValidator.MaxLength + 1)));
    }

    [Fact]
    public void Link_Methods_Refuse_Input_That_Would_Make_A_Broken_Link()
    {
        Assert.Throws<ArgumentException>(() => LinkBuilder.Instagram("bad name", "a"));
        Assert.Throws<ArgumentException>(() => LinkBuilder.Messenger("abc", "a"));
        Assert.Throws<ArgumentException>(() => LinkBuilder.Instagram("brand", "a&b=c"));
        Assert.Throws<ArgumentException>(() => LinkBuilder.WhatsApp("0123", "hi"));
    }

    [Theory]
    [InlineData("instagram", "brand", "https://ig.me/m/brand?ref=spring")]
    [InlineData("messenger", "brandpage", "https://m.me/brandpage?ref=spring")]
    [InlineData("whatsapp", "+44 7700 900123", "https://wa.me/447700900123?text=Hi%21%20ref%3A%20spring")]
    public void Build_Makes_The_Link_For_Each_Platform(string platform, string account, string url)
    {
        var result = LinkBuilder.Build(platform, account, "spring");

        Assert.True(result.IsValid);
        Assert.Equal(url, result.Url);
    }

    [Theory]
    [InlineData("tiktok", "brand", "spring", null, "platform")]
    [InlineData("instagram", "bad name", "spring", null, "account")]
    [InlineData("messenger", "abc", "spring", null, "account")]
    [InlineData("whatsapp", "0044", "spring", null, "account")]
    [InlineData("instagram", "brand", "spring_*", null, "code")]
    [InlineData("instagram", "brand", "", null, "code")]
    [InlineData("whatsapp", "+447700900123", "spring", "My code is {ref}", "template")]
    public void Build_Names_The_Field_At_Fault(string platform, string account, string code, string? template, string field)
    {
        var result = LinkBuilder.Build(platform, account, code, template);

        Assert.False(result.IsValid);
        Assert.Null(result.Url);
        Assert.Equal(field, result.Field);
        Assert.False(string.IsNullOrWhiteSpace(result.Error));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Hi! ref: {ref}")]
    [InlineData("Hello, I saw your ad (REF={ref}) and have a question")]
    [InlineData("ref:{ref}")]
    [InlineData("Bonjour ! Réf ignored, ref : {ref}.")]
    public void Valid_Templates_Give_The_Receiver_Back_The_Exact_Code(string? template)
    {
        Assert.Null(LinkBuilder.ValidateWhatsAppTemplate(template));

        // What the person sends is the link's text; the receiver must find the code in it.
        var url = LinkBuilder.Build("whatsapp", "+447700900123", "Summer_Sale-2=", template).Url!;
        var sent = Uri.UnescapeDataString(url[(url.IndexOf("?text=", StringComparison.Ordinal) + 6)..]);
        Assert.Equal("Summer_Sale-2=", new PrefilledTextRefExtractor(PrefilledTextRefExtractor.DefaultPattern).Extract(sent));
    }

    [Theory]
    [InlineData("My code is {ref}", "The receiver finds the code after 'ref:' or 'ref='; keep 'ref: {ref}' in the text.")]
    [InlineData("Hi! preference: {ref}", "The receiver finds the code after 'ref:' or 'ref='; keep 'ref: {ref}' in the text.")]
    [InlineData("Hi!", "Put {ref} in the message where the code goes, for example 'Hi! ref: {ref}'.")]
    [InlineData("", "Put {ref} in the message where the code goes, for example 'Hi! ref: {ref}'.")]
    [InlineData("ref: {ref}please", "Put a space or punctuation right after {ref}; a letter or digit there would be read as part of the code.")]
    [InlineData("ref: {ref}é", "Put a space or punctuation right after {ref}; a letter or digit there would be read as part of the code.")]
    [InlineData("ref: {ref}_x", "Put a space or punctuation right after {ref}; a letter or digit there would be read as part of the code.")]
    [InlineData("Old ref: abc, new ref: {ref}", "The message has another 'ref:' before {ref}; the receiver reads only the first one.")]
    public void Templates_The_Receiver_Would_Misread_Get_A_Reason(string template, string reason)
    {
        Assert.Equal(reason, LinkBuilder.ValidateWhatsAppTemplate(template));
    }

    [Fact]
    public void Templates_Over_A_Thousand_Characters_Are_Refused()
    {
        var ok = "ref: {ref} " + new string('x', 989);
        Assert.Equal(1000, ok.Length);
        Assert.Null(LinkBuilder.ValidateWhatsAppTemplate(ok));
        Assert.Equal("The message is 1,001 characters; the limit is 1,000.", LinkBuilder.ValidateWhatsAppTemplate(ok + "x"));
    }

    [Theory]
    [InlineData("instagram", "ice breakers")]
    [InlineData("instagram", "Instagram app (not Instagram on the web)")]
    [InlineData("messenger", "Get Started button")]
    [InlineData("whatsapp", "edit or delete")]
    public void Each_Platform_Has_A_Plain_Note_On_What_Its_Link_Can_Carry(string platform, string phrase)
    {
        Assert.Contains(phrase, TrackingNotes.For(platform), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_Platform_Has_A_Tracking_Note_And_Unknown_Ones_Are_Refused()
    {
        Assert.All(PlatformNames.All, platform => Assert.False(string.IsNullOrWhiteSpace(TrackingNotes.For(platform))));
        Assert.Throws<ArgumentException>(() => TrackingNotes.For("tiktok"));
    }
}
