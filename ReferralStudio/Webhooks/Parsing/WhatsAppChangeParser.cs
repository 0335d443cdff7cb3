using System.Text.Json;
using ReferralStudio.Platforms;
using static ReferralStudio.Webhooks.Parsing.MetaJson;

namespace ReferralStudio.Webhooks.Parsing;

/// <summary>
/// Reads one WhatsApp <c>entry.changes[]</c> item: <c>messages</c> changes become events, group messages and
/// identity changes (system notices); <c>user_id_update</c> changes become identity changes; others are ignored.
/// </summary>
internal static class WhatsAppChangeParser
{
    public static void Read(ParseBatch batch, JsonElement change, JsonElement entryTime)
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

    private static void ReadWhatsAppMessage(ParseBatch batch, JsonElement message, string? phoneNumberId, JsonElement contacts, bool onlyMessage, JsonElement entryTime)
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
    private static void ReadSystemMessage(ParseBatch batch, JsonElement message, string phoneNumberId, WhatsAppIdentity sender, DateTimeOffset occurredAt)
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

    private static void ReadUserIdUpdates(ParseBatch batch, JsonElement value, string? phoneNumberId, JsonElement entryTime)
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
}
