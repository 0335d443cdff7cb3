using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ReferralStudio.Platforms;

namespace ReferralStudio.Webhooks.Parsing;

/// <summary>
/// Turns one Meta webhook body (Instagram, Messenger or WhatsApp) into the events that can carry a referral.
/// It never throws on any body: a throw would fail the whole delivery, Meta would retry it and, after an
/// hour of failures, unsubscribe the app. Anything unreadable becomes a <see cref="RejectedEvent"/> instead.
/// </summary>
public static class MetaPayloadParser
{
    // Below this an epoch value is seconds (year 5138 at the limit); at or above it, milliseconds (1973 onwards).
    private const long MillisecondsThreshold = 100_000_000_000;
    private const long MaxEpochMilliseconds = 253_402_300_799_999; // DateTimeOffset.MaxValue
    private const int StackHashInputBytes = 1024;

    public static Platform? PlatformOf(string? objectName) => objectName switch
    {
        "instagram" => Platform.Instagram,
        "page" => Platform.Messenger,
        "whatsapp_business_account" => Platform.WhatsApp,
        _ => null,
    };

    /// <param name="body">The raw request body.</param>
    /// <param name="maxDepth">JSON nesting limit; deeper bodies are rejected, not thrown. 0 means the default of 64.</param>
    public static ParseResult Parse(ReadOnlyMemory<byte> body, int maxDepth = 64)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxDepth);
        if (!System.Text.Unicode.Utf8.IsValid(body.Span))
        {
            // JsonDocument accepts invalid UTF-8 inside strings and throws only when one is decoded.
            return new ParseResult([], [new RejectedEvent { Reason = "body is not valid UTF-8", RawJson = Encoding.UTF8.GetString(body.Span) }], 0);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = maxDepth });
        }
        catch (JsonException ex)
        {
            // The endpoint checks JSON first, so this is a depth limit or a caller bug; keep the body for inspection.
            return new ParseResult([], [new RejectedEvent { Reason = "body is not valid JSON: " + ex.Message, RawJson = Encoding.UTF8.GetString(body.Span) }], 0);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new ParseResult([], [], 0);
            }

            string? objectName;
            try
            {
                objectName = ReadString(root, "object");
            }
            catch (InvalidOperationException)
            {
                // System.Text.Json throws this for text it cannot decode (a lone surrogate escape such as "\ud800").
                objectName = null;
            }

            var platform = PlatformOf(objectName);
            if (platform is null)
            {
                return new ParseResult([], [], 0);
            }

            var batch = new Batch(objectName!, platform.Value);
            try
            {
                ReadEntries(batch, root);
            }
            catch (InvalidOperationException ex)
            {
                batch.Reject(root, "payload could not be read: " + ex.Message);
            }

            return batch.ToResult();
        }
    }

    private static void ReadEntries(Batch batch, JsonElement root)
    {
        if (!TryGetPresent(root, "entry", out var entries))
        {
            return;
        }

        if (entries.ValueKind != JsonValueKind.Array)
        {
            batch.Reject(entries, "entry must be an array, got " + KindName(entries.ValueKind));
            return;
        }

        foreach (var entry in entries.EnumerateArray())
        {
            try
            {
                ReadEntry(batch, entry);
            }
            catch (InvalidOperationException ex)
            {
                batch.Reject(entry, "entry could not be read: " + ex.Message);
            }
        }
    }

    private static void ReadEntry(Batch batch, JsonElement entry)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            batch.Reject(entry, "entry must be an object, got " + KindName(entry.ValueKind));
            return;
        }

        var entryId = ReadId(entry, "id");
        entry.TryGetProperty("time", out var entryTime);

        // Walk the entry's own properties so messaging[] and standby[] keep their document order.
        foreach (var property in entry.EnumerateObject())
        {
            var value = property.Value;
            if (batch.Platform == Platform.WhatsApp)
            {
                if (property.NameEquals("changes"))
                {
                    ReadEvents(batch, value, "entry.changes", entryId, entryTime, EventChannel.Messaging);
                }
            }
            else if (property.NameEquals("messaging"))
            {
                ReadEvents(batch, value, "entry.messaging", entryId, entryTime, EventChannel.Messaging);
            }
            else if (property.NameEquals("standby"))
            {
                ReadEvents(batch, value, "entry.standby", entryId, entryTime, EventChannel.Standby);
            }
            else if (property.NameEquals("changes") && value.ValueKind == JsonValueKind.Array)
            {
                // Comments, mentions and other feed changes: not conversations.
                batch.Ignored += value.GetArrayLength();
            }
        }
    }

    private static void ReadEvents(Batch batch, JsonElement array, string path, string? entryId, JsonElement entryTime, EventChannel channel)
    {
        if (array.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            batch.Reject(array, $"{path} must be an array, got {KindName(array.ValueKind)}", entryId);
            return;
        }

        foreach (var item in array.EnumerateArray())
        {
            try
            {
                if (batch.Platform == Platform.WhatsApp)
                {
                    ReadWhatsAppChange(batch, item, entryTime);
                }
                else
                {
                    ReadMessagingEvent(batch, item, channel, entryId, entryTime);
                }
            }
            catch (InvalidOperationException ex)
            {
                batch.Reject(item, "event could not be read: " + ex.Message, entryId);
            }
        }
    }

    // ---- Messenger and Instagram ------------------------------------------------------------------

    private static void ReadMessagingEvent(Batch batch, JsonElement ev, EventChannel channel, string? entryId, JsonElement entryTime)
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

    // ---- WhatsApp ---------------------------------------------------------------------------------

    private static void ReadWhatsAppChange(Batch batch, JsonElement change, JsonElement entryTime)
    {
        if (change.ValueKind != JsonValueKind.Object)
        {
            batch.Reject(change, "change must be an object, got " + KindName(change.ValueKind));
            return;
        }

        var isMessages = false;
        var isUserIdUpdate = false;
        if (change.TryGetProperty("field", out var field) && field.ValueKind == JsonValueKind.String)
        {
            isMessages = field.ValueEquals("messages"u8);
            isUserIdUpdate = field.ValueEquals("user_id_update"u8);
        }

        if (!isMessages && !isUserIdUpdate)
        {
            batch.Ignored++;
            return;
        }

        if (!change.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.Object)
        {
            batch.Reject(change, "change.value must be an object");
            return;
        }

        var phoneNumberId = value.TryGetProperty("metadata", out var metadata) ? ReadId(metadata, "phone_number_id") : null;
        if (isUserIdUpdate)
        {
            ReadUserIdUpdates(batch, value, phoneNumberId, entryTime);
            return;
        }

        if (value.TryGetProperty("statuses", out var statuses) && statuses.ValueKind == JsonValueKind.Array)
        {
            // Sent/delivered/read receipts for the business's own messages (with recipient_id, user_id or both).
            batch.Ignored += statuses.GetArrayLength();
        }

        if (!TryGetPresent(value, "messages", out var messages))
        {
            return;
        }

        if (messages.ValueKind != JsonValueKind.Array)
        {
            batch.Reject(messages, "value.messages must be an array, got " + KindName(messages.ValueKind), phoneNumberId);
            return;
        }

        value.TryGetProperty("contacts", out var contacts);
        var onlyMessage = messages.GetArrayLength() == 1;
        foreach (var message in messages.EnumerateArray())
        {
            try
            {
                ReadWhatsAppMessage(batch, message, phoneNumberId, contacts, onlyMessage, entryTime);
            }
            catch (InvalidOperationException ex)
            {
                batch.Reject(message, "event could not be read: " + ex.Message, phoneNumberId);
            }
        }
    }

    private static void ReadWhatsAppMessage(Batch batch, JsonElement message, string? phoneNumberId, JsonElement contacts, bool onlyMessage, JsonElement entryTime)
    {
        if (message.ValueKind != JsonValueKind.Object)
        {
            batch.Reject(message, "message must be an object, got " + KindName(message.ValueKind), phoneNumberId);
            return;
        }

        // A reaction is a user's emoji on an earlier message: never a new message or an attribution.
        var hasType = message.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String;
        if (hasType && type.ValueEquals("reaction"u8))
        {
            batch.Ignored++;
            return;
        }

        var from = ReadId(message, "from");
        var fromUserId = ReadId(message, "from_user_id");
        var id = ReadId(message, "id");
        var timeError = ReadTimestamp(message, entryTime, out var timestampMs);
        DateTimeOffset? occurredAt = timeError is null ? DateTimeOffset.FromUnixTimeMilliseconds(timestampMs) : null;
        var contact = FindContact(contacts, from, fromUserId, onlyMessage);
        var identity = ReadIdentity(message, contact, from, fromUserId);

        var reason = phoneNumberId is null ? "metadata.phone_number_id is missing"
            : identity.Primary is null ? "message.from, message.from_user_id and contacts[].user_id are missing"
            : id is null ? "message.id is missing"
            : timeError;
        if (reason is not null)
        {
            batch.Reject(message, reason, phoneNumberId, identity.Primary, occurredAt);
            return;
        }

        var text = message.TryGetProperty("text", out var textElement) ? ReadString(textElement, "body") : null;
        if (ReadId(message, "group_id") is { } groupId)
        {
            batch.Groups.Add(new GroupMessage
            {
                AccountId = phoneNumberId!,
                GroupId = groupId,
                SenderId = identity.Primary,
                DedupKey = "whatsapp:g:" + id,
                MessageId = id,
                Text = text,
                OccurredAt = occurredAt!.Value,
                RawJson = message.GetRawText(),
            });
            return;
        }

        if (hasType && type.ValueEquals("system"u8))
        {
            ReadSystemMessage(batch, message, phoneNumberId!, identity, occurredAt!.Value);
            return;
        }

        ParsedReferral? referral = null;
        if (TryGetPresent(message, "referral", out var referralElement))
        {
            if (referralElement.ValueKind != JsonValueKind.Object)
            {
                batch.Reject(message, "referral must be an object, got " + KindName(referralElement.ValueKind), phoneNumberId, identity.Primary, occurredAt);
                return;
            }

            referral = ReadWhatsAppReferral(referralElement);
        }

        batch.Add(new ParsedEvent
        {
            Platform = Platform.WhatsApp,
            Channel = EventChannel.Messaging,
            Kind = EventKind.Message,
            AccountId = phoneNumberId!,
            ParticipantId = identity.Primary!,
            ParticipantName = contact.ValueKind == JsonValueKind.Object && contact.TryGetProperty("profile", out var profile) ? ReadString(profile, "name") : null,
            Identity = identity,
            OccurredAt = occurredAt!.Value,
            DedupKey = batch.DedupKey(EventKind.Message, id, phoneNumberId!, identity.Primary!, timestampMs, null, text),
            MessageId = id,
            Text = text,
            Referral = referral,
        });
    }

    /// <summary>
    /// The phone when Meta sends it (<c>from</c>, <c>wa_id</c>), the BSUID (<c>from_user_id</c>, <c>user_id</c>),
    /// the parent BSUID and the username, from the message and its <c>contacts[]</c> entry.
    /// </summary>
    private static WhatsAppIdentity ReadIdentity(JsonElement message, JsonElement contact, string? from, string? fromUserId)
    {
        var phone = from ?? ReadId(contact, "wa_id");
        var userId = fromUserId ?? ReadId(contact, "user_id");
        var parent = ReadId(message, "from_parent_user_id") ?? ReadId(contact, "parent_user_id");
        var username = contact.ValueKind == JsonValueKind.Object && contact.TryGetProperty("profile", out var profile) ? ReadString(profile, "username") : null;
        return new WhatsAppIdentity(phone, userId, parent, username);
    }

    /// <summary>
    /// The <c>contacts[]</c> entry for the sender: by phone, by BSUID, or, for a message that names neither (the phone
    /// withheld, no <c>from_user_id</c>), the one contact of a change holding one message.
    /// </summary>
    private static JsonElement FindContact(JsonElement contacts, string? phone, string? userId, bool onlyMessage)
    {
        if (contacts.ValueKind != JsonValueKind.Array)
        {
            return default;
        }

        foreach (var contact in contacts.EnumerateArray())
        {
            if (IdEquals(contact, "wa_id", phone) || IdEquals(contact, "user_id", userId))
            {
                return contact;
            }
        }

        return phone is null && userId is null && onlyMessage && contacts.GetArrayLength() == 1 && contacts[0].ValueKind == JsonValueKind.Object
            ? contacts[0]
            : default;
    }

    // "User X changed from US.old to US.new": the new BSUID is system.user_id; the old one is the sender's.
    private static void ReadSystemMessage(Batch batch, JsonElement message, string phoneNumberId, WhatsAppIdentity sender, DateTimeOffset occurredAt)
    {
        if (!message.TryGetProperty("system", out var system) || ReadString(system, "type") != "user_changed_user_id"
            || ReadId(system, "user_id") is not { } current)
        {
            // Other system notices (a changed number, a changed identity key) start nothing.
            batch.Ignored++;
            return;
        }

        batch.IdentityChanges.Add(new IdentityChange
        {
            AccountId = phoneNumberId,
            Phone = sender.Phone,
            PreviousUserId = sender.UserId != current ? sender.UserId : null,
            CurrentUserId = current,
            PreviousParentUserId = sender.ParentUserId,
            CurrentParentUserId = ReadId(system, "parent_user_id"),
            OccurredAt = occurredAt,
            Source = "system_message",
        });
    }

    private static void ReadUserIdUpdates(Batch batch, JsonElement value, string? phoneNumberId, JsonElement entryTime)
    {
        if (!TryGetPresent(value, "user_id_update", out var updates))
        {
            return;
        }

        if (updates.ValueKind != JsonValueKind.Array)
        {
            batch.Reject(updates, "value.user_id_update must be an array, got " + KindName(updates.ValueKind), phoneNumberId);
            return;
        }

        foreach (var update in updates.EnumerateArray())
        {
            var userId = update.ValueKind == JsonValueKind.Object && update.TryGetProperty("user_id", out var u) ? u : default;
            var parent = update.ValueKind == JsonValueKind.Object && update.TryGetProperty("parent_user_id", out var p) ? p : default;
            var current = ReadId(userId, "current");
            var timeError = ReadTimestamp(update, entryTime, out var timestampMs);
            var reason = phoneNumberId is null ? "metadata.phone_number_id is missing"
                : current is null ? "user_id_update.user_id.current is missing"
                : timeError;
            if (reason is not null)
            {
                batch.Reject(update, reason, phoneNumberId, current);
                continue;
            }

            batch.IdentityChanges.Add(new IdentityChange
            {
                AccountId = phoneNumberId!,
                Phone = ReadId(update, "wa_id"),
                PreviousUserId = ReadId(userId, "previous"),
                CurrentUserId = current!,
                PreviousParentUserId = ReadId(parent, "previous"),
                CurrentParentUserId = ReadId(parent, "current"),
                OccurredAt = DateTimeOffset.FromUnixTimeMilliseconds(timestampMs),
                Source = "user_id_update",
            });
        }
    }

    // Click-to-WhatsApp: there is no ref; the ad (or post) id is the campaign identity.
    private static ParsedReferral ReadWhatsAppReferral(JsonElement element)
    {
        var sourceId = ReadId(element, "source_id");
        var sourceType = ReadString(element, "source_type");
        return new ParsedReferral
        {
            Arrival = ReferralArrival.Ad,
            AdId = sourceId,
            SourceId = sourceId,
            SourceType = sourceType,
            Source = sourceType,
            SourceUrl = ReadString(element, "source_url"),
            Headline = ReadString(element, "headline"),
            Body = ReadString(element, "body"),
            MediaType = ReadString(element, "media_type"),
            ImageUrl = ReadString(element, "image_url"),
            VideoUrl = ReadString(element, "video_url"),
            ThumbnailUrl = ReadString(element, "thumbnail_url"),
            CtwaClid = ReadString(element, "ctwa_clid"),
        };
    }

    // ---- Shared readers ---------------------------------------------------------------------------

    /// <summary>The event's own timestamp, else <c>entry.time</c>; returns a reason when neither is usable.</summary>
    private static string? ReadTimestamp(JsonElement owner, JsonElement entryTime, out long milliseconds)
    {
        if (TryGetPresent(owner, "timestamp", out var timestamp))
        {
            return ToEpochMilliseconds(timestamp, "timestamp", out milliseconds);
        }

        if (entryTime.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
        {
            return ToEpochMilliseconds(entryTime, "entry.time", out milliseconds);
        }

        milliseconds = 0;
        return "timestamp is missing";
    }

    // Meta sends integer milliseconds in messaging[] but string seconds on WhatsApp and in some postback docs.
    private static string? ToEpochMilliseconds(JsonElement value, string name, out long milliseconds)
    {
        milliseconds = 0;
        long raw;
        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                if (!value.TryGetInt64(out raw))
                {
                    // Tolerate 1.458692752478E12 from re-serializers, but not fractions.
                    if (!value.TryGetDouble(out var d) || d != Math.Floor(d) || d < 0 || d > MaxEpochMilliseconds)
                    {
                        return $"{name} {Shorten(value.GetRawText())} is not a whole number in range";
                    }

                    raw = (long)d;
                }

                break;
            case JsonValueKind.String:
                var text = value.GetString()!;
                if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out raw))
                {
                    return $"{name} \"{Shorten(text)}\" is not a whole number";
                }

                break;
            default:
                return $"{name} must be a number or a string, got {KindName(value.ValueKind)}";
        }

        if (raw < 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{name} {raw} is negative");
        }

        milliseconds = raw < MillisecondsThreshold ? raw * 1000 : raw;
        if (milliseconds > MaxEpochMilliseconds)
        {
            milliseconds = 0;
            return string.Create(CultureInfo.InvariantCulture, $"{name} {raw} is out of range");
        }

        return null;
    }

    /// <summary>True when the property exists and is not JSON null (Meta sometimes sends explicit nulls).</summary>
    private static bool TryGetPresent(JsonElement obj, string name, out JsonElement value)
    {
        if (obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }

        value = default;
        return false;
    }

    private static string? ReadString(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>Ids are strings in every Meta example; numbers are accepted as their JSON text, empty strings count as missing.</summary>
    private static string? ReadId(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String when value.GetString() is { Length: > 0 } id => id,
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
    }

    /// <summary><see cref="ReadId"/> compared with <paramref name="id"/>, without allocating the id for string values.</summary>
    private static bool IdEquals(JsonElement obj, string name, string? id) =>
        id is not null && obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value)
        && (value.ValueKind == JsonValueKind.String ? value.ValueEquals(id) : ReadId(obj, name) == id);

    private static string KindName(JsonValueKind kind) => kind switch
    {
        JsonValueKind.True or JsonValueKind.False => "Boolean",
        _ => kind.ToString(),
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "…");

    /// <summary>Collects one delivery's results; dedup keys depend on its object name and platform.</summary>
    private sealed class Batch(string objectName, Platform platform)
    {
        private readonly List<ParsedEvent> _events = [];
        private List<RejectedEvent>? _rejected;
        private bool _outOfOrder;

        public Platform Platform { get; } = platform;

        public int Ignored { get; set; }

        public List<IdentityChange> IdentityChanges { get; } = [];

        public List<GroupMessage> Groups { get; } = [];

        private string PlatformKey => PlatformNames.Of(Platform);

        public void Add(ParsedEvent parsed)
        {
            if (_events.Count > 0 && parsed.OccurredAt < _events[^1].OccurredAt)
            {
                _outOfOrder = true;
            }

            _events.Add(parsed);
        }

        public void Reject(JsonElement raw, string reason, string? accountId = null, string? participantId = null, DateTimeOffset? occurredAt = null) =>
            (_rejected ??= []).Add(new RejectedEvent
            {
                Platform = Platform,
                AccountId = accountId,
                ParticipantId = participantId,
                OccurredAt = occurredAt,
                Reason = reason,
                RawJson = raw.GetRawText(),
            });

        /// <summary>
        /// Stable across Meta's retries and re-batching: ids when Meta gives one, else a hash of what the event says.
        /// These keys are stored, so the formulas must not change.
        /// </summary>
        public string DedupKey(EventKind kind, string? messageId, string accountId, string participantId, long timestampMs, string? reference, string? text)
        {
            if (kind == EventKind.Referral)
            {
                return Hash(
                    PlatformKey + ":r:",
                    string.Create(CultureInfo.InvariantCulture, $"{objectName}|{accountId}|{participantId}|{timestampMs}|{reference}"));
            }

            if (messageId is not null)
            {
                return string.Concat(PlatformKey, kind == EventKind.Message ? ":m:" : ":p:", messageId);
            }

            var kindName = kind == EventKind.Message ? nameof(EventKind.Message) : nameof(EventKind.Postback);
            return Hash(
                PlatformKey + ":x:",
                string.Create(CultureInfo.InvariantCulture, $"{objectName}|{accountId}|{participantId}|{timestampMs}|{kindName}|{reference}|{text}"));
        }

        public ParseResult ToResult()
        {
            IReadOnlyList<ParsedEvent> events = _events;
            if (_outOfOrder)
            {
                // Meta does not deliver in order; sort by time, keeping document order for ties (Array.Sort alone is unstable).
                var keyed = new (DateTimeOffset At, int Index, ParsedEvent Event)[_events.Count];
                for (var i = 0; i < keyed.Length; i++)
                {
                    keyed[i] = (_events[i].OccurredAt, i, _events[i]);
                }

                Array.Sort(keyed, static (a, b) => a.At != b.At ? a.At.CompareTo(b.At) : a.Index.CompareTo(b.Index));
                var sorted = new ParsedEvent[keyed.Length];
                for (var i = 0; i < keyed.Length; i++)
                {
                    sorted[i] = keyed[i].Event;
                }

                events = sorted;
            }

            IReadOnlyList<RejectedEvent> rejected = _rejected is null ? [] : _rejected;
            return new ParseResult(events, rejected, Ignored) { IdentityChanges = IdentityChanges, GroupMessages = Groups };
        }

        private static string Hash(string prefix, string material)
        {
            var maxBytes = Encoding.UTF8.GetMaxByteCount(material.Length);
            byte[]? rented = null;
            Span<byte> buffer = maxBytes <= StackHashInputBytes
                ? stackalloc byte[StackHashInputBytes]
                : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
            try
            {
                var length = Encoding.UTF8.GetBytes(material, buffer);
                Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
                SHA256.HashData(buffer[..length], hash);
                return prefix + Convert.ToHexStringLower(hash);
            }
            finally
            {
                if (rented is not null)
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }
            }
        }
    }
}
