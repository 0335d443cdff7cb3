using System.Globalization;
using static ReferralStudio.Demo.DemoCatalog;
using static ReferralStudio.Demo.DemoNetworks;
using static ReferralStudio.Demo.DemoTimestamps;

namespace ReferralStudio.Demo;

/// <summary>
/// Makes up each demo conversation as events: its first touch in one of the forms Meta documents, sometimes a
/// second touch with another code, replies and follow-ups; and which conversations convert, and when.
/// </summary>
internal sealed class DemoConversationBuilder
{
    private const double NoCampaignShare = 0.05;
    private const double SecondTouchShare = 0.13;
    private const double ConversionShare = 0.13; // the per-code factors average a little under 1
    private const double ExtraFollowUpShare = 0.3;
    private const string Currency = "EUR";

    private readonly DateTimeOffset _now;
    private readonly Random _random;
    private readonly DateTimeOffset _earliest;
    private readonly DateTimeOffset _latest;
    private readonly ArrivalClock _clock;
    private readonly DemoEventFactory _factory;
    private readonly List<DemoEvent> _events = [];
    private readonly List<PendingConversion> _conversions = [];

    public DemoConversationBuilder(DateTimeOffset now, Random random)
    {
        _now = now;
        _random = random;
        _factory = new DemoEventFactory(random);

        // Margins keep every event, delivery and conversion inside [now - Period, now].
        _earliest = now - DemoDataGenerator.Period + TimeSpan.FromMinutes(1);
        _latest = now - TimeSpan.FromSeconds(5);
        _clock = new ArrivalClock(_earliest, now - TimeSpan.FromMinutes(5));
    }

    /// <summary>The events added so far, in the order they were made up.</summary>
    public List<DemoEvent> Events => _events;

    public void AddConversation(int index)
    {
        var roll = _random.NextDouble();
        var net = roll < 0.5 ? DemoNetwork.Instagram : roll < 0.8 ? DemoNetwork.Messenger : DemoNetwork.WhatsApp;
        var participant = _factory.ParticipantId(net, index);
        var name = net == DemoNetwork.WhatsApp ? $"{_random.Pick(FirstNames)} {_random.Pick(LastNames)}" : null;
        var start = Milliseconds(_clock.Sample(_random));

        if (_random.NextDouble() < NoCampaignShare)
        {
            var last = Add(_factory.Message(net, start, participant, name, _random.Pick(OrganicOpeners)));
            FollowUps(net, participant, name, last.At, _random.NextDouble() < 0.5);
            return;
        }

        var (first, identity, factor) = net switch
        {
            DemoNetwork.Instagram => InstagramFirstTouch(participant, start),
            DemoNetwork.Messenger => MessengerFirstTouch(participant, start),
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
            var value = purchase ? _random.Pick(PurchaseValues) : _random.Pick(SignupValues);
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
            return AdTouch(DemoNetwork.Instagram, participant, at, exclude: null, standalone: false);
        }

        var code = _random.PickCode(exclude: null);
        var referral = new DemoMetaReferral(code.Ref, _random.NextDouble() < 0.7 ? "SHORTLINKS" : "IGME_SOURCE_LINK", null);
        if (roll < 0.58)
        {
            // A new thread: the person types in the composer, the ref rides on the first message.
            Add(_factory.Message(DemoNetwork.Instagram, at, participant, null, _random.Pick(Openers), referral));
        }
        else if (roll < 0.83)
        {
            // A new thread: the person taps an ice breaker.
            var (title, payload) = _random.Pick(IceBreakers);
            Add(_factory.Postback(DemoNetwork.Instagram, at, participant, title, payload, referral));
            MaybeReply(DemoNetwork.Instagram, participant, at, 0.85);
        }
        else
        {
            Standalone(DemoNetwork.Instagram, participant, at, referral);
        }

        return (at, code.Ref, code.ConversionFactor);
    }

    private (DateTimeOffset At, string Identity, double Factor) MessengerFirstTouch(string participant, DateTimeOffset at)
    {
        var roll = _random.NextDouble();
        if (roll < 0.3)
        {
            var form = _random.NextDouble();
            return form < 0.6 ? AdTouch(DemoNetwork.Messenger, participant, at, exclude: null, standalone: false)
                : form < 0.8 ? AdGetStarted(participant, at)
                : AdTouch(DemoNetwork.Messenger, participant, at, exclude: null, standalone: true);
        }

        var code = _random.PickCode(exclude: null);
        var referral = new DemoMetaReferral(code.Ref, "SHORTLINK", null);
        if (roll < 0.75)
        {
            // A new thread through m.me: the ref arrives with the Get Started postback.
            Add(_factory.Postback(DemoNetwork.Messenger, at, participant, "Get Started", "GET_STARTED", referral));
            MaybeReply(DemoNetwork.Messenger, participant, at, 0.8);
        }
        else
        {
            Standalone(DemoNetwork.Messenger, participant, at, referral);
        }

        return (at, code.Ref, code.ConversionFactor);
    }

