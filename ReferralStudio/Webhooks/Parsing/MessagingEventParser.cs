using System.Text.Json;
using static ReferralStudio.Webhooks.Parsing.MetaJson;

namespace ReferralStudio.Webhooks.Parsing;

/// <summary>
/// Reads one Messenger or Instagram event from <c>entry.messaging[]</c> or <c>entry.standby[]</c>: a message,
/// postback or standalone referral becomes a <see cref="ParsedEvent"/>; other kinds are counted as ignored.
/// </summary>
internal static class MessagingEventParser
{
    public static void Read(ParseBatch batch, JsonElement ev, EventChannel channel, string? entryId, JsonElement entryTime)
    {
        if (ev.ValueKind != JsonValueKind.Object)
        {
            batch.Reject(ev, "event must be an object, got " + KindName(ev.ValueKind), entryId);
            return;
        }

        // The key that is present decides the kind; read, delivery, reaction, optin, ... carry no referral.
        EventKind kind;
        string carrierName;
        if (TryGetPresent(ev, "message", out var carrier))
        {
            kind = EventKind.Message;
            carrierName = "message";
        }
        else if (TryGetPresent(ev, "postback", out carrier))
        {
            kind = EventKind.Postback;
            carrierName = "postback";
        }
        else if (TryGetPresent(ev, "referral", out carrier))
        {
            kind = EventKind.Referral;
            carrierName = "referral";
        }
        else
        {
            batch.Ignored++;
            return;
        }

        // Echoes are the business's own messages (sender and recipient swapped).
        if (kind == EventKind.Message && carrier.ValueKind == JsonValueKind.Object
            && carrier.TryGetProperty("is_echo", out var isEcho) && isEcho.ValueKind == JsonValueKind.True)
        {
            batch.Ignored++;
            return;
        }

        var participantId = ReadParticipant(ev);
        var accountId = entryId ?? (ev.TryGetProperty("recipient", out var recipient) ? ReadId(recipient, "id") : null);
        var timeError = ReadTimestamp(ev, entryTime, out var timestampMs);
        DateTimeOffset? occurredAt = timeError is null ? DateTimeOffset.FromUnixTimeMilliseconds(timestampMs) : null;

        string? reason = null;
        if (carrier.ValueKind != JsonValueKind.Object)
        {
            reason = $"{carrierName} must be an object, got {KindName(carrier.ValueKind)}";
        }
        else if (participantId is null)
        {
            reason = "sender.id is missing";
        }
        else if (accountId is null)
        {
            reason = "entry.id and recipient.id are missing";
        }
        else if (timeError is not null)
        {
            reason = timeError;
        }

        if (reason is not null)
        {
            batch.Reject(ev, reason, accountId, participantId, occurredAt);
            return;
        }

        string? messageId = null;
        string? text = null;
        string? payload = null;
        var arrival = ReferralArrival.Standalone;
        var referralElement = carrier;
        var hasReferral = kind == EventKind.Referral;
        if (kind != EventKind.Referral)
        {
            messageId = ReadId(carrier, "mid");
            text = ReadString(carrier, kind == EventKind.Message ? "text" : "title");
            if (kind == EventKind.Postback)
            {
                payload = ReadString(carrier, "payload");
                arrival = ReferralArrival.Postback;
            }
            else
            {
                arrival = ReferralArrival.FirstMessage;
            }

            hasReferral = TryGetPresent(carrier, "referral", out referralElement);
        }

        ParsedReferral? referral = null;
        if (hasReferral)
        {
            reason = ReadMetaReferral(referralElement, arrival, payload, out referral);
            if (reason is not null)
            {
                batch.Reject(ev, reason, accountId, participantId, occurredAt);
                return;
            }
        }

        batch.Add(new ParsedEvent
        {
            Platform = batch.Platform,
            Channel = channel,
            Kind = kind,
            AccountId = accountId!,
            ParticipantId = participantId!,
            OccurredAt = occurredAt!.Value,
            DedupKey = batch.DedupKey(kind, messageId, accountId!, participantId!, timestampMs, referral?.Ref, text),
            MessageId = messageId,
            Text = text,
            Referral = referral,
        });
    }

    // Chat-plugin senders have a user_ref instead of an id; it is the participant verbatim.
    private static string? ReadParticipant(JsonElement ev) =>
        ev.TryGetProperty("sender", out var sender)
            ? ReadId(sender, "id") ?? ReadId(sender, "user_ref")
            : null;

    private static string? ReadMetaReferral(JsonElement element, ReferralArrival arrival, string? payload, out ParsedReferral? referral)
    {
        referral = null;
        if (element.ValueKind != JsonValueKind.Object)
        {
            return "referral must be an object, got " + KindName(element.ValueKind);
        }

        string? reference = null;
        string? rejection = null;
        if (TryGetPresent(element, "ref", out var refElement))
        {
            if (refElement.ValueKind != JsonValueKind.String)
            {
                return "referral.ref must be a string, got " + KindName(refElement.ValueKind);
            }

            reference = refElement.GetString()!;
            rejection = RefValidator.Validate(reference);
        }

        var source = ReadString(element, "source");
        var adId = ReadId(element, "ad_id");
        var isAd = adId is not null || string.Equals(source, "ADS", StringComparison.OrdinalIgnoreCase);

        referral = new ParsedReferral
        {
            Arrival = isAd ? ReferralArrival.Ad : arrival,
            Ref = reference,
            RefRejection = rejection,
            Source = source,
            Type = ReadString(element, "type"),
            AdId = adId,
            AdsContextData = TryGetPresent(element, "ads_context_data", out var context) ? context.GetRawText() : null,
            RefererUri = ReadString(element, "referer_uri"),
            ProductId = element.TryGetProperty("product", out var product) ? ReadId(product, "id") : null,
            Payload = payload,
        };
        return null;
    }
}
