using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using static ReferralStudio.Demo.DemoNetworks;

namespace ReferralStudio.Demo;

/// <summary>
/// Turns the demo events into the webhook deliveries Meta would send: events of one network close together
/// sometimes batched into one body, each body the JSON Meta documents for Instagram, Messenger or WhatsApp.
/// </summary>
internal static class DemoDeliveries
{
    private const string WhatsAppBusinessAccountId = "demo-waba-1022901293";
    private const string DisplayPhoneNumber = "15550100200";

    private const int BatchWindowSeconds = 60;
    private const int MaxBatchEvents = 5;
    private const double BatchJoinChance = 0.6;

    public static IReadOnlyList<DemoDelivery> Build(List<DemoEvent> events, Random random, DateTimeOffset now)
    {
        events.Sort(static (a, b) => a.At != b.At ? a.At.CompareTo(b.At) : a.Seq.CompareTo(b.Seq));

        // Meta sometimes batches events of one object close together into one delivery; most go alone.
        var batches = new List<List<DemoEvent>>();
        var open = new List<DemoEvent>?[3];
        foreach (var ev in events)
        {
            var batch = open[(int)ev.Net];
            if (batch is not null && batch.Count < MaxBatchEvents
                && ev.At - batch[0].At < TimeSpan.FromSeconds(BatchWindowSeconds)
                && random.NextDouble() < BatchJoinChance)
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
            var sentAt = batch[^1].At + TimeSpan.FromMilliseconds(random.Next(200, 1500));
            var receivedAt = sentAt + TimeSpan.FromMilliseconds(random.Next(50, 800));
            if (receivedAt > now)
            {
                receivedAt = now;
            }

            deliveries.Add(new DemoDelivery(ObjectName(net), Write(buffer, net, batch, sentAt), receivedAt));
        }

        // Stable: OrderBy keeps creation order for equal times.
        return [.. deliveries.OrderBy(static d => d.ReceivedAt)];
    }

    // Utf8JsonWriter's default encoder escapes non-ASCII as \uXXXX, the escaped-unicode form Meta sends.
    private static string Write(ArrayBufferWriter<byte> buffer, DemoNetwork net, List<DemoEvent> batch, DateTimeOffset sentAt)
    {
        buffer.ResetWrittenCount();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("object", ObjectName(net));
            json.WriteStartArray("entry");
            json.WriteStartObject();
            if (net == DemoNetwork.WhatsApp)
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

    private static void WriteMessagingEvent(Utf8JsonWriter json, DemoEvent ev)
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
            case DemoCarrier.Message:
                json.WriteStartObject("message");
                json.WriteString("mid", ev.MessageId);
                json.WriteString("text", ev.Text);
                if (ev.Referral is not null)
                {
                    WriteMetaReferral(json, ev.Referral);
                }

                json.WriteEndObject();
                break;
            case DemoCarrier.Postback:
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

    private static void WriteMetaReferral(Utf8JsonWriter json, DemoMetaReferral referral)
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

            json.WriteString("post_id", string.Concat(DemoDataGenerator.PageId, "_", context.Id.AsSpan(context.Id.Length - 10)));
            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    private static void WriteWhatsAppChange(Utf8JsonWriter json, DemoEvent ev)
    {
        json.WriteStartObject();
        json.WriteStartObject("value");
        json.WriteString("messaging_product", "whatsapp");
        json.WriteStartObject("metadata");
        json.WriteString("display_phone_number", DisplayPhoneNumber);
        json.WriteString("phone_number_id", DemoDataGenerator.PhoneNumberId);
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
