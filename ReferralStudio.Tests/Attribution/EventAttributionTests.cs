using System.Collections.Frozen;
using ReferralStudio.Attribution;
using ReferralStudio.Platforms;
using ReferralStudio.Triggers;
using ReferralStudio.Triggers.Matching;
using ReferralStudio.Webhooks.Parsing;

namespace ReferralStudio.Tests.Attribution;

/// <summary>What an accepted event means for its conversation, decided without a database.</summary>
public sealed class EventAttributionTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-20T10:00:00Z");
    private static readonly PrefilledTextRefExtractor PrefilledText = new(PrefilledTextRefExtractor.DefaultPattern);

    private static readonly Trigger SummerSale = new() { Id = 1, Name = "Summer sale", Pattern = "summer_sale", CreatedAt = T0 };
    private static readonly Trigger Affiliates = new() { Id = 2, Name = "Affiliates", Pattern = "aff_*", CreatedAt = T0 };
    private static readonly Trigger InstagramOnly = new() { Id = 3, Name = "Instagram only", Pattern = "ig_only", Platforms = [PlatformNames.Instagram], CreatedAt = T0 };
    private static readonly Trigger SpringAd = new() { Id = 4, Name = "Spring ad", Pattern = "spring_launch", AdIds = ["120210000000001"], CreatedAt = T0 };

    private static readonly TriggerCatalog.Snapshot Triggers = Snapshot(SummerSale, Affiliates, InstagramOnly, SpringAd);

    [Fact]
    public void Meta_Referral_Is_The_Events_Referral()
    {
        var referral = Referral("summer_sale");
        var parsed = Event(Platform.WhatsApp, EventKind.Message, text: "ref: other_code", referral: referral);

        Assert.Same(referral, EventAttribution.ReferralOf(parsed, new ConversationState(), PrefilledText));
    }

    [Fact]
    public void WhatsApp_Code_Is_Read_From_The_First_Inbound_Text_Only()
    {
        var conversation = new ConversationState { CreatedAt = T0, LastActivityAt = T0 };
        var first = Event(Platform.WhatsApp, EventKind.Message, text: "Hi! ref: qr_store_berlin");

        var found = EventAttribution.ReferralOf(first, conversation, PrefilledText);
        EventAttribution.Observe(conversation, first);
        var second = EventAttribution.ReferralOf(Event(Platform.WhatsApp, EventKind.Message, text: "again ref: qr_store_berlin"), conversation, PrefilledText);

        Assert.Equal("qr_store_berlin", found?.Ref);
        Assert.Equal(ReferralArrival.PrefilledText, found?.Arrival);
        Assert.Null(second);
    }

    [Theory]
    [InlineData(Platform.Instagram, EventKind.Message)]
    [InlineData(Platform.Messenger, EventKind.Message)]
    [InlineData(Platform.WhatsApp, EventKind.Postback)]
    public void Prefilled_Text_Is_Read_Only_From_WhatsApp_Messages(Platform platform, EventKind kind)
    {
        var parsed = Event(platform, kind, text: "ref: summer_sale");

        Assert.Null(EventAttribution.ReferralOf(parsed, new ConversationState(), PrefilledText));
    }

    [Fact]
    public void Observing_A_Message_Counts_It_Moves_The_Window_And_Keeps_The_Newest_Name()
    {
        var conversation = new ConversationState { CreatedAt = T0, LastActivityAt = T0, ParticipantName = "Old name" };

        EventAttribution.Observe(conversation, Event(Platform.Instagram, EventKind.Message, text: "hello", at: T0.AddHours(2), name: "Ada"));
        EventAttribution.Observe(conversation, Event(Platform.Instagram, EventKind.Referral, at: T0.AddHours(1)));

        Assert.Equal(1, conversation.MessageCount);
        Assert.True(conversation.HasInboundText);
        Assert.Equal("Ada", conversation.ParticipantName);
        Assert.Equal(T0.AddHours(2), conversation.LastActivityAt);
        Assert.Equal(T0.AddHours(26), conversation.WindowExpiresAt);
        Assert.True(conversation.Dirty);
    }

    [Theory]
    [InlineData(EventKind.Message, EventChannel.Messaging, true)]
    [InlineData(EventKind.Postback, EventChannel.Messaging, true)]
    [InlineData(EventKind.Referral, EventChannel.Messaging, false)]
    [InlineData(EventKind.Message, EventChannel.Standby, false)]
    public void Greetings_Held_For_The_First_Message_Are_Due_When_The_Person_Writes_In_The_Thread(EventKind kind, EventChannel channel, bool due)
    {
        var parsed = Event(Platform.Messenger, kind, channel: channel);

        Assert.Equal(due, EventAttribution.ReleasesWaitingGreetings(parsed));
    }

    [Fact]
    public void Exact_Code_Fires_Its_Trigger()
    {
        var touch = EventAttribution.Touch(Referral("summer_sale"), PlatformNames.Instagram, Triggers);

        Assert.True(touch?.IsCampaignTouch);
        Assert.Same(SummerSale, touch?.Fired);
        Assert.Equal(MatchKind.Exact, touch?.Match?.Kind);
    }

    [Fact]
    public void Pattern_Fires_For_A_Code_It_Covers()
    {
        var touch = EventAttribution.Touch(Referral("aff_lena"), PlatformNames.Messenger, Triggers);

        Assert.Same(Affiliates, touch?.Fired);
        Assert.Equal(MatchKind.Pattern, touch?.Match?.Kind);
    }

    [Fact]
    public void Ad_Without_A_Ref_Fires_The_Trigger_That_Lists_The_Ad()
    {
        var touch = EventAttribution.Touch(Referral(null, adId: "120210000000001"), PlatformNames.WhatsApp, Triggers);

        Assert.True(touch?.IsCampaignTouch);
        Assert.Same(SpringAd, touch?.Fired);
        Assert.Equal(MatchKind.AdId, touch?.Match?.Kind);
    }

    [Fact]
    public void Code_Without_A_Trigger_Is_Still_A_Campaign_Touch()
    {
        var touch = EventAttribution.Touch(Referral("winter_sale"), PlatformNames.Instagram, Triggers);

        Assert.True(touch?.IsCampaignTouch);
        Assert.Null(touch?.Fired);
        Assert.Null(touch?.Match);
    }

    [Fact]
    public void Trigger_Limited_To_Another_Platform_Does_Not_Fire()
    {
        Assert.Same(InstagramOnly, EventAttribution.Touch(Referral("ig_only"), PlatformNames.Instagram, Triggers)?.Fired);
        Assert.Null(EventAttribution.Touch(Referral("ig_only"), PlatformNames.Messenger, Triggers)?.Fired);
    }

    [Fact]
    public void Trigger_Gone_From_The_Snapshot_Does_Not_Fire()
    {
        // The matcher still knows it; the trigger itself was disabled or deleted since (a stale matcher never fires it).
        var snapshot = new TriggerCatalog.Snapshot(Triggers.Matcher, new Dictionary<long, Trigger> { [Affiliates.Id] = Affiliates }.ToFrozenDictionary());

        Assert.Null(EventAttribution.Touch(Referral("summer_sale"), PlatformNames.Instagram, snapshot)?.Fired);
    }

    [Fact]
    public void Invalid_Ref_Records_No_Touch()
    {
        var rejected = Referral("<script>") with { RefRejection = "contains '<'" };

        Assert.Null(EventAttribution.Touch(rejected, PlatformNames.Instagram, Triggers));
        Assert.Null(EventAttribution.Touch(null, PlatformNames.Instagram, Triggers));
    }

    [Fact]
    public void Referral_Without_Code_Or_Ad_Is_History_Only_And_Fires_Nothing()
    {
        // A bare referral (for example an ads-manager preview) goes into the history without crediting a campaign.
        var touch = EventAttribution.Touch(Referral(null), PlatformNames.Messenger, Snapshot(new Trigger { Id = 9, Name = "All", Pattern = "*", CreatedAt = T0 }));

        Assert.NotNull(touch);
        Assert.False(touch.Value.IsCampaignTouch);
        Assert.Null(touch.Value.Fired);
    }

    private static TriggerCatalog.Snapshot Snapshot(params Trigger[] triggers) =>
        new(TriggerMatcher.Build(triggers.Select(TriggerCatalog.ToDefinition)), triggers.ToFrozenDictionary(t => t.Id));

    private static ParsedReferral Referral(string? code, string? adId = null) =>
        new() { Arrival = adId is null ? ReferralArrival.Standalone : ReferralArrival.Ad, Ref = code, AdId = adId, Source = adId is null ? "SHORTLINK" : "ADS" };

    private static ParsedEvent Event(Platform platform, EventKind kind, string? text = null, ParsedReferral? referral = null,
        EventChannel channel = EventChannel.Messaging, DateTimeOffset? at = null, string? name = null) => new()
    {
        Platform = platform,
        Channel = channel,
        Kind = kind,
        AccountId = "17841400000000000",
        ParticipantId = "participant-1",
        ParticipantName = name,
        OccurredAt = at ?? T0,
        DedupKey = Guid.NewGuid().ToString(),
        Text = text,
        Referral = referral,
    };
}
