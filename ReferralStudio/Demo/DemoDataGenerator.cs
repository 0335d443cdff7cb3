using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ReferralStudio.Platforms;

namespace ReferralStudio.Demo;

/// <summary>A trigger to create with the demo data. <see cref="Platforms"/> empty means all three.</summary>
public sealed record DemoTrigger(string Name, string Pattern, IReadOnlyList<string> Platforms, IReadOnlyList<string> Tags, string? GreetingText);

/// <summary>One webhook delivery: <see cref="Body"/> is the JSON text Meta would POST for <see cref="Object"/>.</summary>
public sealed record DemoDelivery(string Object, string Body, DateTimeOffset ReceivedAt);

/// <summary>A conversion to post back for a demo participant, after that conversation's first touch.</summary>
public sealed record DemoConversion(string Platform, string AccountId, string ParticipantId, string Type, double Value, string Currency, DateTimeOffset OccurredAt, string ExternalId);

/// <summary>Everything the demo needs: triggers to create, deliveries to feed through the inbox, conversions to post.</summary>
public sealed record DemoDataSet(IReadOnlyList<DemoTrigger> Triggers, IReadOnlyList<DemoDelivery> Deliveries, IReadOnlyList<DemoConversion> Conversions, IReadOnlyList<DemoAccount> Accounts);

/// <summary>A business account the demo data talks to; <see cref="AccountId"/> starts with <see cref="DemoDataGenerator.AccountPrefix"/>.</summary>
public sealed record DemoAccount(string Platform, string AccountId, string Handle);

/// <summary>
/// Builds a realistic, deterministic demo data set: Meta webhook bodies (Instagram, Messenger, WhatsApp) for a
/// number of conversations over the 30 days before <c>now</c>, the triggers that match their ref codes and the
/// conversions some of them led to. Pure: no I/O and no clock; the same (now, seed, conversations) always
/// yields the same data set.
/// </summary>
/// <remarks>
/// Conversations arrive in every form Meta documents: Instagram ig.me referrals in the first message, in an ice
/// breaker postback or standalone into an existing thread; Messenger Get Started postbacks and standalone m.me
/// referrals; click-to-Messenger/Instagram ads (<c>source: ADS</c> with <c>ad_id</c>); Click-to-WhatsApp ads
/// (<c>source_id</c>, <c>ctwa_clid</c>) and organic wa.me texts carrying <c>ref: code</c>. Some get a later
/// touch with a different code, some plain follow-up messages, a few no campaign at all. Arrivals are busier at
/// weekends and in the afternoon and evening (store time, UTC+1). Events of one platform close together are
/// sometimes batched into one delivery, as Meta does.
/// </remarks>
public static class DemoDataGenerator
{
    /// <summary>Every demo account id starts with this, so demo data can be cleared by account.</summary>
    public const string AccountPrefix = "demo-";

    public const string InstagramAccountId = "demo-ig-1784140000";
    public const string PageId = "demo-page-1065403";
    public const string PhoneNumberId = "demo-wa-1065403529";

    /// <summary>Participant ids embed the conversation number in six digits.</summary>
    public const int MaxConversations = 100_000;

    private const string WhatsAppBusinessAccountId = "demo-waba-1022901293";
    private const string DisplayPhoneNumber = "15550100200";
    private const string Currency = "EUR";

    private const double NoCampaignShare = 0.05;
    private const double SecondTouchShare = 0.13;
    private const double ConversionShare = 0.13; // the per-code factors average a little under 1
    private const double ExtraFollowUpShare = 0.3;

    private const int BatchWindowSeconds = 60;
    private const int MaxBatchEvents = 5;
    private const double BatchJoinChance = 0.6;

    // Store time for the daily rhythm: busier afternoons and evenings, quiet nights.
    private static readonly TimeSpan StoreOffset = TimeSpan.FromHours(1);
    private static readonly double[] HourWeights =
    [
        0.25, 0.15, 0.1, 0.08, 0.08, 0.12, 0.25, 0.5, 0.8, 1.0, 1.1, 1.2,
        1.3, 1.4, 1.5, 1.7, 1.9, 2.1, 2.3, 2.4, 2.3, 2.0, 1.4, 0.7,
    ];

    /// <summary>How far back the demo conversations reach.</summary>
    public static TimeSpan Period { get; } = TimeSpan.FromDays(30);

    public static IReadOnlyList<DemoAccount> Accounts { get; } =
    [
        new(PlatformNames.Instagram, InstagramAccountId, "acme.demo"),
        new(PlatformNames.Messenger, PageId, "acmedemo"),
        new(PlatformNames.WhatsApp, PhoneNumberId, "+15550100200"),
    ];

