using System.Text.Json;
using ReferralStudio.Tests.Infrastructure;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Attribution;

/// <summary>Every way a referral reaches us, on each platform, ends up on the conversation.</summary>
public sealed class ArrivalFormTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly TestApp _app = fixture.App;
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-20T10:00:00Z");

    [Theory]
    [InlineData("SHORTLINKS")]
    [InlineData("SHORTLINK")]
    [InlineData("IGME_SOURCE_LINK")]
    [InlineData("IGME-SOURCE-LINK")]
    public async Task Instagram_Standalone_Referral_Attributes_Existing_Thread_And_Keeps_Source_Verbatim(string source)
    {
        var igsid = Unique("igsid");
        await _app.DeliverAsync(Instagram(Referral(igsid, T0, "summer_sale", source)));

        var conversation = await _app.ConversationOfAsync("instagram", igsid);
        Assert.Equal(InstagramAccount, conversation.Str("accountId"));
        var first = conversation.GetProperty("firstReferral");
        Assert.Equal("summer_sale", first.Str("ref"));
        Assert.Equal(source, first.Str("source"));
        Assert.Equal("OPEN_THREAD", first.Str("type"));
        Assert.Equal("standalone", first.Str("arrival"));
        Assert.Equal("summer_sale", conversation.GetProperty("metadata").GetProperty("referral").Str("ref"));
        Assert.Equal(T0 + TimeSpan.FromHours(24), conversation.GetProperty("windowExpiresAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Instagram_Referral_In_First_Message_Attributes_New_Thread()
    {
        var igsid = Unique("igsid");
        await _app.DeliverAsync(Instagram(Message(igsid, T0, "Hi!", RefLink("bio_link"))));

        var first = (await _app.ConversationOfAsync("instagram", igsid)).GetProperty("firstReferral");
        Assert.Equal("bio_link", first.Str("ref"));
        Assert.Equal("first_message", first.Str("arrival"));
    }

    [Fact]
    public async Task Instagram_Ice_Breaker_Postback_Referral_Attributes_With_Payload()
    {
        var igsid = Unique("igsid");
        await _app.DeliverAsync(Instagram(Postback(igsid, T0, "What's on sale?", "ICE_SALE", RefLink("qr_packaging"))));

        var first = (await _app.ConversationOfAsync("instagram", igsid)).GetProperty("firstReferral");
        Assert.Equal("qr_packaging", first.Str("ref"));
        Assert.Equal("postback", first.Str("arrival"));
        Assert.Equal("ICE_SALE", first.Str("payload"));
    }

    [Fact]
    public async Task Instagram_Ad_Referral_Keeps_Ad_Id_And_Context()
    {
        var igsid = Unique("igsid");
        await _app.DeliverAsync(Instagram(Message(igsid, T0, "Is this in stock?", AdReferral("ad-2001"))));

        var first = (await _app.ConversationOfAsync("instagram", igsid)).GetProperty("firstReferral");
        Assert.Null(first.Str("ref"));
        Assert.Equal("ad", first.Str("arrival"));
        Assert.Equal("ad-2001", first.Str("adId"));
        Assert.Equal("ADS", first.Str("source"));
        // A JSON object, not JSON text inside a string.
        var context = first.GetProperty("adsContextData");
        Assert.Equal(JsonValueKind.Object, context.ValueKind);
        Assert.Equal("Summer ad", context.Str("ad_title"));
    }

    [Fact]
    public async Task Messenger_Standalone_Referral_From_MMe_Link_Attributes_Existing_Thread()
    {
        var psid = Unique("psid");
        await _app.DeliverAsync(Messenger(Referral(psid, T0, "qr-store-berlin", "SHORTLINK", PageId)));

        var conversation = await _app.ConversationOfAsync("messenger", psid);
        Assert.Equal(PageId, conversation.Str("accountId"));
        Assert.Equal("qr-store-berlin", conversation.GetProperty("firstReferral").Str("ref"));
        Assert.Equal("standalone", conversation.GetProperty("firstReferral").Str("arrival"));
    }

    [Fact]
    public async Task Messenger_Get_Started_Postback_Referral_Attributes_New_Thread()
    {
        var psid = Unique("psid");
        await _app.DeliverAsync(Messenger(Postback(psid, T0, "Get Started", "GET_STARTED", RefLink("flyer_2026", "SHORT-URL"), PageId)));

        var first = (await _app.ConversationOfAsync("messenger", psid)).GetProperty("firstReferral");
        Assert.Equal("flyer_2026", first.Str("ref"));
        Assert.Equal("postback", first.Str("arrival"));
        Assert.Equal("SHORT-URL", first.Str("source"));
        Assert.Equal("GET_STARTED", first.Str("payload"));
    }

    [Fact]
    public async Task Messenger_Click_To_Messenger_Ad_In_First_Message_Attributes_By_Ad()
    {
        var psid = Unique("psid");
        await _app.DeliverAsync(Messenger(Message(psid, T0, "Hello", AdReferral("ad-77", "ctm_winter"), PageId)));

        var first = (await _app.ConversationOfAsync("messenger", psid)).GetProperty("firstReferral");
        Assert.Equal("ctm_winter", first.Str("ref"));
        Assert.Equal("ad", first.Str("arrival"));
        Assert.Equal("ad-77", first.Str("adId"));
    }

    [Fact]
    public async Task Messenger_Chat_Plugin_Referral_Uses_User_Ref_As_Participant()
    {
        var userRef = Unique("user-ref");
        var body = Messenger(new
        {
            sender = new { user_ref = userRef },
            recipient = new { id = PageId },
            timestamp = Ms(T0),
            referral = new { @ref = "pricing_page", source = "CUSTOMER_CHAT_PLUGIN", type = "OPEN_THREAD", referer_uri = "https://shop.example/pricing" },
        });
        await _app.DeliverAsync(body);

        var first = (await _app.ConversationOfAsync("messenger", userRef)).GetProperty("firstReferral");
        Assert.Equal("pricing_page", first.Str("ref"));
        Assert.Equal("https://shop.example/pricing", first.Str("refererUri"));
        Assert.Equal("CUSTOMER_CHAT_PLUGIN", first.Str("source"));
    }

    [Fact]
    public async Task Shops_Product_Referral_Without_Ref_Is_Context_Not_A_Campaign_Touch()
    {
        var psid = Unique("psid");
        var body = Messenger(new
        {
            sender = new { id = psid },
            recipient = new { id = PageId },
            timestamp = Ms(T0),
            message = new { mid = Unique("mid"), text = "About this product", referral = new { product = new { id = "prod-9" } } },
        });
        await _app.DeliverAsync(body);

        var conversation = await _app.ConversationOfAsync("messenger", psid);
        Assert.Equal(JsonValueKind.Null, conversation.GetProperty("firstReferral").ValueKind);
        Assert.Equal(JsonValueKind.Null, conversation.GetProperty("metadata").GetProperty("referral").ValueKind);
        var history = conversation.GetProperty("referrals");
        Assert.Equal(1, history.GetArrayLength());
        Assert.Equal("prod-9", history[0].Str("productId"));
        Assert.False(history[0].GetProperty("campaignTouch").GetBoolean());
    }

    [Fact]
    public async Task WhatsApp_Click_To_WhatsApp_Ad_Keeps_Source_Id_As_Ad_Id_And_Click_Id()
    {
        var from = "4915" + Random.Shared.NextInt64(100000000, 999999999);
        await _app.DeliverAsync(WhatsAppWithContact(from, "Sheena Nelson", WhatsAppText(from, T0, "Hi, I saw your ad", CtwaReferral("120200000001", "ARAkLkA8rmlFeiCktEJQ-QTwRiyYHAFDLMNDBH0CD3qpjd0HR4irJ6LEkR7JwFF4XvnO2E4Nx0-eM-ZABe1"))));

        var conversation = await _app.ConversationOfAsync("whatsapp", from);
        Assert.Equal(PhoneNumberId, conversation.Str("accountId"));
        Assert.Equal("Sheena Nelson", conversation.Str("participantName"));
        var first = conversation.GetProperty("firstReferral");
        Assert.Null(first.Str("ref"));
        Assert.Equal("ad", first.Str("arrival"));
        Assert.Equal("120200000001", first.Str("adId"));
        Assert.Equal("120200000001", first.Str("sourceId"));
        Assert.Equal("ad", first.Str("sourceType"));
        Assert.Equal("https://fb.me/3cr4Wqqkv", first.Str("sourceUrl"));
        Assert.Equal("Summer", first.Str("headline"));
        Assert.StartsWith("ARAkLkA8", first.Str("ctwaClid"));
        Assert.True(first.GetProperty("campaignTouch").GetBoolean());
    }

    [Fact]
    public async Task WhatsApp_Status_Ad_Without_Click_Id_Is_Still_An_Ad_Touch()
    {
        var from = "4916" + Random.Shared.NextInt64(100000000, 999999999);
        await _app.DeliverAsync(WhatsApp(WhatsAppText(from, T0, "Hi", CtwaReferral("120200000002", null))));

        var first = (await _app.ConversationOfAsync("whatsapp", from)).GetProperty("firstReferral");
        Assert.Equal("120200000002", first.Str("adId"));
        Assert.False(first.TryGetProperty("ctwaClid", out _));
    }

    [Fact]
    public async Task WhatsApp_Organic_WaMe_Code_Is_Read_From_The_First_Text_Only()
    {
        var from = "4917" + Random.Shared.NextInt64(100000000, 999999999);
        await _app.DeliverAsync(WhatsApp(WhatsAppText(from, T0, "Hello! ref: spring_promo")));
        await _app.DeliverAsync(WhatsApp(WhatsAppText(from, T0.AddMinutes(5), "Also ref=other_code")));

        var conversation = await _app.ConversationOfAsync("whatsapp", from);
        var history = conversation.GetProperty("referrals");
        Assert.Equal(1, history.GetArrayLength());
        Assert.Equal("spring_promo", history[0].Str("ref"));
        Assert.Equal("prefilled_text", history[0].Str("arrival"));
        Assert.Equal("spring_promo", conversation.GetProperty("firstReferral").Str("ref"));
        Assert.Equal(T0.AddMinutes(5).AddHours(24), conversation.GetProperty("windowExpiresAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Standby_Referral_Is_Recorded_As_Passive()
    {
        var psid = Unique("psid");
        await _app.DeliverAsync(Envelope("page", StandbyEntry(PageId, Referral(psid, T0, "handover_promo", "SHORTLINK", PageId))));

        var first = (await _app.ConversationOfAsync("messenger", psid)).GetProperty("firstReferral");
        Assert.Equal("handover_promo", first.Str("ref"));
        Assert.True(first.GetProperty("passive").GetBoolean());
    }

    [Fact]
    public async Task Later_Referral_Becomes_Latest_While_First_Touch_Stays()
    {
        var igsid = Unique("igsid");
        await _app.DeliverAsync(Instagram(Message(igsid, T0, "Hi", RefLink("first_campaign"))));
        await _app.DeliverAsync(Instagram(Referral(igsid, T0.AddDays(2), "second_campaign")));
        await _app.DeliverAsync(Instagram(Message(igsid, T0.AddDays(2).AddMinutes(1), "and a plain message")));

        var conversation = await _app.ConversationOfAsync("instagram", igsid);
        Assert.Equal("first_campaign", conversation.GetProperty("firstReferral").Str("ref"));
        var metadata = conversation.GetProperty("metadata");
        Assert.Equal("second_campaign", metadata.GetProperty("referral").Str("ref"));
        Assert.Equal(T0.AddDays(2), metadata.GetProperty("lastReferralAt").GetDateTimeOffset());
        Assert.Equal(["first_campaign", "second_campaign"], conversation.GetProperty("referrals").EnumerateArray().Select(r => r.Str("ref")!).ToArray());
        Assert.Equal(T0.AddDays(2).AddMinutes(1).AddHours(24), conversation.GetProperty("windowExpiresAt").GetDateTimeOffset());
    }
}
