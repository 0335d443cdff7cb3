using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ReferralStudio.Platforms;
using ReferralStudio.Webhooks.Parsing;

namespace ReferralStudio.Tests.Webhooks.Parsing;

public class MetaPayloadParserTests
{
    private const string IgAccount = "17841400000000001";
    private const string Igsid = "1234567890123456";
    private const string PageId = "106540352242922";
    private const string Psid = "6543210987654321";
    private const long Ms = 1_700_000_000_000;
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeMilliseconds(Ms);

    // The JSON below is written by hand; "} }" appears where an interpolated raw string cannot hold "}}".
    private static ParseResult Parse(string json, int maxDepth = 64) => MetaPayloadParser.Parse(Encoding.UTF8.GetBytes(json), maxDepth);

    private static ParsedEvent Single(string json)
    {
        var result = Parse(json);
        Assert.Empty(result.Rejected);
        return Assert.Single(result.Events);
    }

    private static RejectedEvent SingleRejected(string json)
    {
        var result = Parse(json);
        Assert.Empty(result.Events);
        return Assert.Single(result.Rejected);
    }

    /// <summary>An Instagram or Messenger body with one entry whose messaging[] holds the given events.</summary>
    private static string Messaging(string obj, string accountId, params string[] events) =>
        $$"""{"object":"{{obj}}","entry":[{"id":"{{accountId}}","time":{{Ms}},"messaging":[{{string.Join(",", events)}}]}]}""";

    private static string Ig(params string[] events) => Messaging("instagram", IgAccount, events);

    private static string Page(params string[] events) => Messaging("page", PageId, events);

    private static string IgEvent(string body, long timestamp = Ms, string sender = Igsid) =>
        $$"""{"sender":{"id":"{{sender}}"},"recipient":{"id":"{{IgAccount}}"},"timestamp":{{timestamp}},{{body}}}""";

    private static string PageEvent(string body, long timestamp = Ms, string sender = Psid) =>
        $$"""{"sender":{"id":"{{sender}}"},"recipient":{"id":"{{PageId}}"},"timestamp":{{timestamp}},{{body}}}""";

    private static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    // ---- Instagram ------------------------------------------------------------------------------

    [Theory]
    [InlineData("SHORTLINKS")]
    [InlineData("SHORTLINK")]
    [InlineData("IGME_SOURCE_LINK")]
    [InlineData("IGME-SOURCE-LINK")]
    [InlineData("SHORT-URL")]
    public void Standalone_Instagram_Referral_Is_Parsed_With_Source_Verbatim(string source)
    {
        var ev = Single(Ig(IgEvent($$"""
            "referral":{"ref":"summer_sale","source":"{{source}}","type":"OPEN_THREAD"}
            """)));

        Assert.Equal(Platform.Instagram, ev.Platform);
        Assert.Equal(EventChannel.Messaging, ev.Channel);
        Assert.Equal(EventKind.Referral, ev.Kind);
        Assert.Equal(IgAccount, ev.AccountId);
        Assert.Equal(Igsid, ev.ParticipantId);
        Assert.Equal(At, ev.OccurredAt);
        Assert.Null(ev.MessageId);
        Assert.Null(ev.Text);
        var referral = Assert.IsType<ParsedReferral>(ev.Referral);
        Assert.Equal(ReferralArrival.Standalone, referral.Arrival);
        Assert.Equal("summer_sale", referral.Ref);
        Assert.Null(referral.RefRejection);
        Assert.Equal(source, referral.Source);
        Assert.Equal("OPEN_THREAD", referral.Type);
        Assert.True(referral.IsCampaignTouch);
        Assert.StartsWith("instagram:r:", ev.DedupKey);
    }

    [Fact]
    public void Instagram_Referral_In_First_Message_Arrives_As_First_Message()
    {
        var ev = Single(Ig(IgEvent("""
            "message":{"mid":"aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQx","text":"Hi, is this still available?",
                       "referral":{"ref":"spring_drop","source":"SHORTLINKS","type":"OPEN_THREAD"}}
            """)));

        Assert.Equal(EventKind.Message, ev.Kind);
        Assert.Equal("aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQx", ev.MessageId);
        Assert.Equal("Hi, is this still available?", ev.Text);
        Assert.Equal(ReferralArrival.FirstMessage, ev.Referral!.Arrival);
        Assert.Equal("spring_drop", ev.Referral.Ref);
        Assert.Equal("instagram:m:aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQx", ev.DedupKey);
    }

    [Fact]
    public void Instagram_Ice_Breaker_Postback_Carries_Referral_Title_And_Payload()
    {
        var ev = Single(Ig(IgEvent("""
            "postback":{"mid":"aWdfZAG1fpb1","title":"What are your opening hours?","payload":"ICE_HOURS",
                        "referral":{"ref":"store_window","source":"SHORTLINKS","type":"OPEN_THREAD"}}
            """)));

        Assert.Equal(EventKind.Postback, ev.Kind);
        Assert.Equal("aWdfZAG1fpb1", ev.MessageId);
        Assert.Equal("What are your opening hours?", ev.Text);
        Assert.Equal(ReferralArrival.Postback, ev.Referral!.Arrival);
        Assert.Equal("store_window", ev.Referral.Ref);
        Assert.Equal("ICE_HOURS", ev.Referral.Payload);
        Assert.Equal("instagram:p:aWdfZAG1fpb1", ev.DedupKey);
    }

    [Fact]
    public void Instagram_Ad_Message_Is_An_Ad_Arrival_With_Raw_Ads_Context()
    {
        var ev = Single(Ig(IgEvent("""
            "message":{"mid":"aWdfad1","text":"Interested!",
                       "referral":{"ad_id":"120200000000000001","source":"ADS","type":"OPEN_THREAD",
                                   "ads_context_data":{"ad_title":"Summer \u00e4 sale","photo_url":"https://example.com/p.jpg","post_id":"555"}}}
            """)));

        var referral = ev.Referral!;
        Assert.Equal(ReferralArrival.Ad, referral.Arrival);
        Assert.Equal("120200000000000001", referral.AdId);
        Assert.Equal("ADS", referral.Source);
        Assert.Null(referral.Ref);
        Assert.True(referral.IsCampaignTouch);
        using var context = JsonDocument.Parse(referral.AdsContextData!);
        Assert.Equal("Summer ä sale", context.RootElement.GetProperty("ad_title").GetString());
        Assert.Equal("555", context.RootElement.GetProperty("post_id").GetString());
    }

    // ---- Messenger ------------------------------------------------------------------------------

    [Fact]
    public void Messenger_Standalone_Shortlink_Referral_Is_Parsed()
    {
        var ev = Single(Page(PageEvent("""
            "referral":{"ref":"qr_table_12","source":"SHORTLINK","type":"OPEN_THREAD"}
            """)));

        Assert.Equal(Platform.Messenger, ev.Platform);
        Assert.Equal(EventKind.Referral, ev.Kind);
        Assert.Equal(PageId, ev.AccountId);
        Assert.Equal(Psid, ev.ParticipantId);
        Assert.Equal(ReferralArrival.Standalone, ev.Referral!.Arrival);
        Assert.Equal("qr_table_12", ev.Referral.Ref);
        Assert.StartsWith("messenger:r:", ev.DedupKey);
    }

