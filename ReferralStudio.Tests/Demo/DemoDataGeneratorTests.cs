using System.Globalization;
using System.Text;
using System.Text.Json;
using ReferralStudio.Demo;
using ReferralStudio.Platforms;
using ReferralStudio.Triggers.Matching;
using ReferralStudio.Webhooks.Parsing;

namespace ReferralStudio.Tests.Demo;

public sealed class DemoDataGeneratorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 14, 30, 15, 123, TimeSpan.Zero);
    private static readonly TimeSpan StoreOffset = TimeSpan.FromHours(1);
    private static readonly PrefilledTextRefExtractor Extractor = new(PrefilledTextRefExtractor.DefaultPattern);
    private static readonly Lazy<Parsed> Default = new(() => Parse(DemoDataGenerator.Generate(Now)));

    [Fact]
    public void Every_Body_Parses_Into_Accepted_Events_Only()
    {
        var parsed = Default.Value;

        Assert.NotEmpty(parsed.Deliveries);
        foreach (var (delivery, result) in parsed.Deliveries)
        {
            Assert.Empty(result.Rejected);
            Assert.Equal(0, result.IgnoredCount);
            Assert.NotEmpty(result.Events);
            var platform = MetaPayloadParser.PlatformOf(delivery.Object);
            Assert.NotNull(platform);
            Assert.All(result.Events, e => Assert.Equal(platform, e.Platform));
            Assert.All(result.Events, e => Assert.Equal(EventChannel.Messaging, e.Channel));
        }
    }

    [Fact]
    public void Every_Referral_Ref_And_Prefilled_Code_Is_Valid()
    {
        var parsed = Default.Value;
        var referrals = parsed.Events.Where(e => e.Referral is not null).Select(e => e.Referral!).ToList();

        Assert.NotEmpty(referrals);
        Assert.All(referrals, r => Assert.Null(r.RefRejection));
        Assert.All(referrals.Where(r => r.Ref is not null), r => Assert.Null(RefValidator.Validate(r.Ref!)));
        Assert.All(referrals, r => Assert.True(r.IsCampaignTouch));
        Assert.All(parsed.PrefilledCodes, code => Assert.Null(RefValidator.Validate(code)));
    }

    [Fact]
    public void Every_Event_And_Conversion_Belongs_To_A_Demo_Account()
    {
        var parsed = Default.Value;
        var accounts = parsed.Data.Accounts.ToDictionary(a => a.Platform, a => a.AccountId);

        Assert.Equal(["instagram", "messenger", "whatsapp"], accounts.Keys.Order());
        Assert.All(accounts.Values, id => Assert.StartsWith(DemoDataGenerator.AccountPrefix, id, StringComparison.Ordinal));
        Assert.All(parsed.Events, e => Assert.Equal(accounts[Name(e.Platform)], e.AccountId));
        Assert.All(parsed.Data.Conversions, c => Assert.Equal(accounts[c.Platform], c.AccountId));
    }

    [Fact]
    public void Every_Time_Lies_In_The_Thirty_Days_Before_Now()
    {
        var parsed = Default.Value;
        var from = Now - TimeSpan.FromDays(30);

        Assert.All(parsed.Events, e => Assert.InRange(e.OccurredAt, from, Now));
        foreach (var (delivery, result) in parsed.Deliveries)
        {
            var latest = result.Events.Max(e => e.OccurredAt);
            Assert.InRange(delivery.ReceivedAt, latest, latest + TimeSpan.FromSeconds(5));
            Assert.True(delivery.ReceivedAt <= Now);
        }

        Assert.Equal(parsed.Data.Deliveries.OrderBy(d => d.ReceivedAt), parsed.Data.Deliveries);
        Assert.All(parsed.Data.Conversions, c => Assert.InRange(c.OccurredAt, from, Now));
    }

    [Fact]
    public void A_Now_With_An_Offset_And_Sub_Millisecond_Ticks_Keeps_Every_Time_In_Range()
    {
        var now = new DateTimeOffset(2027, 3, 1, 0, 0, 0, TimeSpan.FromHours(5.5)).AddTicks(1234);
        var parsed = Parse(DemoDataGenerator.Generate(now, seed: 3, conversations: 400));

        Assert.All(parsed.Events, e => Assert.InRange(e.OccurredAt, now - TimeSpan.FromDays(30), now));
        Assert.All(parsed.Data.Deliveries, d => Assert.True(d.ReceivedAt <= now));
        Assert.All(parsed.Data.Conversions, c => Assert.InRange(c.OccurredAt, now - TimeSpan.FromDays(30), now));
    }

    [Fact]
    public void Timestamps_Are_Epoch_Milliseconds_On_Meta_And_String_Seconds_On_WhatsApp()
    {
        var from = (Now - TimeSpan.FromDays(30)).ToUnixTimeMilliseconds();
        var to = Now.ToUnixTimeMilliseconds();

        foreach (var delivery in Default.Value.Data.Deliveries)
        {
            using var document = JsonDocument.Parse(delivery.Body);
            var entry = Assert.Single(document.RootElement.GetProperty("entry").EnumerateArray());
            if (delivery.Object == "whatsapp_business_account")
            {
                Assert.False(entry.TryGetProperty("time", out _));
                foreach (var change in entry.GetProperty("changes").EnumerateArray())
                {
                    var message = Assert.Single(change.GetProperty("value").GetProperty("messages").EnumerateArray());
                    var seconds = long.Parse(message.GetProperty("timestamp").GetString()!, CultureInfo.InvariantCulture);
                    Assert.InRange(seconds * 1000, from, to);
                    Assert.StartsWith("wamid.", message.GetProperty("id").GetString(), StringComparison.Ordinal);
                }
            }
            else
            {
                var time = entry.GetProperty("time").GetInt64();
                Assert.InRange(time, from, delivery.ReceivedAt.ToUnixTimeMilliseconds());
                foreach (var ev in entry.GetProperty("messaging").EnumerateArray())
                {
                    Assert.InRange(ev.GetProperty("timestamp").GetInt64(), from, time);
                }
            }
        }
    }

    [Fact]
    public void Every_Arrival_Form_Appears_On_The_Platforms_That_Have_It()
    {
        var parsed = Default.Value;
        var seen = parsed.Events
            .Where(e => e.Referral is not null)
            .Select(e => (e.Platform, e.Kind, e.Referral!.Arrival))
            .ToHashSet();

        Assert.Contains((Platform.Instagram, EventKind.Message, ReferralArrival.FirstMessage), seen);
        Assert.Contains((Platform.Instagram, EventKind.Postback, ReferralArrival.Postback), seen);
        Assert.Contains((Platform.Instagram, EventKind.Referral, ReferralArrival.Standalone), seen);
        Assert.Contains((Platform.Instagram, EventKind.Message, ReferralArrival.Ad), seen);
        Assert.Contains((Platform.Messenger, EventKind.Postback, ReferralArrival.Postback), seen);
        Assert.Contains((Platform.Messenger, EventKind.Referral, ReferralArrival.Standalone), seen);
        Assert.Contains((Platform.Messenger, EventKind.Message, ReferralArrival.Ad), seen);
        Assert.Contains((Platform.Messenger, EventKind.Postback, ReferralArrival.Ad), seen);
        Assert.Contains((Platform.Messenger, EventKind.Referral, ReferralArrival.Ad), seen);
        Assert.Contains((Platform.WhatsApp, EventKind.Message, ReferralArrival.Ad), seen);

        var whatsAppTexts = parsed.Events.Where(e => e.Platform == Platform.WhatsApp && e.Referral is null).Select(e => e.Text!).ToList();
        Assert.Contains(whatsAppTexts, t => t.Contains("ref:", StringComparison.Ordinal) && Extractor.Extract(t) is not null);

        var ctwa = parsed.Events.Where(e => e.Platform == Platform.WhatsApp && e.Referral is not null).Select(e => e.Referral!).ToList();
        Assert.All(ctwa, r => Assert.NotNull(r.SourceId));
        Assert.Contains(ctwa, r => r.CtwaClid is not null);
        Assert.Contains(ctwa, r => r.CtwaClid is null);

        var sources = parsed.Events.Where(e => e.Referral is not null && e.Platform != Platform.WhatsApp)
            .GroupBy(e => e.Platform)
            .ToDictionary(g => g.Key, g => g.Select(e => e.Referral!.Source).ToHashSet());
        Assert.Equal(["ADS", "IGME_SOURCE_LINK", "SHORTLINKS"], sources[Platform.Instagram].Order());
        Assert.Equal(["ADS", "SHORTLINK"], sources[Platform.Messenger].Order());
        Assert.All(
            parsed.Events.Where(e => e.Referral?.Source == "ADS"),
            e => Assert.NotNull(e.Referral!.AdId));
    }

    [Fact]
    public void Demo_Triggers_Are_Valid_And_Match_At_Least_Ninety_Percent_Of_Campaign_Refs()
    {
        var parsed = Default.Value;
        var triggers = parsed.Data.Triggers;
        Assert.All(triggers, t => Assert.Null(PatternRules.Validate(t.Pattern)));
        Assert.All(triggers, t => Assert.All(t.Tags, tag => Assert.Null(TagTemplates.Validate(tag, t.Pattern))));
        Assert.All(triggers, t => Assert.All(t.Platforms, p => Assert.Contains(p, PlatformNames.All)));
        Assert.Contains(triggers, t => !string.IsNullOrWhiteSpace(t.GreetingText));
        Assert.Contains(triggers, t => t.Pattern == "collab_*" && t.Tags.Contains("affiliate:{1}") && t.Tags.Contains("campaign:collab"));
        Assert.Contains(triggers, t => t.Pattern == "*_tiktok" && t.Tags.Contains("channel:tiktok"));

        var matcher = TriggerMatcher.Build(triggers.Select((t, i) => new TriggerDefinition(i + 1, t.Name, t.Pattern, t.Platforms, [], 0, Now)));
        var refs = parsed.Conversations.Values.SelectMany(c => c.Touches.Where(t => t.Ref is not null).Select(t => (c.Platform, t.Ref))).ToList();
        var matched = refs.Select(r => matcher.Match(Name(r.Platform), r.Ref, null)).ToList();

        Assert.True(refs.Count > 1000, $"only {refs.Count} ref touches");
        var share = matched.Count(m => m is not null) / (double)refs.Count;
        Assert.True(share >= 0.9, $"demo triggers match {share:P1} of the refs");
        Assert.True(share < 1, "a few refs (typos, old links) should match nothing, as in real life");
        Assert.Equal(
            triggers.Select(t => t.Name).Order(),
            matched.Where(m => m is not null).Select(m => m!.Value.Trigger.Name).Distinct().Order());
        Assert.Equal("collab_*", matcher.Match("instagram", "collab_alice", null)?.Trigger.Pattern);
    }

    [Fact]
    public void Conversions_Belong_To_Generated_Participants_And_Follow_Their_First_Touch()
    {
        var parsed = Default.Value;
        var conversions = parsed.Data.Conversions;

        foreach (var conversion in conversions)
        {
            var key = (Parse(conversion.Platform), conversion.AccountId, conversion.ParticipantId);
            Assert.True(parsed.Conversations.TryGetValue(key, out var conversation), $"{key} is not a demo conversation");
            Assert.NotEmpty(conversation.Touches);
            Assert.True(conversion.OccurredAt > conversation.Touches[0].At, $"{conversion.ExternalId} is not after the first touch");
            Assert.True(conversion.OccurredAt <= Now);
            Assert.Contains(conversion.Type, new[] { "signup", "purchase" });
            Assert.InRange(conversion.Value, 9.99, 249.00);
            Assert.Equal("EUR", conversion.Currency);
            Assert.StartsWith("demo-", conversion.ExternalId, StringComparison.Ordinal);
        }

        Assert.Equal(conversions.Count, conversions.Select(c => c.ExternalId).Distinct().Count());
        Assert.Contains(conversions, c => c.ExternalId.StartsWith("demo-order-", StringComparison.Ordinal));
        Assert.Contains(conversions, c => c.Type == "signup");
        var campaignConversations = parsed.Conversations.Values.Count(c => c.Touches.Count > 0);
        var rate = conversions.Select(c => (c.Platform, c.ParticipantId)).Distinct().Count() / (double)campaignConversations;
        Assert.InRange(rate, 0.08, 0.16);
    }

    [Fact]
    public void Same_Seed_Gives_The_Same_Data_Set_And_Another_Seed_Does_Not()
    {
        var first = DemoDataGenerator.Generate(Now, seed: 7, conversations: 500);
        var again = DemoDataGenerator.Generate(Now, seed: 7, conversations: 500);
        var other = DemoDataGenerator.Generate(Now, seed: 8, conversations: 500);

        Assert.Equal(first.Deliveries, again.Deliveries);
        Assert.Equal(first.Conversions, again.Conversions);
        Assert.Equal(first.Triggers, again.Triggers);
        Assert.NotEqual(first.Deliveries, other.Deliveries);
        Assert.NotEqual(first.Conversions, other.Conversions);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(40)]
    [InlineData(3000)]
    public void Requested_Conversation_Count_Is_Honoured(int conversations)
    {
        var parsed = conversations == 3000 ? Default.Value : Parse(DemoDataGenerator.Generate(Now, conversations: conversations));

        Assert.Equal(conversations, parsed.Conversations.Count);
    }

    [Fact]
    public void No_Conversations_Gives_Triggers_And_Accounts_But_No_Traffic()
    {
        var data = DemoDataGenerator.Generate(Now, conversations: 0);

        Assert.Empty(data.Deliveries);
        Assert.Empty(data.Conversions);
        Assert.NotEmpty(data.Triggers);
        Assert.Equal(3, data.Accounts.Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => DemoDataGenerator.Generate(Now, conversations: -1));
    }

    [Fact]
    public void Message_Ids_And_Dedup_Keys_Are_Unique_So_No_Event_Collapses()
    {
        var events = Default.Value.Events;
        var messageIds = events.Where(e => e.MessageId is not null).Select(e => e.MessageId!).ToList();

        Assert.Equal(events.Count(e => e.Kind != EventKind.Referral), messageIds.Count);
        Assert.Equal(messageIds.Count, messageIds.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(events.Count, events.Select(e => e.DedupKey).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Platform_Mix_Is_About_Half_Instagram_Three_Tenths_Messenger_A_Fifth_WhatsApp()
    {
        var conversations = Default.Value.Conversations.Values.ToList();
        double Share(Platform platform) => conversations.Count(c => c.Platform == platform) / (double)conversations.Count;

        Assert.InRange(Share(Platform.Instagram), 0.45, 0.55);
        Assert.InRange(Share(Platform.Messenger), 0.25, 0.35);
        Assert.InRange(Share(Platform.WhatsApp), 0.15, 0.25);
    }

    [Fact]
    public void Weekends_And_Evenings_Are_Busier_Than_Weekdays_And_Nights()
    {
        var starts = Default.Value.Conversations.Values.Select(c => c.Events[0].OccurredAt.ToOffset(StoreOffset)).ToList();
        var days = Enumerable.Range(1, 28).Select(d => (Now - TimeSpan.FromDays(d)).ToOffset(StoreOffset).Date).ToHashSet();
        var perDay = starts.Where(s => days.Contains(s.Date)).GroupBy(s => s.Date).ToDictionary(g => g.Key, g => g.Count());
        double Average(bool weekend) => days.Where(d => d.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday == weekend).Average(d => perDay.GetValueOrDefault(d));

        Assert.True(Average(weekend: true) > 1.25 * Average(weekend: false), $"weekend {Average(true):F1}/day, weekday {Average(false):F1}/day");

        var evening = starts.Count(s => s.Hour is >= 15 and < 22);
        var night = starts.Count(s => s.Hour is >= 0 and < 7);
        Assert.True(evening > 5 * night, $"{evening} starts 15-22h, {night} starts 0-7h");
    }

    [Fact]
    public void Some_Conversations_Get_A_Later_Different_Touch_Follow_Ups_Or_No_Campaign()
    {
        var conversations = Default.Value.Conversations.Values.ToList();
        var campaign = conversations.Where(c => c.Touches.Count > 0).ToList();

        var changed = campaign.Count(c => c.Touches[^1].Identity != c.Touches[0].Identity) / (double)campaign.Count;
        Assert.InRange(changed, 0.08, 0.17);

        var none = conversations.Count(c => c.Touches.Count == 0) / (double)conversations.Count;
        Assert.InRange(none, 0.03, 0.07);

        var followedUp = campaign.Count(c => c.Events.Any(e => e.Kind == EventKind.Message && e.Referral is null && e.OccurredAt > c.Touches[0].At));
        Assert.True(followedUp > campaign.Count / 5, $"{followedUp} of {campaign.Count} conversations have a follow-up message");
    }

    [Fact]
    public void WhatsApp_Texts_Carry_A_Code_Only_In_The_First_Message_Of_An_Organic_Conversation()
    {
        foreach (var conversation in Default.Value.Conversations.Values.Where(c => c.Platform == Platform.WhatsApp))
        {
            foreach (var ev in conversation.Events.Skip(1))
            {
                Assert.Null(Extractor.Extract(ev.Text));
            }

            if (conversation.Events[0].Referral is not null)
            {
                Assert.Null(Extractor.Extract(conversation.Events[0].Text));
            }
        }
    }

    [Fact]
    public void Some_Deliveries_Batch_Several_Events_Of_One_Platform_But_Most_Carry_One()
    {
        var deliveries = Default.Value.Deliveries;
        var batched = deliveries.Where(d => d.Result.Events.Count > 1).ToList();

        Assert.NotEmpty(batched);
        Assert.True(deliveries.Count - batched.Count >= 0.85 * deliveries.Count, $"{batched.Count} of {deliveries.Count} deliveries are batched");
        Assert.All(batched, d => Assert.True(d.Result.Events[^1].OccurredAt - d.Result.Events[0].OccurredAt < TimeSpan.FromMinutes(1)));
    }

    private static string Name(Platform platform) => platform switch
    {
        Platform.Instagram => PlatformNames.Instagram,
        Platform.Messenger => PlatformNames.Messenger,
        _ => PlatformNames.WhatsApp,
    };

    private static Platform Parse(string platform) => platform switch
    {
        PlatformNames.Instagram => Platform.Instagram,
        PlatformNames.Messenger => Platform.Messenger,
        _ => Platform.WhatsApp,
    };

    // Runs every body through the app's parser and rebuilds conversations and their campaign touches from the events.
    private static Parsed Parse(DemoDataSet data)
    {
        var deliveries = data.Deliveries.Select(d => (d, MetaPayloadParser.Parse(Encoding.UTF8.GetBytes(d.Body)))).ToList();
        var events = deliveries.SelectMany(d => d.Item2.Events).ToList();
        var conversations = new Dictionary<(Platform, string, string), Conversation>();
        foreach (var ev in events.OrderBy(e => e.OccurredAt))
        {
            var key = (ev.Platform, ev.AccountId, ev.ParticipantId);
            if (!conversations.TryGetValue(key, out var conversation))
            {
                conversations[key] = conversation = new Conversation(ev.Platform, [], []);
            }

            conversation.Events.Add(ev);
        }

        var prefilled = new List<string>();
        foreach (var conversation in conversations.Values)
        {
            foreach (var ev in conversation.Events)
            {
                if (ev.Referral is { IsCampaignTouch: true } referral)
                {
                    conversation.Touches.Add(new Touch(ev.OccurredAt, referral.RefRejection is null ? referral.Ref : null, referral.Ref ?? referral.AdId!));
                }
                else if (ev.Platform == Platform.WhatsApp && ev == conversation.Events[0] && Extractor.Extract(ev.Text) is { } code)
                {
                    prefilled.Add(code);
                    conversation.Touches.Add(new Touch(ev.OccurredAt, code, code));
                }
            }
        }

        return new Parsed(data, deliveries, events, conversations, prefilled);
    }

    private sealed record Parsed(
        DemoDataSet Data,
        IReadOnlyList<(DemoDelivery Delivery, ParseResult Result)> Deliveries,
        IReadOnlyList<ParsedEvent> Events,
        IReadOnlyDictionary<(Platform, string, string), Conversation> Conversations,
        IReadOnlyList<string> PrefilledCodes);

    private sealed record Conversation(Platform Platform, List<ParsedEvent> Events, List<Touch> Touches);

    /// <summary>A campaign touch: its valid ref (null for an ad without one) and what identifies it (ref, else ad id).</summary>
    private sealed record Touch(DateTimeOffset At, string? Ref, string Identity);
}