    public static IReadOnlyList<DemoTrigger> Triggers { get; } =
    [
        new("Summer sale", "summer_sale", [], ["campaign:summer"], null),
        new("Black Friday", "black_friday", [], ["campaign:black-friday"], null),
        new("Berlin store QR", "qr-store-berlin", [], ["campaign:store", "store:berlin"], "Hi! Thanks for visiting Acme Berlin. Show this chat at the till for 10% off."),
        new("November newsletter", "newsletter_nov", [], ["campaign:newsletter"], null),
        new("Affiliates", "collab_*", [], ["affiliate:{1}", "campaign:collab"], null),
        new("TikTok", "*_tiktok", [], ["channel:tiktok"], null),
    ];

    // Ref codes people arrive with; a few match no trigger (a typo, an old link), as in real life.
    private static readonly Code[] Codes =
    [
        new("summer_sale", 22, 1.0),
        new("black_friday", 18, 1.3),
        new("qr-store-berlin", 10, 1.5),
        new("newsletter_nov", 10, 1.2),
        new("collab_alice", 8, 0.9),
        new("collab_bob", 5, 0.9),
        new("collab_chen", 4, 0.9),
        new("collab_dana_tiktok", 4, 0.8),
        new("collab_emre", 3, 0.9),
        new("collab_farah_tiktok", 3, 0.8),
        new("collab_gus", 2, 0.9),
        new("collab_hana", 1, 0.9),
        new("bio_tiktok", 5, 0.7),
        new("launch_tiktok", 3, 0.7),
        new("giveaway_oct", 2, 0.6),
        new("sumer_sale", 1, 0.6),
        new("story_0411", 1, 0.6),
    ];

    // Click-to-Messenger / click-to-Instagram-Direct ads; an ad may carry a ref of its own.
    private static readonly Ad[] MetaAds =
    [
        new("120210345678901234", "summer_sale", "Summer Sale - up to 40% off", "image", "summer-sale", 3),
        new("120210456789012345", "black_friday", "Black Friday starts now", "video", "black-friday", 3),
        new("120210567890123456", null, "The new autumn collection", "image", "autumn-collection", 2),
    ];

    // Click-to-WhatsApp ads: WhatsApp has no ref, the ad id is the campaign identity.
    private static readonly Ad[] WhatsAppAds =
    [
        new("120211234567890123", null, "Summer Sale - up to 40% off", "image", "wa-summer-sale", 3),
        new("120211345678901234", null, "Black Friday: chat with us for early access", "video", "wa-black-friday", 2),
        new("120211456789012345", null, "Book a fitting in our Berlin store", "image", "wa-berlin-fitting", 1),
    ];

    private static readonly (string Title, string Payload)[] IceBreakers =
    [
        ("What's on sale right now?", "ICEBREAKER_SALE"),
        ("Where is your store?", "ICEBREAKER_STORE"),
        ("Do you ship to my country?", "ICEBREAKER_SHIPPING"),
        ("Can I talk to a person?", "ICEBREAKER_HUMAN"),
    ];

    private static readonly string[] Openers =
    [
        "Hi! Is the sale still on?",
        "Hey, I came from the link in your bio",
        "Hello 👋 do you have this in size M?",
        "Hi, I'd like to know more",
        "Is shipping free?",
        "Hey! Saw your post, love it",
        "Hi there, how does the discount work?",
    ];

    private static readonly string[] AdOpeners =
    [
        "Hi! I saw your ad",
        "Hello, is this still available?",
        "How much is this?",
        "Can I get more info on this?",
    ];

    private static readonly string[] FollowUpTexts =
    [
        "Do you ship to Austria?",
        "What sizes are available?",
        "Thanks! 🙏",
        "Can I pay with PayPal?",
        "Is it still in stock?",
        "How long does delivery take?",
        "Great, I'll order tonight",
        "Do you have a discount code?",
        "Can I return it if it doesn't fit?",
        "Perfect, thank you!",
        "Is the store open on Saturday?",
        "Ok 👍",
    ];

    private static readonly string[] OrganicOpeners =
    [
        "Hi, are you open on Sunday?",
        "Hello! Question about my order",
        "Hey, love your stuff!",
        "Do you have gift cards?",
        "Hi, is there a store in Hamburg?",
    ];

    private static readonly string[] WhatsAppRefTemplates =
    [
        "Hi! ref: {0}",
        "Hi! ref: {0}",
        "Hi! ref: {0}",
        "Hello, I'd like to know more. ref: {0}",
        "Hi Acme 👋 ref: {0}",
    ];

    private static readonly string[] FirstNames =
    [
        "Lena", "Jonas", "Sofia", "Mateo", "Emma", "Noah", "Chloé", "Lucas", "Mia", "Elias", "Aylin", "Oliver",
        "Hannah", "Leon", "Zoë", "Amira", "Finn", "Marta",
    ];

    private static readonly string[] LastNames =
    [
        "Fischer", "Weber", "Rossi", "García", "Jansen", "Müller", "Martin", "Silva", "Schneider", "Novak",
        "Demir", "Brown", "Becker", "Wagner", "Dubois", "Kowalski",
    ];