    [Fact]
    public void Messenger_Get_Started_Postback_With_String_Seconds_Timestamp_Is_Parsed()
    {
        // Shape of Meta's messaging_postbacks example: string timestamp in seconds, "SHORT-URL" source.
        var ev = Single($$"""
            {"object":"page","entry":[{"id":"{{PageId}}","time":1527459824,"messaging":[
              {"sender":{"id":"{{Psid}}"},"recipient":{"id":"{{PageId}}"},"timestamp":"1527459824",
               "postback":{"title":"Get Started","payload":"GET_STARTED",
                           "referral":{"ref":"fb_post_42","source":"SHORT-URL","type":"OPEN_THREAD"} } }]}]}
            """);

        Assert.Equal(EventKind.Postback, ev.Kind);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1527459824), ev.OccurredAt);
        Assert.Null(ev.MessageId);
        Assert.Equal("Get Started", ev.Text);
        Assert.Equal(ReferralArrival.Postback, ev.Referral!.Arrival);
        Assert.Equal("SHORT-URL", ev.Referral.Source);
        Assert.Equal("GET_STARTED", ev.Referral.Payload);
        Assert.StartsWith("messenger:x:", ev.DedupKey);
    }

    [Fact]
    public void Messenger_Click_To_Messenger_Ad_In_First_Message_Is_An_Ad()
    {
        var ev = Single(Page(PageEvent("""
            "message":{"mid":"m_ad1","text":"Is this in stock?",
                       "referral":{"ref":"ctm_summer","ad_id":"6045246247433","source":"ADS","type":"OPEN_THREAD",
                                   "ads_context_data":{"ad_title":"Summer","flow_id":"f1"}}}
            """)));

        Assert.Equal(EventKind.Message, ev.Kind);
        Assert.Equal(ReferralArrival.Ad, ev.Referral!.Arrival);
        Assert.Equal("ctm_summer", ev.Referral.Ref);
        Assert.Equal("6045246247433", ev.Referral.AdId);
        Assert.Equal("messenger:m:m_ad1", ev.DedupKey);
    }

    [Theory]
    [InlineData("""{"ref":"a","source":"ads"}""")]
    [InlineData("""{"ref":"a","source":"Ads"}""")]
    [InlineData("""{"ref":"a","source":"SHORTLINK","ad_id":"123"}""")]
    [InlineData("""{"ad_id":"123"}""")]
    public void Standalone_Referral_From_An_Ad_Is_An_Ad_Arrival(string referral)
    {
        var ev = Single(Page(PageEvent($"\"referral\":{referral}")));

        Assert.Equal(EventKind.Referral, ev.Kind);
        Assert.Equal(ReferralArrival.Ad, ev.Referral!.Arrival);
    }

    [Fact]
    public void Postback_From_An_Ad_Is_An_Ad_Arrival_And_Keeps_The_Payload()
    {
        var ev = Single(Page(PageEvent("""
            "postback":{"mid":"m_pb_ad","title":"Get Started","payload":"GET_STARTED",
                        "referral":{"ref":"ctm_x","ad_id":"777","source":"ADS","type":"OPEN_THREAD"}}
            """)));

        Assert.Equal(EventKind.Postback, ev.Kind);
        Assert.Equal(ReferralArrival.Ad, ev.Referral!.Arrival);
        Assert.Equal("GET_STARTED", ev.Referral.Payload);
    }

    [Fact]
    public void Chat_Plugin_User_Ref_Is_The_Participant_And_Referer_Uri_Is_Kept()
    {
        var ev = Single($$"""
            {"object":"page","entry":[{"id":"{{PageId}}","time":{{Ms}},"messaging":[
              {"sender":{"user_ref":"plugin-user-ref-9f8e"},"recipient":{"id":"{{PageId}}"},"timestamp":{{Ms}},
               "referral":{"ref":"pricing_page","source":"CUSTOMER_CHAT_PLUGIN","type":"OPEN_THREAD",
                           "referer_uri":"https://shop.example.com/pricing?x=1"} }]}]}
            """);

        Assert.Equal("plugin-user-ref-9f8e", ev.ParticipantId);
        Assert.Equal("https://shop.example.com/pricing?x=1", ev.Referral!.RefererUri);
        Assert.Equal("CUSTOMER_CHAT_PLUGIN", ev.Referral.Source);
        Assert.Equal(ReferralArrival.Standalone, ev.Referral.Arrival);
    }

    [Fact]
    public void Shops_Product_Referral_Without_Ref_Is_Context_Only()
    {
        var ev = Single(Page(PageEvent("""
            "message":{"mid":"m_shop","text":"Does this come in blue?","referral":{"product":{"id":"4817223381634281"}}}
            """)));

        var referral = ev.Referral!;
        Assert.Equal(ReferralArrival.FirstMessage, referral.Arrival);
        Assert.Equal("4817223381634281", referral.ProductId);
        Assert.Null(referral.Ref);
        Assert.Null(referral.RefRejection);
        Assert.False(referral.IsCampaignTouch);
    }

    [Fact]
    public void Message_Without_Referral_Is_Still_An_Event()
    {
        var ev = Single(Page(PageEvent("""
            "message":{"mid":"m_plain","text":"thanks!"}
            """)));

        Assert.Equal(EventKind.Message, ev.Kind);
        Assert.Null(ev.Referral);
        Assert.Equal("thanks!", ev.Text);
    }

    // ---- WhatsApp -------------------------------------------------------------------------------

    private static string WhatsApp(string value) => $$"""
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{{value}}}]}]}
        """;

    private static string WaValue(string messages, string contacts = """[{"profile":{"name":"Sheena Nelson"},"wa_id":"16505551234"}]""") => $$"""
        {"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
         "contacts":{{contacts}},"messages":{{messages}}}
        """;

    [Fact]
    public void WhatsApp_Click_To_WhatsApp_Referral_Is_An_Ad_With_Every_Field()
    {
        var ev = Single(WhatsApp(WaValue("""
            [{"from":"16505551234","id":"wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTdCNTg5RjY1MEMyRjlGMjRGNgA=","timestamp":"1749416383","type":"text",
              "text":{"body":"Hi! I saw your ad"},
              "referral":{"source_url":"https://fb.me/3cr4Wqqkv","source_id":"120226305854810726","source_type":"ad",
                          "headline":"Chat with us","body":"Summer deals","media_type":"video",
                          "video_url":"https://example.com/v.mp4","thumbnail_url":"https://example.com/t.jpg",
                          "ctwa_clid":"ARAkLkA8rmlFeiCktEJQ-QTwRiyYHAFDLMNDBH0CD3qpjd0HR4irJ6LEkR7JwFF4XvnO2E4Nx0-eM-GABDLOPaOdRMv-_zfUQ2a",
                          "welcome_message":{"text":"Hi there! How can we help?"}}}]
            """)));

        Assert.Equal(Platform.WhatsApp, ev.Platform);
        Assert.Equal(EventKind.Message, ev.Kind);
        Assert.Equal("106540352242922", ev.AccountId);
        Assert.Equal("16505551234", ev.ParticipantId);
        Assert.Equal("Sheena Nelson", ev.ParticipantName);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1749416383), ev.OccurredAt);
        Assert.Equal("Hi! I saw your ad", ev.Text);
        Assert.Equal("whatsapp:m:wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTdCNTg5RjY1MEMyRjlGMjRGNgA=", ev.DedupKey);
        var referral = ev.Referral!;
        Assert.Equal(ReferralArrival.Ad, referral.Arrival);
        Assert.Null(referral.Ref);
        Assert.Equal("120226305854810726", referral.AdId);
        Assert.Equal("120226305854810726", referral.SourceId);
        Assert.Equal("ad", referral.SourceType);
        Assert.Equal("ad", referral.Source);
        Assert.Equal("https://fb.me/3cr4Wqqkv", referral.SourceUrl);
        Assert.Equal("Chat with us", referral.Headline);
        Assert.Equal("Summer deals", referral.Body);
        Assert.Equal("video", referral.MediaType);
        Assert.Null(referral.ImageUrl);
        Assert.Equal("https://example.com/v.mp4", referral.VideoUrl);
        Assert.Equal("https://example.com/t.jpg", referral.ThumbnailUrl);
        Assert.StartsWith("ARAkLkA8", referral.CtwaClid);
        Assert.True(referral.IsCampaignTouch);
    }

    [Fact]
    public void WhatsApp_Status_Ad_Referral_Without_Ctwa_Clid_Is_Still_An_Ad()
    {
        var ev = Single(WhatsApp(WaValue("""
            [{"from":"16505551234","id":"wamid.status1","timestamp":"1749416383","type":"image",
              "image":{"id":"img1","mime_type":"image/jpeg"},
              "referral":{"source_url":"https://fb.me/x","source_id":"999","source_type":"ad","media_type":"image","image_url":"https://example.com/i.jpg"}}]
            """)));

        Assert.Null(ev.Text);
        Assert.Null(ev.Referral!.CtwaClid);
        Assert.Equal("https://example.com/i.jpg", ev.Referral.ImageUrl);
        Assert.Equal(ReferralArrival.Ad, ev.Referral.Arrival);
        Assert.True(ev.Referral.IsCampaignTouch);
    }

    [Fact]
    public void WhatsApp_Plain_Text_Keeps_The_Body_For_Prefilled_Ref_Extraction()
    {
        var ev = Single(WhatsApp(WaValue("""
            [{"from":"16505551234","id":"wamid.plain","timestamp":"1749416383","type":"text","text":{"body":"Hello! ref: summer_sale"}}]
            """)));

        Assert.Null(ev.Referral);
        Assert.Equal("Hello! ref: summer_sale", ev.Text);
        Assert.Equal("summer_sale", new PrefilledTextRefExtractor(PrefilledTextRefExtractor.DefaultPattern).Extract(ev.Text));
    }

    [Fact]
    public void WhatsApp_Statuses_Are_Ignored_And_Each_Is_Counted()
    {
        var result = Parse(WhatsApp("""
            {"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
             "statuses":[{"id":"wamid.a","status":"sent","timestamp":"1749416383","recipient_id":"16505551234"},
                         {"id":"wamid.a","status":"delivered","timestamp":"1749416384","recipient_id":"16505551234"},
                         {"id":"wamid.a","status":"read","timestamp":"1749416385","recipient_id":"16505551234"}]}
            """));

        Assert.Empty(result.Events);
        Assert.Empty(result.Rejected);
        Assert.Equal(3, result.IgnoredCount);
    }

    [Fact]
    public void WhatsApp_Reaction_Is_Ignored_While_The_Text_Beside_It_Counts()
    {
        var result = Parse(WhatsApp(WaValue("""
            [{"from":"16505551234","id":"wamid.react","timestamp":"1749416383","type":"reaction","reaction":{"message_id":"wamid.earlier","emoji":"\ud83d\udc4d"}},
             {"from":"16505551234","id":"wamid.text","timestamp":"1749416384","type":"text","text":{"body":"ok"}}]
            """)));

        Assert.Equal(1, result.IgnoredCount);
        Assert.Equal("wamid.text", Assert.Single(result.Events).MessageId);
    }

    [Fact]
    public void WhatsApp_Changes_Other_Than_Messages_Are_Ignored_And_Counted()
    {
        var result = Parse("""
            {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[
              {"field":"account_update","value":{"event":"VERIFIED_ACCOUNT"}},
              {"field":"message_template_status_update","value":{"event":"APPROVED"}}]}]}
            """);

        Assert.Empty(result.Events);
        Assert.Empty(result.Rejected);
        Assert.Equal(2, result.IgnoredCount);
    }

    [Fact]
    public void WhatsApp_Contact_Name_Comes_Only_From_The_Matching_Wa_Id()
    {
        var result = Parse(WhatsApp(WaValue(
            """
            [{"from":"491701234567","id":"wamid.1","timestamp":"1749416383","type":"text","text":{"body":"a"}},
             {"from":"447700900123","id":"wamid.2","timestamp":"1749416384","type":"text","text":{"body":"b"}},
             {"from":"15550001111","id":"wamid.3","timestamp":"1749416385","type":"text","text":{"body":"c"}}]
            """,
            """[{"profile":{"name":"J\u00fcrgen"},"wa_id":"491701234567"},{"profile":{"name":"Amelia"},"wa_id":"447700900123"}]""")));

        Assert.Equal(["Jürgen", "Amelia", null], result.Events.Select(e => e.ParticipantName));
    }

    [Theory]
    [InlineData("""{"id":"wamid.1","timestamp":"1749416383","type":"text","text":{"body":"x"}}""", "message.from, message.from_user_id and contacts[].user_id are missing")]
    [InlineData("""{"from":"16505551234","timestamp":"1749416383","type":"text","text":{"body":"x"}}""", "message.id is missing")]
    [InlineData("""{"from":"16505551234","id":"","timestamp":"1749416383","type":"text"}""", "message.id is missing")]
    [InlineData("""{"from":"16505551234","id":"wamid.1","type":"text"}""", "timestamp is missing")]
    [InlineData("""{"from":"16505551234","id":"wamid.1","timestamp":"yesterday","type":"text"}""", "timestamp \"yesterday\" is not a whole number")]
    [InlineData("""{"from":"16505551234","id":"wamid.1","timestamp":"1749416383","referral":"ad"}""", "referral must be an object, got String")]
    public void WhatsApp_Message_That_Cannot_Be_Identified_Is_Rejected_But_The_Next_One_Survives(string message, string reason)
    {
        var result = Parse(WhatsApp(WaValue($$"""
            [{{message}},{"from":"16505551234","id":"wamid.ok","timestamp":"1749416383","type":"text","text":{"body":"ok"} }]
            """)));

        var rejected = Assert.Single(result.Rejected);
        Assert.Equal(reason, rejected.Reason);
        Assert.Equal(Platform.WhatsApp, rejected.Platform);
        Assert.Equal("106540352242922", rejected.AccountId);
        Assert.Equal(JsonNode.Parse(message)!.ToJsonString(), JsonNode.Parse(rejected.RawJson)!.ToJsonString());
        Assert.Equal("wamid.ok", Assert.Single(result.Events).MessageId);
    }

    [Fact]
    public void WhatsApp_Message_Without_Phone_Number_Id_Is_Rejected()
    {
        var rejected = SingleRejected(WhatsApp("""
            {"messaging_product":"whatsapp","metadata":{},
             "messages":[{"from":"16505551234","id":"wamid.1","timestamp":"1749416383","type":"text","text":{"body":"x"}}]}
            """));

        Assert.Equal("metadata.phone_number_id is missing", rejected.Reason);
        Assert.Equal("16505551234", rejected.ParticipantId);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1749416383), rejected.OccurredAt);
    }

    // ---- Channels and ignored events ------------------------------------------------------------

    [Fact]
    public void Standby_Referral_Is_Parsed_On_The_Standby_Channel()
    {
        var result = Parse($$"""
            {"object":"page","entry":[{"id":"{{PageId}}","time":{{Ms}},
              "standby":[{"sender":{"id":"{{Psid}}"},"recipient":{"id":"{{PageId}}"},"timestamp":{{Ms}},
                          "referral":{"ref":"handover_ref","source":"SHORTLINK","type":"OPEN_THREAD"} }],
              "messaging":[{"sender":{"id":"{{Psid}}"},"recipient":{"id":"{{PageId}}"},"timestamp":{{Ms + 1}},
                          "message":{"mid":"m_owned","text":"hi"} }]}]}
            """);

        Assert.Equal(2, result.Events.Count);
        Assert.Equal(EventChannel.Standby, result.Events[0].Channel);
        Assert.Equal("handover_ref", result.Events[0].Referral!.Ref);
        Assert.Equal(EventChannel.Messaging, result.Events[1].Channel);
    }

    [Fact]
    public void Echo_Read_Delivery_Reaction_And_Other_Events_Are_Ignored_And_Counted()
    {
        var result = Parse(Page(
            PageEvent("""
                "message":{"mid":"m_echo","is_echo":true,"app_id":1517776481860111,"text":"our reply","referral":{"ref":"not_a_touch"}}
                """, sender: PageId),
            PageEvent("""
                "read":{"watermark":1458668856253}
                """),
            PageEvent("""
                "delivery":{"mids":["m_1"],"watermark":1458668856253}
                """),
            PageEvent("""
                "reaction":{"mid":"m_1","action":"react","reaction":"love","emoji":"\u2764"}
                """),
            PageEvent("""
                "optin":{"type":"notification_messages","payload":"x"}
                """),
            PageEvent("""
                "message_edit":{"mid":"m_1","text":"edited","num_edit":1}
                """),
            """{"sender":{"id":"1"},"recipient":{"id":"2"},"timestamp":1,"pass_thread_control":{"new_owner_app_id":"123"}}""",
            // Events Meta does not care to describe still never fail the batch.
            """{"read":{"watermark":1}}"""));

        Assert.Empty(result.Events);
        Assert.Empty(result.Rejected);
        Assert.Equal(8, result.IgnoredCount);
    }

    [Fact]
    public void Instagram_Comment_Changes_Are_Ignored_And_Counted()
    {
        var result = Parse($$"""
            {"object":"instagram","entry":[{"id":"{{IgAccount}}","time":{{Ms}},
              "changes":[{"field":"comments","value":{"id":"c1","text":"nice"} }]}]}
            """);

        Assert.Empty(result.Events);
        Assert.Empty(result.Rejected);
        Assert.Equal(1, result.IgnoredCount);
    }

    // ---- Batches and timestamps -----------------------------------------------------------------

    [Fact]
    public void Mixed_Multi_Entry_Batch_Is_Sorted_By_Timestamp()
    {
        // Three entries for the same page with non-monotonic times, as in captured real deliveries.
        var result = Parse($$"""
            {"object":"page","entry":[
              {"id":"{{PageId}}","time":{{Ms + 50}},"messaging":[
                 {"sender":{"id":"{{Psid}}"},"recipient":{"id":"{{PageId}}"},"timestamp":{{Ms + 30}},"message":{"mid":"m_c","text":"third"} },
                 {"sender":{"id":"{{Psid}}"},"recipient":{"id":"{{PageId}}"},"timestamp":{{Ms + 10}},"referral":{"ref":"first","source":"SHORTLINK"} }]},
              {"id":"{{PageId}}","time":{{Ms + 60}},"messaging":[
                 {"sender":{"id":"{{Psid}}"},"recipient":{"id":"{{PageId}}"},"timestamp":{{Ms + 60}},"read":{"watermark":1} },
                 {"sender":{"id":"{{Psid}}"},"recipient":{"id":"{{PageId}}"},"timestamp":{{Ms + 40}},"message":{"mid":"m_d","text":"fourth"} }]},
              {"id":"999","time":{{Ms}},"messaging":[
                 {"sender":{"id":"other"},"recipient":{"id":"999"},"timestamp":{{Ms + 20}},"postback":{"mid":"p_b","title":"second","payload":"P"} }]}]}
            """);

        Assert.Empty(result.Rejected);
        Assert.Equal(1, result.IgnoredCount);
        Assert.Equal(["first", "second", "third", "fourth"], result.Events.Select(e => e.Text ?? e.Referral!.Ref));
        Assert.Equal([PageId, "999", PageId, PageId], result.Events.Select(e => e.AccountId));
    }

    [Fact]
    public void Events_With_The_Same_Timestamp_Keep_Document_Order()
    {
        var result = Parse($$"""
            {"object":"page","entry":[
              {"id":"{{PageId}}","messaging":[
                {"sender":{"id":"late"},"recipient":{"id":"{{PageId}}"},"timestamp":{{Ms + 5}},"message":{"mid":"z"} },
                {"sender":{"id":"a"},"recipient":{"id":"{{PageId}}"},"timestamp":{{Ms}},"message":{"mid":"1"} },
                {"sender":{"id":"b"},"recipient":{"id":"{{PageId}}"},"timestamp":{{Ms}},"message":{"mid":"2"} }]},
              {"id":"{{PageId}}","messaging":[
                {"sender":{"id":"c"},"recipient":{"id":"{{PageId}}"},"timestamp":{{Ms}},"message":{"mid":"3"} },
                {"sender":{"id":"d"},"recipient":{"id":"{{PageId}}"},"timestamp":"{{Ms / 1000}}","message":{"mid":"4"} }]}]}
            """);

        Assert.Equal(["1", "2", "3", "4", "z"], result.Events.Select(e => e.MessageId));
    }

    [Fact]
    public void Large_Batch_With_Many_Ties_Keeps_Document_Order_Within_Each_Timestamp()
    {
        // Big enough that a plain (unstable) sort would reorder ties.
        var events = new List<string>();
        for (var i = 0; i < 200; i++)
        {
            events.Add(PageEvent($$"""
                "message":{"mid":"{{i}}"}
                """, timestamp: Ms + (i % 3 == 0 ? 1 : 0) - (i % 7 == 0 ? 2 : 0)));
        }

        var result = Parse(Page([.. events]));

        var expected = Enumerable.Range(0, 200)
            .OrderBy(i => (i % 3 == 0 ? 1 : 0) - (i % 7 == 0 ? 2 : 0))
            .Select(i => i.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(expected, result.Events.Select(e => e.MessageId));
    }

    [Fact]
    public void WhatsApp_String_Seconds_And_Messenger_Milliseconds_Sort_On_One_Timeline()
    {
        var wa = Parse(WhatsApp(WaValue("""
            [{"from":"16505551234","id":"wamid.1","timestamp":"1700000001","type":"text","text":{"body":"wa"}}]
            """)));
        var page = Parse(Page(PageEvent("""
            "message":{"mid":"m1","text":"page"}
            """, timestamp: 1_700_000_000_500)));

        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_001_000), wa.Events[0].OccurredAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_500), page.Events[0].OccurredAt);
        Assert.True(page.Events[0].OccurredAt < wa.Events[0].OccurredAt);
    }

    [Theory]
    [InlineData("1700000000123")]
    [InlineData("\"1700000000123\"")]
    [InlineData("1.700000000123E12")]
    public void Millisecond_Timestamps_Are_Accepted_As_Number_Or_String(string timestamp)
    {
        var ev = Single(Page($$"""
            {"sender":{"id":"{{Psid}}"},"recipient":{"id":"{{PageId}}"},"timestamp":{{timestamp}},"message":{"mid":"m1"} }
            """));

        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123), ev.OccurredAt);
    }

    [Theory]
    [InlineData("1700000000")]
    [InlineData("\"1700000000\"")]
    [InlineData("99999999999")] // just below the threshold: still seconds (year 5138)
    public void Second_Timestamps_Are_Accepted_As_Number_Or_String(string timestamp)
    {
        var ev = Single(Page($$"""
            {"sender":{"id":"{{Psid}}"},"recipient":{"id":"{{PageId}}"},"timestamp":{{timestamp}},"message":{"mid":"m1"} }
            """));

        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(long.Parse(timestamp.Trim('"'))), ev.OccurredAt);
    }

    [Fact]
    public void Timestamp_At_The_Threshold_Is_Milliseconds()
    {
        var ev = Single(Page(PageEvent("\"message\":{\"mid\":\"m1\"}", timestamp: 100_000_000_000)));

        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(100_000_000_000), ev.OccurredAt);
    }

    [Theory]
    [InlineData("null")]
    [InlineData(null)]
    public void Missing_Event_Timestamp_Falls_Back_To_Entry_Time(string? timestamp)
    {
        var property = timestamp is null ? "" : $"\"timestamp\":{timestamp},";
        var ev = Single($$"""
            {"object":"instagram","entry":[{"id":"{{IgAccount}}","time":{{Ms + 7}},"messaging":[
              {"sender":{"id":"{{Igsid}}"},"recipient":{"id":"{{IgAccount}}"},{{property}}"referral":{"ref":"r1"} }]}]}
            """);

        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(Ms + 7), ev.OccurredAt);
    }

    [Fact]
    public void Missing_Timestamp_And_Entry_Time_Is_Rejected()
    {
        var rejected = SingleRejected($$"""
            {"object":"instagram","entry":[{"id":"{{IgAccount}}","messaging":[
              {"sender":{"id":"{{Igsid}}"},"recipient":{"id":"{{IgAccount}}"},"referral":{"ref":"r1"} }]}]}
            """);

        Assert.Equal("timestamp is missing", rejected.Reason);
        Assert.Equal(Platform.Instagram, rejected.Platform);
        Assert.Equal(IgAccount, rejected.AccountId);
        Assert.Equal(Igsid, rejected.ParticipantId);
        Assert.Null(rejected.OccurredAt);
    }

    [Theory]
    [InlineData("\"soon\"", "timestamp \"soon\" is not a whole number")]
    [InlineData("\"\"", "timestamp \"\" is not a whole number")]
    [InlineData("\"-5\"", "timestamp \"-5\" is not a whole number")]
    [InlineData("\"1.5\"", "timestamp \"1.5\" is not a whole number")]
    [InlineData("-5", "timestamp -5 is negative")]
    [InlineData("1.5", "timestamp 1.5 is not a whole number in range")]
    [InlineData("1e300", "timestamp 1e300 is not a whole number in range")]
    [InlineData("99999999999999999", "timestamp 99999999999999999 is out of range")]
    [InlineData("true", "timestamp must be a number or a string, got Boolean")]
    [InlineData("{}", "timestamp must be a number or a string, got Object")]
    public void Unparseable_Timestamp_Is_Rejected_With_The_Reason(string timestamp, string reason)
    {
        var rejected = SingleRejected(Page($$"""
            {"sender":{"id":"{{Psid}}"},"recipient":{"id":"{{PageId}}"},"timestamp":{{timestamp}},"message":{"mid":"m1"} }
            """));

        Assert.Equal(reason, rejected.Reason);
        Assert.Equal(Psid, rejected.ParticipantId);
    }

    [Fact]
    public void Unparseable_Entry_Time_Fallback_Is_Rejected_And_Names_Entry_Time()
    {
        var rejected = SingleRejected($$"""
            {"object":"page","entry":[{"id":"{{PageId}}","time":"later","messaging":[
              {"sender":{"id":"{{Psid}}"},"recipient":{"id":"{{PageId}}"},"message":{"mid":"m1"} }]}]}
            """);

        Assert.Equal("entry.time \"later\" is not a whole number", rejected.Reason);
    }

    // ---- Refs -----------------------------------------------------------------------------------

    [Fact]
    public void Invalid_Ref_Is_Kept_Verbatim_With_The_Reason_And_Is_Not_A_Campaign_Touch()
    {
        var ev = Single(Ig(IgEvent("""
            "referral":{"ref":"summer sale!","source":"SHORTLINKS","type":"OPEN_THREAD"}
            """)));

        Assert.Equal("summer sale!", ev.Referral!.Ref);
        Assert.Equal("ref contains U+0020 at position 7; allowed: A-Z a-z 0-9 _ - =", ev.Referral.RefRejection);
        Assert.False(ev.Referral.IsCampaignTouch);
    }

    [Fact]
    public void Too_Long_Ref_Is_Kept_Whole_With_The_Reason()
    {
        var longRef = new string('a', 2084);
        var ev = Single(Ig(IgEvent($$"""
            "referral":{"ref":"{{longRef}}","source":"SHORTLINKS"}
            """)));

        Assert.Equal(longRef, ev.Referral!.Ref);
        Assert.Equal("ref is 2084 characters; the limit is 2083", ev.Referral.RefRejection);
    }

    [Fact]
    public void Empty_Ref_Is_Kept_With_The_Reason()
    {
        var ev = Single(Ig(IgEvent("""
            "referral":{"ref":"","source":"SHORTLINKS"}
            """)));

        Assert.Equal("", ev.Referral!.Ref);
        Assert.Equal("ref is empty", ev.Referral.RefRejection);
    }

    [Fact]
    public void Null_Ref_Is_A_Context_Only_Referral()
    {
        var ev = Single(Page(PageEvent("""
            "referral":{"ref":null,"source":"SHORTLINK","type":"OPEN_THREAD"}
            """)));

        Assert.Null(ev.Referral!.Ref);
        Assert.Null(ev.Referral.RefRejection);
        Assert.False(ev.Referral.IsCampaignTouch);
    }

    [Theory]
    [InlineData("42", "Number")]
    [InlineData("{\"code\":\"x\"}", "Object")]
    [InlineData("true", "Boolean")]
    [InlineData("[\"x\"]", "Array")]
    public void Non_String_Ref_Rejects_The_Event_While_The_Rest_Of_The_Batch_Survives(string refJson, string kindName)
    {
        var badEvent = IgEvent($$"""
            "message":{"mid":"m_bad","text":"x","referral":{"ref":{{refJson}},"source":"SHORTLINKS"} }
            """, timestamp: Ms + 1);
        var result = Parse(Ig(
            IgEvent("\"referral\":{\"ref\":\"before\"}"),
            badEvent,
            IgEvent("\"referral\":{\"ref\":\"after\"}", timestamp: Ms + 2)));

        var rejected = Assert.Single(result.Rejected);
        Assert.Equal($"referral.ref must be a string, got {kindName}", rejected.Reason);
        Assert.Equal(Platform.Instagram, rejected.Platform);
        Assert.Equal(IgAccount, rejected.AccountId);
        Assert.Equal(Igsid, rejected.ParticipantId);
        Assert.Equal(At.AddMilliseconds(1), rejected.OccurredAt);
        Assert.Equal(JsonNode.Parse(badEvent)!.ToJsonString(), JsonNode.Parse(rejected.RawJson)!.ToJsonString());
        Assert.Equal(["before", "after"], result.Events.Select(e => e.Referral!.Ref));
    }

    // ---- Rejections -----------------------------------------------------------------------------

    [Theory]
    [InlineData("""{"recipient":{"id":"1"},"timestamp":1700000000000,"referral":{"ref":"x"}}""")]
    [InlineData("""{"sender":{},"recipient":{"id":"1"},"timestamp":1700000000000,"referral":{"ref":"x"}}""")]
    [InlineData("""{"sender":{"id":""},"recipient":{"id":"1"},"timestamp":1700000000000,"referral":{"ref":"x"}}""")]
    [InlineData("""{"sender":{"id":null},"recipient":{"id":"1"},"timestamp":1700000000000,"referral":{"ref":"x"}}""")]
    [InlineData("""{"sender":"1234","recipient":{"id":"1"},"timestamp":1700000000000,"referral":{"ref":"x"}}""")]
    public void Referral_Without_A_Sender_Is_Rejected(string ev)
    {
        var result = Parse(Page(ev, PageEvent("\"referral\":{\"ref\":\"ok\"}")));

        var rejected = Assert.Single(result.Rejected);
        Assert.Equal("sender.id is missing", rejected.Reason);
        Assert.Equal(PageId, rejected.AccountId);
        Assert.Equal(At, rejected.OccurredAt);
        Assert.Equal("ok", Assert.Single(result.Events).Referral!.Ref);
    }

    [Fact]
    public void Numeric_Sender_Id_Is_Read_As_Its_Digits()
    {
        var ev = Single(Page($$"""
            {"sender":{"id":6543210987654321},"recipient":{"id":"{{PageId}}"},"timestamp":{{Ms}},"message":{"mid":"m1"} }
            """));

        Assert.Equal("6543210987654321", ev.ParticipantId);
    }

    [Fact]
    public void Account_Falls_Back_To_Recipient_When_Entry_Id_Is_Missing()
    {
        var ev = Single($$"""
            {"object":"page","entry":[{"time":{{Ms}},"messaging":[
              {"sender":{"id":"{{Psid}}"},"recipient":{"id":"{{PageId}}"},"timestamp":{{Ms}},"message":{"mid":"m1"} }]}]}
            """);

        Assert.Equal(PageId, ev.AccountId);
    }

    [Fact]
    public void Event_Without_Any_Account_Is_Rejected()
    {
        var rejected = SingleRejected($$"""
            {"object":"page","entry":[{"messaging":[{"sender":{"id":"{{Psid}}"},"timestamp":{{Ms}},"message":{"mid":"m1"} }]}]}
            """);

        Assert.Equal("entry.id and recipient.id are missing", rejected.Reason);
    }

    [Theory]
    [InlineData("42", "event must be an object, got Number")]
    [InlineData("\"x\"", "event must be an object, got String")]
    [InlineData("[]", "event must be an object, got Array")]
    [InlineData("""{"sender":{"id":"1"},"timestamp":1700000000000,"message":"hi"}""", "message must be an object, got String")]
    [InlineData("""{"sender":{"id":"1"},"timestamp":1700000000000,"postback":[1]}""", "postback must be an object, got Array")]
    [InlineData("""{"sender":{"id":"1"},"timestamp":1700000000000,"referral":"summer"}""", "referral must be an object, got String")]
    [InlineData("""{"sender":{"id":"1"},"timestamp":1700000000000,"message":{"mid":"m","referral":5}}""", "referral must be an object, got Number")]
    public void Event_Of_The_Wrong_Shape_Is_Rejected_With_Its_Raw_Json(string ev, string reason)
    {
        var result = Parse(Page(ev, PageEvent("\"message\":{\"mid\":\"m_ok\"}")));

        var rejected = Assert.Single(result.Rejected);
        Assert.Equal(reason, rejected.Reason);
        Assert.Equal(JsonNode.Parse(ev)!.ToJsonString(), JsonNode.Parse(rejected.RawJson)!.ToJsonString());
        Assert.Equal("m_ok", Assert.Single(result.Events).MessageId);
    }

    [Theory]
    [InlineData("""{"object":"page","entry":{"id":"1"}}""", "entry must be an array, got Object")]
    [InlineData("""{"object":"page","entry":["x"]}""", "entry must be an object, got String")]
    [InlineData("""{"object":"page","entry":[{"id":"1","messaging":{"sender":{"id":"2"}}}]}""", "entry.messaging must be an array, got Object")]
    [InlineData("""{"object":"page","entry":[{"id":"1","standby":5}]}""", "entry.standby must be an array, got Number")]
    [InlineData("""{"object":"whatsapp_business_account","entry":[{"id":"1","changes":"x"}]}""", "entry.changes must be an array, got String")]
    [InlineData("""{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[7]}]}""", "change must be an object, got Number")]
    [InlineData("""{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":[]}]}]}""", "change.value must be an object")]
    [InlineData("""{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"5"},"messages":{}}}]}]}""", "value.messages must be an array, got Object")]
    [InlineData("""{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"5"},"messages":[null]}}]}]}""", "message must be an object, got Null")]
    public void Envelope_Of_The_Wrong_Shape_Is_Rejected_Not_Thrown(string json, string reason)
    {
        var rejected = SingleRejected(json);

        Assert.Equal(reason, rejected.Reason);
        Assert.NotNull(rejected.Platform);
    }

    [Theory]
    [InlineData("""{"object":"user","entry":[{"id":"1","messaging":[]}]}""")]
    [InlineData("""{"object":42,"entry":[]}""")]
    [InlineData("""{"entry":[]}""")]
    [InlineData("""{"object":"page"}""")]
    [InlineData("""{"object":"page","entry":null}""")]
    [InlineData("""{"object":"page","entry":[]}""")]
    [InlineData("""{"object":"page","entry":[{"id":"1"}]}""")]
    [InlineData("""{"object":"page","entry":[{"id":"1","messaging":null,"standby":[]}]}""")]
    [InlineData("[]")]
    [InlineData("\"page\"")]
    [InlineData("null")]
    public void Unknown_Or_Empty_Payload_Gives_An_Empty_Result(string json)
    {
        var result = Parse(json);

        Assert.Empty(result.Events);
        Assert.Empty(result.Rejected);
        Assert.Equal(0, result.IgnoredCount);
    }

    [Fact]
    public void Body_Deeper_Than_Max_Depth_Is_Rejected_Not_Thrown()
    {
        var result = Parse(Page(PageEvent("\"message\":{\"mid\":\"m1\",\"attachments\":[{\"payload\":{\"a\":{\"b\":1}}}]}")), maxDepth: 5);

        Assert.Empty(result.Events);
        Assert.StartsWith("body is not valid JSON", Assert.Single(result.Rejected).Reason);
    }

    [Fact]
    public void Lone_Surrogate_In_Text_Rejects_That_Event_Only()
    {
        var result = Parse(Page(
            PageEvent("\"message\":{\"mid\":\"m_bad\",\"text\":\"broken \\ud800 emoji\"}"),
            PageEvent("\"message\":{\"mid\":\"m_ok\",\"text\":\"fine\"}")));

        Assert.StartsWith("event could not be read", Assert.Single(result.Rejected).Reason);
        Assert.Equal("m_ok", Assert.Single(result.Events).MessageId);
    }

    [Fact]
    public void Escaped_Non_Ascii_Text_And_Names_Are_Decoded()
    {
        var ev = Single(WhatsApp(WaValue(
            """
            [{"from":"4915112345678","id":"wamid.u","timestamp":"1749416383","type":"text","text":{"body":"Gr\u00fc\u00dfe \u00e4\u00f6\u00e5 \ud83d\ude00 \u65e5\u672c"}}]
            """,
            """[{"profile":{"name":"Bj\u00f6rk"},"wa_id":"4915112345678"}]""")));

        Assert.Equal("Grüße äöå 😀 日本", ev.Text);
        Assert.Equal("Björk", ev.ParticipantName);
    }

    [Fact]
    public void Raw_Utf8_Non_Ascii_Text_Is_Decoded()
    {
        var ev = Single(Ig(IgEvent("\"message\":{\"mid\":\"m1\",\"text\":\"Привет, ref: зима 🎉\"}")));

        Assert.Equal("Привет, ref: зима 🎉", ev.Text);
    }

    // ---- Dedup keys -----------------------------------------------------------------------------

    [Fact]
    public void Standalone_Referral_Dedup_Key_Is_The_Documented_Hash()
    {
        var ev = Single(Ig(IgEvent("\"referral\":{\"ref\":\"summer_sale\",\"source\":\"SHORTLINKS\"}")));

        Assert.Equal("instagram:r:" + Sha256Hex($"instagram|{IgAccount}|{Igsid}|{Ms}|summer_sale"), ev.DedupKey);
    }

    [Fact]
    public void Message_Without_Mid_Dedup_Key_Is_The_Documented_Hash()
    {
        var ev = Single(Page(PageEvent("\"message\":{\"text\":\"hi there\",\"referral\":{\"ref\":\"r1\"}}")));

        Assert.Equal("messenger:x:" + Sha256Hex($"page|{PageId}|{Psid}|{Ms}|Message|r1|hi there"), ev.DedupKey);
    }

    [Fact]
    public void Context_Only_Standalone_Referral_Hashes_An_Empty_Ref()
    {
        var ev = Single(Page(PageEvent("\"referral\":{\"source\":\"SHORTLINK\"}")));

        Assert.Equal("messenger:r:" + Sha256Hex($"page|{PageId}|{Psid}|{Ms}|"), ev.DedupKey);
    }

    [Fact]
    public void Same_Event_Delivered_In_Two_Different_Batches_Has_The_Same_Dedup_Key()
    {
        // First delivery: the referral is the second of two events in the first entry; timestamp as a number.
        var first = Parse($$"""
            {"object":"instagram","entry":[
              {"id":"{{IgAccount}}","time":{{Ms + 100}},"messaging":[
                {"sender":{"id":"someone_else"},"recipient":{"id":"{{IgAccount}}"},"timestamp":{{Ms - 5}},"referral":{"ref":"other"} },
                {"sender":{"id":"{{Igsid}}"},"recipient":{"id":"{{IgAccount}}"},"timestamp":{{Ms}},"referral":{"ref":"summer_sale","source":"SHORTLINKS"} },
                {"sender":{"id":"{{Igsid}}"},"recipient":{"id":"{{IgAccount}}"},"timestamp":{{Ms + 1}},"postback":{"title":"Hours?","payload":"H"} }]}]}
            """);

        // Retry: a different batch, another entry first, different entry.time, events reordered, timestamp as a string.
        var retry = Parse($$"""
            {"object":"instagram","entry":[
              {"id":"{{IgAccount}}","time":{{Ms + 900}},"messaging":[
                {"sender":{"id":"new_user"},"recipient":{"id":"{{IgAccount}}"},"timestamp":{{Ms + 800}},"message":{"mid":"new"} }]},
              {"id":"{{IgAccount}}","time":{{Ms + 999}},"messaging":[
                {"recipient":{"id":"{{IgAccount}}"},"timestamp":"{{Ms + 1}}","sender":{"id":"{{Igsid}}"},"postback":{"payload":"H","title":"Hours?"} },
                {"timestamp":"{{Ms}}","referral":{"source":"SHORTLINKS","ref":"summer_sale"},"sender":{"id":"{{Igsid}}"},"recipient":{"id":"{{IgAccount}}"} }]}]}
            """);

        var firstKeys = first.Events.Where(e => e.ParticipantId == Igsid).Select(e => e.DedupKey).ToArray();
        var retryKeys = retry.Events.Where(e => e.ParticipantId == Igsid).Select(e => e.DedupKey).ToArray();
        Assert.Equal(2, firstKeys.Length);
        Assert.Equal(firstKeys, retryKeys);
        // "other", the referral, the postback and "new": the two repeats collapse, nothing else does.
        Assert.Equal(4, first.Events.Concat(retry.Events).Select(e => e.DedupKey).Distinct().Count());
    }

    [Theory]
    [InlineData("summer_sale", 1_700_000_000_001, Igsid)]
    [InlineData("winter_sale", 1_700_000_000_000, Igsid)]
    [InlineData("summer_sale", 1_700_000_000_000, "another_user")]
    public void Different_Standalone_Referrals_Have_Different_Dedup_Keys(string reference, long timestamp, string sender)
    {
        var baseline = Single(Ig(IgEvent("\"referral\":{\"ref\":\"summer_sale\"}")));
        var other = Single(Ig(IgEvent($"\"referral\":{{\"ref\":\"{reference}\"}}", timestamp, sender)));

        Assert.NotEqual(baseline.DedupKey, other.DedupKey);
    }

    [Fact]
    public void Same_Ids_On_Different_Platforms_Do_Not_Collide()
    {
        var ig = Single(Messaging("instagram", "1", IgEvent("\"message\":{\"mid\":\"same\"}")));
        var page = Single(Messaging("page", "1", IgEvent("\"message\":{\"mid\":\"same\"}")));
        var igPostback = Single(Messaging("instagram", "1", IgEvent("\"postback\":{\"mid\":\"same\"}")));

        Assert.Equal("instagram:m:same", ig.DedupKey);
        Assert.Equal("messenger:m:same", page.DedupKey);
        Assert.Equal("instagram:p:same", igPostback.DedupKey);
    }

    // ---- Platform names -------------------------------------------------------------------------

    [Theory]
    [InlineData("instagram", Platform.Instagram)]
    [InlineData("page", Platform.Messenger)]
    [InlineData("whatsapp_business_account", Platform.WhatsApp)]
    [InlineData("Page", null)]
    [InlineData("user", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void PlatformOf_Maps_Only_The_Three_Known_Objects(string? objectName, Platform? expected)
    {
        Assert.Equal(expected, MetaPayloadParser.PlatformOf(objectName));
    }

    // ---- Generated inputs -----------------------------------------------------------------------

    private static readonly string[] Seeds =
    [
        Ig(
            IgEvent("\"referral\":{\"ref\":\"summer_sale\",\"source\":\"SHORTLINKS\",\"type\":\"OPEN_THREAD\"}"),
            IgEvent("\"message\":{\"mid\":\"m1\",\"text\":\"hi \\u00e4\",\"referral\":{\"ref\":\"r\",\"ad_id\":\"1\",\"ads_context_data\":{\"ad_title\":\"t\"}}}"),
            IgEvent("\"postback\":{\"mid\":\"p1\",\"title\":\"t\",\"payload\":\"P\",\"referral\":{\"ref\":\"x\"}}")),
        $$"""
        {"object":"page","entry":[{"id":"1","time":{{Ms}},
          "standby":[{"sender":{"user_ref":"u"},"recipient":{"id":"1"},"timestamp":"{{Ms}}","referral":{"ref":null,"referer_uri":"https://x","product":{"id":"9"} } }],
          "messaging":[{"sender":{"id":"2"},"recipient":{"id":"1"},"timestamp":{{Ms}},"message":{"mid":"e","is_echo":true} },
                       {"sender":{"id":"2"},"recipient":{"id":"1"},"read":{"watermark":1} }]}]}
        """,
        WhatsApp(WaValue("""
            [{"from":"16505551234","id":"wamid.1","timestamp":"1749416383","type":"text","text":{"body":"ref: abc"},
              "referral":{"source_url":"https://fb.me/x","source_id":"1","source_type":"ad","ctwa_clid":"c"}}]
            """)),
    ];

    private static readonly JsonNode?[] Replacements =
    [
        null, 0, -1, 1.5, 1e300, true, "", "x", "1749416383", "\ud83d\ude00",
        new JsonArray(), new JsonObject(), new JsonArray(1, "a"), new JsonObject { ["id"] = 5 },
    ];

    [Fact]
    public void Generated_Truncations_And_Byte_Mutations_Never_Throw()
    {
        var random = new Random(20261121);
        var parsed = 0;
        for (var i = 0; i < 3000; i++)
        {
            var bytes = Encoding.UTF8.GetBytes(Seeds[random.Next(Seeds.Length)]).ToList();
            var alphabet = "{}[]\",:0123456789aeflnrstu\\-."u8;
            var edits = random.Next(1, 4);
            for (var e = 0; e < edits && bytes.Count > 0; e++)
            {
                var at = random.Next(bytes.Count);
                switch (random.Next(4))
                {
                    case 0: bytes.RemoveRange(at, bytes.Count - at); break;
                    case 1: bytes.RemoveAt(at); break;
                    case 2: bytes[at] = alphabet[random.Next(alphabet.Length)]; break;
                    default: bytes.Insert(at, alphabet[random.Next(alphabet.Length)]); break;
                }
            }

            var body = bytes.ToArray();
            if (!IsJson(body))
            {
                continue;
            }

            parsed++;
            AssertWellFormed(MetaPayloadParser.Parse(body));
        }

        Assert.True(parsed > 100, $"only {parsed} mutated bodies were valid JSON");
    }

    [Fact]
    public void Generated_Type_Confusion_Anywhere_In_The_Tree_Never_Throws()
    {
        var random = new Random(4242);
        for (var i = 0; i < 3000; i++)
        {
            var root = JsonNode.Parse(Seeds[random.Next(Seeds.Length)])!;
            var edits = random.Next(1, 4);
            for (var e = 0; e < edits; e++)
            {
                var nodes = new List<JsonNode>();
                Collect(root, nodes);
                var target = nodes[random.Next(nodes.Count)];
                var replacement = Replacements[random.Next(Replacements.Length)]?.DeepClone();
                switch (target.Parent)
                {
                    case JsonObject parent:
                        parent[target.GetPropertyName()] = replacement;
                        break;
                    case JsonArray parent:
                        parent[target.GetElementIndex()] = replacement;
                        break;
                }
            }

            AssertWellFormed(MetaPayloadParser.Parse(Encoding.UTF8.GetBytes(root.ToJsonString())));
        }
    }

    private static void Collect(JsonNode? node, List<JsonNode> into)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var property in obj)
                {
                    if (property.Value is not null)
                    {
                        into.Add(property.Value);
                        Collect(property.Value, into);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    if (item is not null)
                    {
                        into.Add(item);
                        Collect(item, into);
                    }
                }

                break;
        }
    }

    private static bool IsJson(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static void AssertWellFormed(ParseResult result)
    {
        for (var i = 0; i < result.Events.Count; i++)
        {
            var ev = result.Events[i];
            Assert.False(string.IsNullOrEmpty(ev.AccountId));
            Assert.False(string.IsNullOrEmpty(ev.ParticipantId));
            Assert.Matches("^(instagram|messenger|whatsapp):[mprx]:.+$", ev.DedupKey);
            Assert.True(i == 0 || result.Events[i - 1].OccurredAt <= ev.OccurredAt);
        }

        foreach (var rejected in result.Rejected)
        {
            Assert.False(string.IsNullOrEmpty(rejected.Reason));
            Assert.NotNull(rejected.RawJson);
        }

        Assert.True(result.IgnoredCount >= 0);
    }
}
