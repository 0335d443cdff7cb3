using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using static ReferralStudio.Demo.DemoCatalog;
using static ReferralStudio.Demo.DemoTimestamps;

namespace ReferralStudio.Demo;

/// <summary>
/// Makes the events of the demo conversations with ids shaped like Meta's: participant ids and phone numbers
/// that embed the conversation number, message ids unique through a running sequence number.
/// </summary>
internal sealed class DemoEventFactory(Random random)
{
    private readonly Random _random = random;
    private int _seq;

    public DemoEvent Message(DemoNetwork net, DateTimeOffset at, string participant, string? name, string text, DemoMetaReferral? referral = null)
    {
        var seq = ++_seq;
        return new DemoEvent
        {
            Net = net,
            At = net == DemoNetwork.WhatsApp ? Seconds(at) : Milliseconds(at),
            Seq = seq,
            Participant = participant,
            ContactName = name,
            Carrier = DemoCarrier.Message,
            MessageId = MessageId(net, seq, participant),
            Text = text,
            Referral = referral,
        };
    }

    public DemoEvent WhatsAppAdMessage(string participant, string name, DateTimeOffset at, Ad ad, string text)
    {
        var seq = ++_seq;
        var sourceType = _random.NextDouble() < 0.9 ? "ad" : "post";

        // Ads shown in WhatsApp Status carry no click id.
        var ctwaClid = _random.NextDouble() < 0.8 ? "ARA" + RandomToken(48) : null;
        return new DemoEvent
        {
            Net = DemoNetwork.WhatsApp,
            At = Seconds(at),
            Seq = seq,
            Participant = participant,
            ContactName = name,
            Carrier = DemoCarrier.Message,
            MessageId = MessageId(DemoNetwork.WhatsApp, seq, participant),
            Text = text,
            WhatsAppReferral = new DemoWhatsAppReferral(ad, sourceType, ctwaClid),
        };
    }

    public DemoEvent Postback(DemoNetwork net, DateTimeOffset at, string participant, string title, string payload, DemoMetaReferral referral)
    {
        var seq = ++_seq;
        return new DemoEvent
        {
            Net = net,
            At = Milliseconds(at),
            Seq = seq,
            Participant = participant,
            Carrier = DemoCarrier.Postback,
            MessageId = MessageId(net, seq, participant),
            Text = title,
            Payload = payload,
            Referral = referral,
        };
    }

    public DemoEvent Standalone(DemoNetwork net, DateTimeOffset at, string participant, DemoMetaReferral referral) => new()
    {
        Net = net,
        At = Milliseconds(at),
        Seq = ++_seq,
        Participant = participant,
        Carrier = DemoCarrier.Referral,
        Referral = referral,
    };

    // The conversation number sits at a fixed position, so ids never collide; the rest looks like Meta's.
    public string ParticipantId(DemoNetwork net, int index) => net switch
    {
        DemoNetwork.Instagram => string.Create(CultureInfo.InvariantCulture, $"2571{index:D6}{_random.Next(1_000_000):D6}"),
        DemoNetwork.Messenger => string.Create(CultureInfo.InvariantCulture, $"7043{index:D6}{_random.Next(1_000_000):D6}"),
        _ => PhoneNumber(index),
    };

    // Country, mobile prefix, then the conversation number at a fixed position for that prefix, then filler.
    private string PhoneNumber(int index)
    {
        var (country, prefixes, length) = _random.NextDouble() < 0.5 ? PhonePlans[0] : _random.Pick(PhonePlans);
        var prefix = _random.Pick(prefixes);
        var number = new StringBuilder(length).Append(country).Append(prefix).Append(index.ToString("D6", CultureInfo.InvariantCulture));
        while (number.Length < length)
        {
            number.Append((char)('0' + _random.Next(10)));
        }

        return number.ToString();
    }

    // Unique through the event sequence number; the random tail makes them look like Meta's opaque ids.
    private string MessageId(DemoNetwork net, int seq, string participant)
    {
        if (net == DemoNetwork.WhatsApp)
        {
            // Shaped like a real wamid: base64 of the sender's number and 20 upper-case hex characters.
            var hex = string.Create(CultureInfo.InvariantCulture, $"{seq:X8}{_random.NextInt64(1L << 48):X12}");
            return "wamid." + Convert.ToBase64String([0x1C, 0x18, (byte)participant.Length, .. Encoding.ASCII.GetBytes(participant), 0x15, 0x02, 0x00, 0x12, 0x18, 0x14, .. Encoding.ASCII.GetBytes(hex), 0x00]);
        }

        Span<byte> bytes = stackalloc byte[18];
        BinaryPrimitives.WriteInt32BigEndian(bytes, seq);
        _random.NextBytes(bytes[4..]);
        return (net == DemoNetwork.Instagram ? "aWdfZAG1faXRlbToxOklHTWVzc2FnZAU" : "m_") + Base64Url(bytes);
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

    private static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