    // Country code, mobile prefixes and full length in digits. The first (Germany, where the store is) is the most common.
    private static readonly (string Country, string[] Prefixes, int Length)[] PhonePlans =
    [
        ("49", ["151", "152", "157", "160", "162", "170", "172", "175", "176", "177", "179"], 13),
        ("43", ["664", "676", "699"], 12),
        ("41", ["76", "78", "79"], 11),
        ("33", ["6", "7"], 11),
        ("34", ["6"], 11),
        ("31", ["6"], 11),
        ("39", ["3"], 12),
        ("44", ["7"], 12),
    ];

    private static readonly double[] PurchaseValues = [19.99, 24.90, 29.99, 39.00, 49.90, 59.99, 79.00, 89.90, 119.00, 149.00, 189.00, 249.00];
    private static readonly double[] SignupValues = [9.99, 14.99, 19.99];

    private enum Net
    {
        Instagram,
        Messenger,
        WhatsApp,
    }

    private enum Carrier
    {
        Message,
        Postback,
        Referral,
    }

    /// <summary>
    /// Generates <paramref name="conversations"/> conversations (distinct participants) over the
    /// <see cref="Period"/> before <paramref name="now"/>, every event at or before <paramref name="now"/>.
    /// </summary>
    public static DemoDataSet Generate(DateTimeOffset now, int seed = 2026, int conversations = 3000)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(conversations);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(conversations, MaxConversations);

        var builder = new Builder(now, new Random(seed));
        for (var i = 0; i < conversations; i++)
        {
            builder.AddConversation(i);
        }