    private (DateTimeOffset At, string Identity, double Factor) WhatsAppFirstTouch(string participant, string name, DateTimeOffset at)
    {
        at = Seconds(at);
        if (_random.NextDouble() < 0.55)
        {
            var ad = _random.PickAd(WhatsAppAds, exclude: null);
            Add(_factory.WhatsAppAdMessage(participant, name, at, ad, _random.Pick(AdOpeners)));
            MaybeReply(DemoNetwork.WhatsApp, participant, at, 0.5, name);
            return (at, ad.Id, 0.8);
        }

        // Organic wa.me link: the code only travels in the prefilled text the person sends.
        var code = _random.PickCode(exclude: null);
        var text = string.Format(CultureInfo.InvariantCulture, _random.Pick(WhatsAppRefTemplates), code.Ref);
        Add(_factory.Message(DemoNetwork.WhatsApp, at, participant, name, text));
        MaybeReply(DemoNetwork.WhatsApp, participant, at, 0.4, name);
        return (at, code.Ref, code.ConversionFactor);
    }

    private (DateTimeOffset At, string Identity, double Factor) AdTouch(DemoNetwork net, string participant, DateTimeOffset at, string? exclude, bool standalone)
    {
        var ad = _random.PickAd(MetaAds, exclude);
        var referral = new DemoMetaReferral(ad.Ref, "ADS", ad);
        if (standalone)
        {
            // The person already has a thread and clicks the ad again.
            Standalone(net, participant, at, referral);
        }
        else
        {
            Add(_factory.Message(net, at, participant, null, _random.Pick(AdOpeners), referral));
        }

        return (at, ad.Ref ?? ad.Id, 0.8);
    }

    private (DateTimeOffset At, string Identity, double Factor) AdGetStarted(string participant, DateTimeOffset at)
    {
        var ad = _random.PickAd(MetaAds, exclude: null);
        Add(_factory.Postback(DemoNetwork.Messenger, at, participant, "Get Started", "GET_STARTED", new DemoMetaReferral(ad.Ref, "ADS", ad)));
        MaybeReply(DemoNetwork.Messenger, participant, at, 0.8);
        return (at, ad.Ref ?? ad.Id, 0.8);
    }

    // A referral into an existing thread; often the thread has older messages and the person writes after.
    private void Standalone(DemoNetwork net, string participant, DateTimeOffset at, DemoMetaReferral referral)
    {
        if (_random.NextDouble() < 0.5)
        {
            var earlier = at - TimeSpan.FromHours(24 + (_random.NextDouble() * 24 * 13));
            if (earlier >= _earliest)
            {
                Add(_factory.Message(net, earlier, participant, null, _random.Pick(OrganicOpeners)));
            }
        }

        Add(_factory.Standalone(net, at, participant, referral));
        MaybeReply(net, participant, at, 0.6);
    }

    // ---- Later touches and messages -----------------------------------------------------------

    private DateTimeOffset SecondTouch(DemoNetwork net, string participant, string? name, DateTimeOffset at, string firstIdentity)
    {
        if (net == DemoNetwork.WhatsApp)
        {
            at = Seconds(at);
            var ad = _random.PickAd(WhatsAppAds, firstIdentity);
            Add(_factory.WhatsAppAdMessage(participant, name!, at, ad, "Hi again! Is this offer still on?"));
            return MaybeReply(DemoNetwork.WhatsApp, participant, at, 0.5, name);
        }

        if (_random.NextDouble() < 0.25)
        {
            var ad = _random.PickAd(MetaAds, firstIdentity);
            Add(_factory.Standalone(net, at, participant, new DemoMetaReferral(ad.Ref, "ADS", ad)));
        }
        else
        {
            var code = _random.PickCode(firstIdentity);
            var source = net == DemoNetwork.Messenger ? "SHORTLINK" : _random.NextDouble() < 0.7 ? "SHORTLINKS" : "IGME_SOURCE_LINK";
            Add(_factory.Standalone(net, at, participant, new DemoMetaReferral(code.Ref, source, null)));
        }

        return MaybeReply(net, participant, at, 0.5);
    }

    private DateTimeOffset MaybeReply(DemoNetwork net, string participant, DateTimeOffset after, double chance, string? name = null)
    {
        if (_random.NextDouble() >= chance)
        {
            return after;
        }

        var at = after + TimeSpan.FromSeconds(8 + (_random.NextDouble() * 600));
        return at > _latest ? after : Add(_factory.Message(net, at, participant, name, _random.Pick(FollowUpTexts))).At;
    }

    private void FollowUps(DemoNetwork net, string participant, string? name, DateTimeOffset after, bool any)
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

            after = Add(_factory.Message(net, at, participant, name, _random.Pick(FollowUpTexts))).At;
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

    private DemoEvent Add(DemoEvent ev)
    {
        _events.Add(ev);
        return ev;
    }

    private static double Square(double x) => x * x;

    private sealed record PendingConversion(DemoNetwork Net, string Participant, DateTimeOffset FirstTouch);
}
