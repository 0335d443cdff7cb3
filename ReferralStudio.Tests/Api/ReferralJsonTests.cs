using System.Buffers;
using System.Text;
using System.Text.Json;
using ReferralStudio.Outbound;
using ReferralStudio.Referrals;

namespace ReferralStudio.Tests.Api;

/// <summary>
/// A referral's JSON, pinned byte for byte as the API and the outbound events wrote it before the platform extras
/// became one type (<see cref="ReferralDetails"/>): the extras after the referral's own fields, each only when sent,
/// Meta's ads context as the object it is (compacted), text that is not JSON as a string, the trigger last.
/// </summary>
public sealed class ReferralJsonTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeMilliseconds(1_780_000_000_123);
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Fact]
    public void Every_Extra_Is_Written_After_The_Referral_And_Before_The_Trigger()
    {
        var referral = Full("""{ "ad_title" : "Caf\u00e9 <b>&", "photo_url": "https://x.test/y?a=1&b=2", "n": [1, 2.50, true, null] }""");

        Assert.Equal("""
            {"ref":"REF-\u00E9\u003C\u003E","source":"ADS","type":"OPEN_THREAD","arrival":"ad","receivedAt":"2026-05-28T20:26:40.123+00:00","occurredAt":"2026-05-28T20:26:37.123+00:00","passive":true,"campaignTouch":true,"adId":"120210000000002","adsContextData":{"ad_title":"Caf\u00E9 \u003Cb\u003E\u0026","photo_url":"https://x.test/y?a=1\u0026b=2","n":[1,2.50,true,null]},"ctwaClid":"clid","sourceId":"sid","sourceType":"ad","sourceUrl":"https://fb.me/x","headline":"Head \u0022q\u0022","body":"Body\n2","mediaType":"video","imageUrl":"i","videoUrl":"v","thumbnailUrl":"t","refererUri":"https://r.test/?a=1\u0026b=2","productId":"p","payload":"GET_STARTED","triggerId":42}
            """, JsonSerializer.Serialize(referral, Web));
        Assert.Equal("""
            {"id":"evt_1","type":"referral.received","timestamp":"2026-05-28T20:26:40.123+00:00","data":{"platform":"whatsapp","account":{"id":"a"},"conversation":{"id":1,"createdAt":"2026-05-28T20:26:40.123+00:00","windowExpiresAt":null},"sender":{"id":"s","name":null},"referral":{"ref":"REF-\u00E9\u003C\u003E","source":"ADS","type":"OPEN_THREAD","arrival":"ad","receivedAt":"2026-05-28T20:26:40.123+00:00","occurredAt":"2026-05-28T20:26:37.123+00:00","passive":true,"campaignTouch":true,"adId":"120210000000002","adsContextData":{"ad_title":"Caf\u00E9 \u003Cb\u003E\u0026","photo_url":"https://x.test/y?a=1\u0026b=2","n":[1,2.50,true,null]},"ctwaClid":"clid","sourceId":"sid","sourceType":"ad","sourceUrl":"https://fb.me/x","headline":"Head \u0022q\u0022","body":"Body\n2","mediaType":"video","imageUrl":"i","videoUrl":"v","thumbnailUrl":"t","refererUri":"https://r.test/?a=1\u0026b=2","productId":"p","payload":"GET_STARTED","triggerId":42},"trigger":null}}
            """, Event(referral).Serialize());
        Assert.Equal("""
            {"id":"evt_1","type":"referral.received","timestamp":"2026-05-28T20:26:40.123+00:00","data":{"platform":"whatsapp","account":{"id":"a"},"conversation":{"id":1,"createdAt":"2026-05-28T20:26:40.123+00:00","windowExpiresAt":null},"sender":{"id":"s","name":null},"referral":{"ref":"REF-\u00E9\u003C\u003E","source":"ADS","type":"OPEN_THREAD","arrival":"ad","receivedAt":"2026-05-28T20:26:40.123+00:00","occurredAt":"2026-05-28T20:26:37.123+00:00","passive":true,"campaignTouch":true,"adId":"120210000000002","adsContextData":{"ad_title":"Caf\u00E9 \u003Cb\u003E\u0026","photo_url":"https://x.test/y?a=1\u0026b=2","n":[1,2.50,true,null]},"ctwaClid":"clid","sourceId":"sid","sourceType":"ad","sourceUrl":"https://fb.me/x","headline":"Head \u0022q\u0022","body":"Body\n2","mediaType":"video","imageUrl":"i","videoUrl":"v","thumbnailUrl":"t","refererUri":"https://r.test/?a=1\u0026b=2","productId":"p","payload":"GET_STARTED","triggerId":42},"trigger":null}}
            """, Written(Event(referral)));
    }

    [Fact]
    public void Ads_Context_That_Is_Not_Json_Is_Written_As_A_String()
    {
        Assert.Equal("""
            {"ref":"REF-\u00E9\u003C\u003E","source":"ADS","type":"OPEN_THREAD","arrival":"ad","receivedAt":"2026-05-28T20:26:40.123+00:00","occurredAt":"2026-05-28T20:26:37.123+00:00","passive":true,"campaignTouch":true,"adId":"120210000000002","adsContextData":"not json {","ctwaClid":"clid","sourceId":"sid","sourceType":"ad","sourceUrl":"https://fb.me/x","headline":"Head \u0022q\u0022","body":"Body\n2","mediaType":"video","imageUrl":"i","videoUrl":"v","thumbnailUrl":"t","refererUri":"https://r.test/?a=1\u0026b=2","productId":"p","payload":"GET_STARTED","triggerId":42}
            """, JsonSerializer.Serialize(Full("not json {"), Web));
    }

    [Fact]
    public void Extras_Meta_Did_Not_Send_Are_Left_Out()
    {
        Assert.Equal("""
            {"ref":null,"source":null,"type":null,"arrival":"prefilled_text","receivedAt":"2026-05-28T20:26:40.123+00:00","occurredAt":"2026-05-28T20:26:40.123+00:00","passive":false,"campaignTouch":false}
            """, JsonSerializer.Serialize(new ReferralDto { Arrival = "prefilled_text", ReceivedAt = At, OccurredAt = At }, Web));
        var triggered = new ReferralDto
        {
            Ref = "r", Source = "SHORTLINK", Type = "OPEN_THREAD", Arrival = "first_message", ReceivedAt = At, OccurredAt = At, CampaignTouch = true, TriggerId = 3,
        };
        Assert.Equal("""
            {"ref":"r","source":"SHORTLINK","type":"OPEN_THREAD","arrival":"first_message","receivedAt":"2026-05-28T20:26:40.123+00:00","occurredAt":"2026-05-28T20:26:40.123+00:00","passive":false,"campaignTouch":true,"triggerId":3}
            """, JsonSerializer.Serialize(triggered, Web));
    }

    private static ReferralDto Full(string adsContext) => new(new ReferralDetails
    {
        AdsContextData = adsContext, CtwaClid = "clid", SourceId = "sid", SourceType = "ad", SourceUrl = "https://fb.me/x", Headline = "Head \"q\"",
        Body = "Body\n2", MediaType = "video", ImageUrl = "i", VideoUrl = "v", ThumbnailUrl = "t", RefererUri = "https://r.test/?a=1&b=2", ProductId = "p",
        Payload = "GET_STARTED",
    })
    {
        Ref = "REF-é<>", Source = "ADS", Type = "OPEN_THREAD", Arrival = "ad", ReceivedAt = At, OccurredAt = At.AddSeconds(-3), Passive = true,
        CampaignTouch = true, AdId = "120210000000002", TriggerId = 42,
    };

    private static OutboundEvent Event(ReferralDto referral) => new("evt_1", "referral.received", At,
        new OutboundEventData("whatsapp", new AccountRef("a"), new ConversationRef(1, At, null), new SenderRef("s", null), referral, null));

    private static string Written(OutboundEvent message)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, OutboundEvent.WriterOptions))
        {
            message.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