        return new DemoDataSet(Triggers, builder.BuildDeliveries(), builder.BuildConversions(), Accounts);
    }

    private static string PlatformName(Net net) => net switch
    {
        Net.Instagram => PlatformNames.Instagram,
        Net.Messenger => PlatformNames.Messenger,
        _ => PlatformNames.WhatsApp,
    };

    private static string ObjectName(Net net) => net switch
    {
        Net.Instagram => "instagram",
        Net.Messenger => "page",
        _ => "whatsapp_business_account",
    };

    private static string AccountOf(Net net) => net switch
    {
        Net.Instagram => InstagramAccountId,
        Net.Messenger => PageId,
        _ => PhoneNumberId,
    };

    private sealed record Code(string Ref, double Weight, double ConversionFactor);

    private sealed record Ad(string Id, string? Ref, string Title, string MediaType, string Slug, double Weight);

    private sealed record MetaReferral(string? Ref, string Source, Ad? Ad);

    private sealed record WhatsAppReferral(Ad Ad, string SourceType, string? CtwaClid);

    private sealed class Event
    {
        public required Net Net { get; init; }
        public required DateTimeOffset At { get; init; }
        public required int Seq { get; init; }
        public required string Participant { get; init; }
        public required Carrier Carrier { get; init; }
        public string? ContactName { get; init; }
        public string? MessageId { get; init; }
        public string? Text { get; init; }
        public string? Payload { get; init; }
        public MetaReferral? Referral { get; init; }
        public WhatsAppReferral? WhatsAppReferral { get; init; }
    }

    private sealed record PendingConversion(Net Net, string Participant, DateTimeOffset FirstTouch);

    private sealed class Builder
    {
        private readonly DateTimeOffset _now;
        private readonly Random _random;
        private readonly DateTimeOffset _earliest;
        private readonly DateTimeOffset _latest;
        private readonly ArrivalClock _clock;
        private readonly List<Event> _events = [];
        private readonly List<PendingConversion> _conversions = [];
        private int _seq;

        public Builder(DateTimeOffset now, Random random)
        {
            _now = now;
            _random = random;

            // Margins keep every event, delivery and conversion inside [now - Period, now].
            _earliest = now - Period + TimeSpan.FromMinutes(1);
            _latest = now - TimeSpan.FromSeconds(5);
            _clock = new ArrivalClock(_earliest, now - TimeSpan.FromMinutes(5));
        }

        public void AddConversation(int index)
        {
            var roll = _random.NextDouble();
            var net = roll < 0.5 ? Net.Instagram : roll < 0.8 ? Net.Messenger : Net.WhatsApp;
            var participant = ParticipantId(net, index);
            var name = net == Net.WhatsApp ? $"{Pick(FirstNames)} {Pick(LastNames)}" : null;
            var start = Milliseconds(_clock.Sample(_random));

            if (_random.NextDouble() < NoCampaignShare)
            {
                var last = Add(Message(net, start, participant, name, Pick(OrganicOpeners)));
                FollowUps(net, participant, name, last.At, _random.NextDouble() < 0.5);
                return;
            }

            var (first, identity, factor) = net switch
            {
                Net.Instagram => InstagramFirstTouch(participant, start),
                Net.Messenger => MessengerFirstTouch(participant, start),
                _ => WhatsAppFirstTouch(participant, name!, start),
            };

            var lastAt = LastAt(participant);
            if (_random.NextDouble() < SecondTouchShare)
            {
                var at = lastAt + TimeSpan.FromHours(2 + (238 * Square(_random.NextDouble())));
                if (at <= _latest)
                {
                    lastAt = SecondTouch(net, participant, name, at, identity);
                }
            }

            FollowUps(net, participant, name, lastAt, _random.NextDouble() < ExtraFollowUpShare);

            if (_random.NextDouble() < ConversionShare * factor)
            {
                _conversions.Add(new PendingConversion(net, participant, first));
            }
        }

        public IReadOnlyList<DemoDelivery> BuildDeliveries()
        {
            _events.Sort(static (a, b) => a.At != b.At ? a.At.CompareTo(b.At) : a.Seq.CompareTo(b.Seq));

            // Meta sometimes batches events of one object close together into one delivery; most go alone.
            var batches = new List<List<Event>>();
            var open = new List<Event>?[3];
            foreach (var ev in _events)
            {
                var batch = open[(int)ev.Net];
                if (batch is not null && batch.Count < MaxBatchEvents
                    && ev.At - batch[0].At < TimeSpan.FromSeconds(BatchWindowSeconds)
                    && _random.NextDouble() < BatchJoinChance)
                {
                    batch.Add(ev);
                    continue;
                }

                batch = [ev];
                open[(int)ev.Net] = batch;
                batches.Add(batch);
            }

            var buffer = new ArrayBufferWriter<byte>(4096);
            var deliveries = new List<DemoDelivery>(batches.Count);
            foreach (var batch in batches)
            {
                var net = batch[0].Net;
                var sentAt = batch[^1].At + TimeSpan.FromMilliseconds(_random.Next(200, 1500));
                var receivedAt = sentAt + TimeSpan.FromMilliseconds(_random.Next(50, 800));
                if (receivedAt > _now)
                {
                    receivedAt = _now;
                }

                deliveries.Add(new DemoDelivery(ObjectName(net), Write(buffer, net, batch, sentAt), receivedAt));
            }

            // Stable: OrderBy keeps creation order for equal times.
            return [.. deliveries.OrderBy(static d => d.ReceivedAt)];
        }

        public IReadOnlyList<DemoConversion> BuildConversions()
        {
            var timed = new List<(PendingConversion Pending, DateTimeOffset At, bool Purchase, double Value)>();
            foreach (var pending in _conversions)
            {
                var room = _now - TimeSpan.FromMinutes(1) - pending.FirstTouch;
                if (room < TimeSpan.FromMinutes(15))
                {
                    continue;
                }

                // Hours to days after the first touch, mostly sooner; never after now.
                var delay = TimeSpan.FromHours(0.5 + (167.5 * Square(_random.NextDouble())));
                if (delay > room)
                {
                    delay = TimeSpan.FromMinutes(10) + ((room - TimeSpan.FromMinutes(10)) * _random.NextDouble());
                }

                var purchase = _random.NextDouble() < 0.65;
                var value = purchase ? Pick(PurchaseValues) : Pick(SignupValues);
                timed.Add((pending, Milliseconds(pending.FirstTouch + delay), purchase, value));
            }

            timed.Sort(static (a, b) => a.At.CompareTo(b.At));
            var conversions = new List<DemoConversion>(timed.Count);
            for (var i = 0; i < timed.Count; i++)
            {
                var (pending, at, purchase, value) = timed[i];
                var externalId = string.Create(CultureInfo.InvariantCulture, $"demo-{(purchase ? "order" : "signup")}-{i + 1:D5}");
                conversions.Add(new DemoConversion(
                    PlatformName(pending.Net),
                    AccountOf(pending.Net),
                    pending.Participant,
                    purchase ? "purchase" : "signup",
                    value,
                    Currency,
                    at,
                    externalId));
            }

            return conversions;
        }

        // ---- First touches ------------------------------------------------------------------------

        private (DateTimeOffset At, string Identity, double Factor) InstagramFirstTouch(string participant, DateTimeOffset at)
        {
            var roll = _random.NextDouble();
            if (roll < 0.25)
            {
                return AdTouch(Net.Instagram, participant, at, exclude: null, standalone: false);
            }

            var code = PickCode(exclude: null);
            var referral = new MetaReferral(code.Ref, _random.NextDouble() < 0.7 ? "SHORTLINKS" : "IGME_SOURCE_LINK", null);
            if (roll < 0.58)
            {
                // A new thread: the person types in the composer, the ref rides on the first message.
                Add(Message(Net.Instagram, at, participant, null, Pick(Openers), referral));
            }
            else if (roll < 0.83)
            {
                // A new thread: the person taps an ice breaker.
                var (title, payload) = Pick(IceBreakers);
                Add(Postback(Net.Instagram, at, participant, title, payload, referral));
                MaybeReply(Net.Instagram, participant, at, 0.85);
            }
            else
            {
                Standalone(Net.Instagram, participant, at, referral);
            }

            return (at, code.Ref, code.ConversionFactor);
        }

        private (DateTimeOffset At, string Identity, double Factor) MessengerFirstTouch(string participant, DateTimeOffset at)
        {
            var roll = _random.NextDouble();
            if (roll < 0.3)
            {
                var form = _random.NextDouble();
                return form < 0.6 ? AdTouch(Net.Messenger, participant, at, exclude: null, standalone: false)
                    : form < 0.8 ? AdGetStarted(participant, at)
                    : AdTouch(Net.Messenger, participant, at, exclude: null, standalone: true);
            }

            var code = PickCode(exclude: null);
            var referral = new MetaReferral(code.Ref, "SHORTLINK", null);
            if (roll < 0.75)
            {
                // A new thread through m.me: the ref arrives with the Get Started postback.
                Add(Postback(Net.Messenger, at, participant, "Get Started", "GET_STARTED", referral));
                MaybeReply(Net.Messenger, participant, at, 0.8);
            }
            else
            {
                Standalone(Net.Messenger, participant, at, referral);
            }

            return (at, code.Ref, code.ConversionFactor);
        }

        private (DateTimeOffset At, string Identity, double Factor) WhatsAppFirstTouch(string participant, string name, DateTimeOffset at)
        {
            at = Seconds(at);
            if (_random.NextDouble() < 0.55)
            {
                var ad = PickAd(WhatsAppAds, exclude: null);
                Add(WhatsAppAdMessage(participant, name, at, ad, Pick(AdOpeners)));
                MaybeReply(Net.WhatsApp, participant, at, 0.5, name);
                return (at, ad.Id, 0.8);
            }

            // Organic wa.me link: the code only travels in the prefilled text the person sends.
            var code = PickCode(exclude: null);
            var text = string.Format(CultureInfo.InvariantCulture, Pick(WhatsAppRefTemplates), code.Ref);
            Add(Message(Net.WhatsApp, at, participant, name, text));
            MaybeReply(Net.WhatsApp, participant, at, 0.4, name);
            return (at, code.Ref, code.ConversionFactor);
        }

        private (DateTimeOffset At, string Identity, double Factor) AdTouch(Net net, string participant, DateTimeOffset at, string? exclude, bool standalone)
        {
            var ad = PickAd(MetaAds, exclude);
            var referral = new MetaReferral(ad.Ref, "ADS", ad);
            if (standalone)
            {
                // The person already has a thread and clicks the ad again.
                Standalone(net, participant, at, referral);
            }
            else
            {
                Add(Message(net, at, participant, null, Pick(AdOpeners), referral));
            }

            return (at, ad.Ref ?? ad.Id, 0.8);
        }

        private (DateTimeOffset At, string Identity, double Factor) AdGetStarted(string participant, DateTimeOffset at)
        {
            var ad = PickAd(MetaAds, exclude: null);
            Add(Postback(Net.Messenger, at, participant, "Get Started", "GET_STARTED", new MetaReferral(ad.Ref, "ADS", ad)));
            MaybeReply(Net.Messenger, participant, at, 0.8);
            return (at, ad.Ref ?? ad.Id, 0.8);
        }

        // A referral into an existing thread; often the thread has older messages and the person writes after.
        private void Standalone(Net net, string participant, DateTimeOffset at, MetaReferral referral)
        {
            if (_random.NextDouble() < 0.5)
            {
                var earlier = at - TimeSpan.FromHours(24 + (_random.NextDouble() * 24 * 13));
                if (earlier >= _earliest)
                {
                    Add(Message(net, earlier, participant, null, Pick(OrganicOpeners)));
                }
            }

            Add(Standalone(net, at, participant, referral));
            MaybeReply(net, participant, at, 0.6);
        }

        // ---- Later touches and messages -----------------------------------------------------------

        private DateTimeOffset SecondTouch(Net net, string participant, string? name, DateTimeOffset at, string firstIdentity)
        {
            if (net == Net.WhatsApp)
            {
                at = Seconds(at);
                var ad = PickAd(WhatsAppAds, firstIdentity);
                Add(WhatsAppAdMessage(participant, name!, at, ad, "Hi again! Is this offer still on?"));
                return MaybeReply(Net.WhatsApp, participant, at, 0.5, name);
            }

            if (_random.NextDouble() < 0.25)
            {
                var ad = PickAd(MetaAds, firstIdentity);
                Add(Standalone(net, at, participant, new MetaReferral(ad.Ref, "ADS", ad)));
            }
            else
            {
                var code = PickCode(firstIdentity);
                var source = net == Net.Messenger ? "SHORTLINK" : _random.NextDouble() < 0.7 ? "SHORTLINKS" : "IGME_SOURCE_LINK";
                Add(Standalone(net, at, participant, new MetaReferral(code.Ref, source, null)));
            }

            return MaybeReply(net, participant, at, 0.5);
        }

        private DateTimeOffset MaybeReply(Net net, string participant, DateTimeOffset after, double chance, string? name = null)
        {
            if (_random.NextDouble() >= chance)
            {
                return after;
            }

            var at = after + TimeSpan.FromSeconds(8 + (_random.NextDouble() * 600));
            return at > _latest ? after : Add(Message(net, at, participant, name, Pick(FollowUpTexts))).At;
        }

        private void FollowUps(Net net, string participant, string? name, DateTimeOffset after, bool any)
        {
            if (!any)
            {
                return;
            }

            var count = 1 + _random.Next(3);
            for (var i = 0; i < count; i++)
            {
                // Minutes to a couple of days later.
                var at = after + TimeSpan.FromMinutes(2 + (2880 * Square(_random.NextDouble())));
                if (at > _latest)
                {
                    return;
                }

                after = Add(Message(net, at, participant, name, Pick(FollowUpTexts))).At;
            }
        }

        private DateTimeOffset LastAt(string participant)
        {
            for (var i = _events.Count - 1; i >= 0; i--)
            {
                if (_events[i].Participant == participant)
                {
                    return _events[i].At;
                }
            }

            throw new InvalidOperationException("The conversation has no event.");
        }

        // ---- Events -------------------------------------------------------------------------------

        private Event Add(Event ev)
        {
            _events.Add(ev);
            return ev;
        }

        private Event Message(Net net, DateTimeOffset at, string participant, string? name, string text, MetaReferral? referral = null)
        {
            var seq = ++_seq;
            return new Event
            {
                Net = net,
                At = net == Net.WhatsApp ? Seconds(at) : Milliseconds(at),
                Seq = seq,
                Participant = participant,
                ContactName = name,
                Carrier = Carrier.Message,
                MessageId = MessageId(net, seq, participant),
                Text = text,
                Referral = referral,
            };
        }

        private Event WhatsAppAdMessage(string participant, string name, DateTimeOffset at, Ad ad, string text)
        {
            var seq = ++_seq;
            var sourceType = _random.NextDouble() < 0.9 ? "ad" : "post";

            // Ads shown in WhatsApp Status carry no click id.
            var ctwaClid = _random.NextDouble() < 0.8 ? "ARA" + RandomToken(48) : null;
            return new Event
            {
                Net = Net.WhatsApp,
                At = Seconds(at),
                Seq = seq,
                Participant = participant,
                ContactName = name,
                Carrier = Carrier.Message,
                MessageId = MessageId(Net.WhatsApp, seq, participant),
                Text = text,
                WhatsAppReferral = new WhatsAppReferral(ad, sourceType, ctwaClid),
            };
        }

        private Event Postback(Net net, DateTimeOffset at, string participant, string title, string payload, MetaReferral referral)
        {
            var seq = ++_seq;
            return new Event
            {
                Net = net,
                At = Milliseconds(at),
                Seq = seq,
                Participant = participant,
                Carrier = Carrier.Postback,
                MessageId = MessageId(net, seq, participant),
                Text = title,
                Payload = payload,
                Referral = referral,
            };
        }

        private Event Standalone(Net net, DateTimeOffset at, string participant, MetaReferral referral) => new()
        {
            Net = net,
            At = Milliseconds(at),
            Seq = ++_seq,
            Participant = participant,
            Carrier = Carrier.Referral,
            Referral = referral,
        };

        // ---- Ids and picks ------------------------------------------------------------------------

        // The conversation number sits at a fixed position, so ids never collide; the rest looks like Meta's.
        private string ParticipantId(Net net, int index) => net switch
        {
            Net.Instagram => string.Create(CultureInfo.InvariantCulture, $"2571{index:D6}{_random.Next(1_000_000):D6}"),
            Net.Messenger => string.Create(CultureInfo.InvariantCulture, $"7043{index:D6}{_random.Next(1_000_000):D6}"),
            _ => PhoneNumber(index),
        };

        // Country, mobile prefix, then the conversation number at a fixed position for that prefix, then filler.
        private string PhoneNumber(int index)
        {
            var (country, prefixes, length) = _random.NextDouble() < 0.5 ? PhonePlans[0] : Pick(PhonePlans);
            var prefix = Pick(prefixes);
            var number = new StringBuilder(length).Append(country).Append(prefix).Append(index.ToString("D6", CultureInfo.InvariantCulture));
            while (number.Length < length)
            {
                number.Append((char)('0' + _random.Next(10)));
            }

            return number.ToString();
        }

        // Unique through the event sequence number; the random tail makes them look like Meta's opaque ids.
        private string MessageId(Net net, int seq, string participant)
        {
            if (net == Net.WhatsApp)
            {
                // Shaped like a real wamid: base64 of the sender's number and 20 upper-case hex characters.
                var hex = string.Create(CultureInfo.InvariantCulture, $"{seq:X8}{_random.NextInt64(1L << 48):X12}");
                return "wamid." + Convert.ToBase64String([0x1C, 0x18, (byte)participant.Length, .. Encoding.ASCII.GetBytes(participant), 0x15, 0x02, 0x00, 0x12, 0x18, 0x14, .. Encoding.ASCII.GetBytes(hex), 0x00]);
            }

            Span<byte> bytes = stackalloc byte[18];
            BinaryPrimitives.WriteInt32BigEndian(bytes, seq);
            _random.NextBytes(bytes[4..]);
            return (net == Net.Instagram ? "aWdfZAG1faXRlbToxOklHTWVzc2FnZAU" : "m_") + Base64Url(bytes);
        }

        private string RandomToken(int length)
        {
            const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            return string.Create(length, _random, static (span, r) =>
            {
                for (var i = 0; i < span.Length; i++)
                {
                    span[i] = Alphabet[r.Next(Alphabet.Length)];
                }
            });
        }

        private Code PickCode(string? exclude)
        {
            var total = 0.0;
            foreach (var code in Codes)
            {
                total += code.Ref == exclude ? 0 : code.Weight;
            }

            var x = _random.NextDouble() * total;
            foreach (var code in Codes)
            {
                if (code.Ref == exclude)
                {
                    continue;
                }

                x -= code.Weight;
                if (x < 0)
                {
                    return code;
                }
            }

            return Codes[^1].Ref == exclude ? Codes[^2] : Codes[^1];
        }

        // An ad whose identity (its ref, else its id) differs from exclude.
        private Ad PickAd(Ad[] ads, string? exclude)
        {
            var total = 0.0;
            foreach (var ad in ads)
            {
                total += (ad.Ref ?? ad.Id) == exclude ? 0 : ad.Weight;
            }

            var x = _random.NextDouble() * total;
            foreach (var ad in ads)
            {
                if ((ad.Ref ?? ad.Id) == exclude)
                {
                    continue;
                }

                x -= ad.Weight;
                if (x < 0)
                {
                    return ad;
                }
            }

            return (ads[^1].Ref ?? ads[^1].Id) == exclude ? ads[^2] : ads[^1];
        }

        private T Pick<T>(T[] items) => items[_random.Next(items.Length)];
    }

    // ---- Time ---------------------------------------------------------------------------------------

    private static double Square(double x) => x * x;

    private static DateTimeOffset Milliseconds(DateTimeOffset at) => DateTimeOffset.FromUnixTimeMilliseconds(at.ToUnixTimeMilliseconds());

    // Rounds up so a time at the window's start never falls before it.
    private static DateTimeOffset Seconds(DateTimeOffset at)
    {
        var seconds = at.ToUnixTimeSeconds();
        return DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.FromUnixTimeSeconds(seconds) < at ? seconds + 1 : seconds);
    }

    /// <summary>Samples arrival times between two instants, weighted by store-time hour of day and day of week.</summary>
    private sealed class ArrivalClock
    {
        private readonly DateTimeOffset _from;
        private readonly DateTimeOffset _to;
        private readonly double[] _cumulative;

        public ArrivalClock(DateTimeOffset from, DateTimeOffset to)
        {
            _from = from;
            _to = to;
            var hours = (int)Math.Ceiling((to - from).TotalHours);
            _cumulative = new double[hours];
            var total = 0.0;
            for (var h = 0; h < hours; h++)
            {
                var local = (from + TimeSpan.FromHours(h)).ToOffset(StoreOffset);
                total += HourWeights[local.Hour] * DayWeight(local.DayOfWeek);
                _cumulative[h] = total;
            }
        }

        public DateTimeOffset Sample(Random random)
        {
            var x = random.NextDouble() * _cumulative[^1];
            var hour = Array.BinarySearch(_cumulative, x);
            hour = hour < 0 ? ~hour : hour;
            hour = Math.Min(hour, _cumulative.Length - 1);
            var at = _from + TimeSpan.FromHours(hour) + TimeSpan.FromMilliseconds(random.NextDouble() * 3_600_000);
            return at > _to ? _to - TimeSpan.FromMilliseconds(random.Next(1, 60_000)) : at;
        }

        private static double DayWeight(DayOfWeek day) => day switch
        {
            DayOfWeek.Saturday => 1.6,
            DayOfWeek.Sunday => 1.5,
            DayOfWeek.Friday => 1.15,
            _ => 1.0,
        };
    }

    // ---- JSON ---------------------------------------------------------------------------------------

    private static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    // Utf8JsonWriter's default encoder escapes non-ASCII as \uXXXX, the escaped-unicode form Meta sends.
    private static string Write(ArrayBufferWriter<byte> buffer, Net net, List<Event> batch, DateTimeOffset sentAt)
    {
        buffer.ResetWrittenCount();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("object", ObjectName(net));
            json.WriteStartArray("entry");
            json.WriteStartObject();
            if (net == Net.WhatsApp)
            {
                json.WriteString("id", WhatsAppBusinessAccountId);
                json.WriteStartArray("changes");
                foreach (var ev in batch)
                {
                    WriteWhatsAppChange(json, ev);
                }
            }
            else
            {
                json.WriteString("id", AccountOf(net));
                json.WriteNumber("time", sentAt.ToUnixTimeMilliseconds());
                json.WriteStartArray("messaging");
                foreach (var ev in batch)
                {
                    WriteMessagingEvent(json, ev);
                }
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteMessagingEvent(Utf8JsonWriter json, Event ev)
    {
        json.WriteStartObject();
        json.WriteStartObject("sender");
        json.WriteString("id", ev.Participant);
        json.WriteEndObject();
        json.WriteStartObject("recipient");
        json.WriteString("id", AccountOf(ev.Net));
        json.WriteEndObject();
        json.WriteNumber("timestamp", ev.At.ToUnixTimeMilliseconds());
        switch (ev.Carrier)
        {
            case Carrier.Message:
                json.WriteStartObject("message");
                json.WriteString("mid", ev.MessageId);
                json.WriteString("text", ev.Text);
                if (ev.Referral is not null)
                {
                    WriteMetaReferral(json, ev.Referral);
                }

                json.WriteEndObject();
                break;
            case Carrier.Postback:
                json.WriteStartObject("postback");
                json.WriteString("mid", ev.MessageId);
                json.WriteString("title", ev.Text);
                json.WriteString("payload", ev.Payload);
                WriteMetaReferral(json, ev.Referral!);
                json.WriteEndObject();
                break;
            default:
                WriteMetaReferral(json, ev.Referral!);
                break;
        }

        json.WriteEndObject();
    }

    private static void WriteMetaReferral(Utf8JsonWriter json, MetaReferral referral)
    {
        json.WriteStartObject("referral");
        if (referral.Ref is not null)
        {
            json.WriteString("ref", referral.Ref);
        }

        if (referral.Ad is { } ad)
        {
            json.WriteString("ad_id", ad.Id);
        }

        json.WriteString("source", referral.Source);
        json.WriteString("type", "OPEN_THREAD");
        if (referral.Ad is { } context)
        {
            json.WriteStartObject("ads_context_data");
            json.WriteString("ad_title", context.Title);
            json.WriteString("photo_url", $"https://example.com/demo/{context.Slug}.jpg");
            if (context.MediaType == "video")
            {
                json.WriteString("video_url", $"https://example.com/demo/{context.Slug}-thumb.jpg");
            }

            json.WriteString("post_id", string.Concat(PageId, "_", context.Id.AsSpan(context.Id.Length - 10)));
            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    private static void WriteWhatsAppChange(Utf8JsonWriter json, Event ev)
    {
        json.WriteStartObject();
        json.WriteStartObject("value");
        json.WriteString("messaging_product", "whatsapp");
        json.WriteStartObject("metadata");
        json.WriteString("display_phone_number", DisplayPhoneNumber);
        json.WriteString("phone_number_id", PhoneNumberId);
        json.WriteEndObject();
        json.WriteStartArray("contacts");
        json.WriteStartObject();
        json.WriteStartObject("profile");
        json.WriteString("name", ev.ContactName);
        json.WriteEndObject();
        json.WriteString("wa_id", ev.Participant);
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteStartArray("messages");
        json.WriteStartObject();
        json.WriteString("from", ev.Participant);
        json.WriteString("id", ev.MessageId);
        json.WriteString("timestamp", ev.At.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        if (ev.WhatsAppReferral is { } referral)
        {
            var ad = referral.Ad;
            json.WriteStartObject("referral");
            json.WriteString("source_url", $"https://example.com/demo/{ad.Slug}");
            json.WriteString("source_id", ad.Id);
            json.WriteString("source_type", referral.SourceType);
            json.WriteString("headline", ad.Title);
            json.WriteString("body", "Message us on WhatsApp and we'll help you pick.");
            json.WriteString("media_type", ad.MediaType);
            if (ad.MediaType == "video")
            {
                json.WriteString("video_url", $"https://example.com/demo/{ad.Slug}.mp4");
                json.WriteString("thumbnail_url", $"https://example.com/demo/{ad.Slug}-thumb.jpg");
            }
            else
            {
                json.WriteString("image_url", $"https://example.com/demo/{ad.Slug}.jpg");
            }

            if (referral.CtwaClid is not null)
            {
                json.WriteString("ctwa_clid", referral.CtwaClid);
            }

            json.WriteEndObject();
        }

        json.WriteStartObject("text");
        json.WriteString("body", ev.Text);
        json.WriteEndObject();
        json.WriteString("type", "text");
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteString("field", "messages");
        json.WriteEndObject();
    }
}
