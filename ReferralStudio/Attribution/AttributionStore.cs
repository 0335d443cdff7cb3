using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using ReferralStudio.Api;
using ReferralStudio.Data;
using ReferralStudio.Outbound;
using ReferralStudio.Triggers;
using ReferralStudio.Webhooks.Parsing;

namespace ReferralStudio.Attribution;

/// <summary>A stored delivery with its parsed content, ready to be applied.</summary>
public sealed record ParsedDelivery(long Id, DateTimeOffset ReceivedAt, ParseResult Result, bool Simulated = false);

/// <summary>What one delivery contributed once applied.</summary>
public readonly record struct DeliveryOutcome(int Accepted, int Duplicates, int Rejected, int Ignored);

/// <summary>
/// Applies parsed deliveries to the attribution tables with prepared statements on one connection.
/// Hand-written SQL because this is the hot path (tens of thousands of events a second); the schema
/// itself belongs to the EF Core model and its migrations.
/// </summary>
public sealed class AttributionStore : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly PrefilledTextRefExtractor _prefilledText;
    private readonly TriggerCatalog _triggers;
    private readonly AutomationWriter _automations;
    private readonly Conversions.CampaignRollupWriter _rollup;
    private readonly TimeProvider _time;
    private TriggerCatalog.Snapshot _snapshot;
    private readonly Dictionary<(string Platform, string Account, string Participant), ConversationState> _conversations = [];
    private readonly SqliteCommand _selectConversation;
    private readonly SqliteCommand _insertConversation;
    private readonly SqliteCommand _updateConversation;
    private readonly SqliteCommand _insertEvent;
    private readonly SqliteCommand _insertTouch;
    private readonly SqliteCommand _markDelivery;
    private readonly SqliteCommand _advanceCursor;
    private SqliteTransaction? _transaction;
    private long _lastDeliveryId;

    public AttributionStore(
        SqliteConnection connection,
        PrefilledTextRefExtractor prefilledText,
        TriggerCatalog triggers,
        OutboundQueue outbound,
        TimeProvider time)
    {
        _connection = connection;
        _prefilledText = prefilledText;
        _triggers = triggers;
        _time = time;
        _snapshot = triggers.Current;
        _automations = new AutomationWriter(connection, outbound);
        _rollup = new Conversions.CampaignRollupWriter(connection);
        _selectConversation = Sql.Command(connection, """
            SELECT Id, CreatedAt, LastActivityAt, WindowExpiresAt, FirstReferralId, FirstReferralAt,
                   LatestReferralId, LastReferralAt, MessageCount, HasInboundText, ParticipantName, HasWaitingGreeting
            FROM Conversations WHERE Platform = $platform AND AccountId = $account AND ParticipantId = $participant
            """, "$platform", "$account", "$participant");
        _insertConversation = Sql.Command(connection, """
            INSERT INTO Conversations (Platform, AccountId, ParticipantId, ParticipantName, CreatedAt, LastActivityAt, MessageCount, HasInboundText, HasWaitingGreeting, Simulated)
            VALUES ($platform, $account, $participant, $name, $at, $at, 0, 0, 0, $simulated) RETURNING Id
            """, "$platform", "$account", "$participant", "$name", "$at", "$simulated");
        _updateConversation = Sql.Command(connection, """
            UPDATE Conversations SET ParticipantName = $name, CreatedAt = $createdAt, LastActivityAt = $lastActivityAt,
                WindowExpiresAt = $windowExpiresAt, FirstReferralId = $firstReferralId, FirstReferralAt = $firstReferralAt,
                LatestReferralId = $latestReferralId, LastReferralAt = $lastReferralAt, MessageCount = $messageCount,
                HasInboundText = $hasInboundText, HasWaitingGreeting = $hasWaitingGreeting
            WHERE Id = $id
            """, "$name", "$createdAt", "$lastActivityAt", "$windowExpiresAt", "$firstReferralId", "$firstReferralAt",
            "$latestReferralId", "$lastReferralAt", "$messageCount", "$hasInboundText", "$hasWaitingGreeting", "$id");
        _insertEvent = Sql.Command(connection, """
            INSERT INTO WebhookEvents (DeliveryId, DedupKey, Status, Reason, Platform, Kind, Passive, AccountId, ParticipantId,
                OccurredAt, ReceivedAt, MessageId, Text, Ref, RefRejection, RawJson, ConversationId)
            VALUES ($deliveryId, $dedupKey, $status, $reason, $platform, $kind, $passive, $account, $participant,
                $occurredAt, $receivedAt, $messageId, $text, $ref, $refRejection, $rawJson, $conversationId)
            ON CONFLICT (DedupKey) DO NOTHING RETURNING Id
            """, "$deliveryId", "$dedupKey", "$status", "$reason", "$platform", "$kind", "$passive", "$account", "$participant",
            "$occurredAt", "$receivedAt", "$messageId", "$text", "$ref", "$refRejection", "$rawJson", "$conversationId");
        _insertTouch = Sql.Command(connection, """
            INSERT INTO ReferralTouches (ConversationId, EventId, Ref, Source, Type, Arrival, Passive, IsCampaignTouch, OccurredAt, ReceivedAt,
                AdId, AdsContextData, RefererUri, ProductId, Payload, CtwaClid, SourceId, SourceType, SourceUrl, Headline, Body,
                MediaType, ImageUrl, VideoUrl, ThumbnailUrl, TriggerId, Platform, AccountId, ParticipantId, Simulated)
            VALUES ($conversationId, $eventId, $ref, $source, $type, $arrival, $passive, $campaign, $occurredAt, $receivedAt,
                $adId, $adsContextData, $refererUri, $productId, $payload, $ctwaClid, $sourceId, $sourceType, $sourceUrl, $headline, $body,
                $mediaType, $imageUrl, $videoUrl, $thumbnailUrl, $triggerId, $platform, $account, $participant, $simulated)
            RETURNING Id
            """, "$conversationId", "$eventId", "$ref", "$source", "$type", "$arrival", "$passive", "$campaign", "$occurredAt", "$receivedAt",
            "$adId", "$adsContextData", "$refererUri", "$productId", "$payload", "$ctwaClid", "$sourceId", "$sourceType", "$sourceUrl",
            "$headline", "$body", "$mediaType", "$imageUrl", "$videoUrl", "$thumbnailUrl", "$triggerId", "$platform", "$account", "$participant", "$simulated");
        _markDelivery = Sql.Command(connection, """
            INSERT INTO DeliveryOutcomes (Status, Reason, ProcessedAt, EventCount, DuplicateCount, RejectedEventCount, IgnoredEventCount, DeliveryId)
            VALUES ($status, $reason, $processedAt, $events, $duplicates, $rejected, $ignored, $id)
            ON CONFLICT (DeliveryId) DO UPDATE SET Status = excluded.Status, Reason = excluded.Reason, ProcessedAt = excluded.ProcessedAt
            """, "$status", "$reason", "$processedAt", "$events", "$duplicates", "$rejected", "$ignored", "$id");
        _advanceCursor = Sql.Command(connection, "UPDATE InboxCursors SET LastDeliveryId = $id WHERE Id = 1 AND LastDeliveryId < $id", "$id");
    }

    /// <summary>What the last committed transaction queued, so the caller can wake the senders.</summary>
    public bool QueuedOutbound => _automations.QueuedOutbound;

    public bool QueuedGreeting => _automations.QueuedGreeting;

    /// <summary>Campaign touches recorded by the last transaction, for the live board once it has committed.</summary>
    public List<Live.AttributionNotice> Notices { get; } = [];

    public void Begin()
    {
        _transaction = _connection.BeginTransaction();
        foreach (var command in Commands.Concat(_automations.Commands))
        {
            command.Transaction = _transaction;
        }

        _rollup.Begin(_transaction);
        // One trigger snapshot per transaction: every touch in it sees the same rules.
        _snapshot = _triggers.Current;
        _automations.ResetFlags();
        Notices.Clear();
    }

    /// <summary>The open transaction, for the processor's reads of the inbox on the same connection.</summary>
    public SqliteTransaction? Transaction => _transaction;

    /// <summary>Writes back every conversation the transaction touched, advances the inbox cursor, then commits.</summary>
    public void Commit()
    {
        foreach (var conversation in _conversations.Values)
        {
            if (conversation.Dirty)
            {
                SaveConversation(conversation);
            }
        }

        if (_lastDeliveryId > 0)
        {
            Sql.Set(_advanceCursor, _lastDeliveryId);
            _advanceCursor.ExecuteNonQuery();
        }

        _rollup.Flush();
        _transaction!.Commit();
        EndTransaction();
    }

    public void Rollback()
    {
        _transaction?.Rollback();
        EndTransaction();
    }

    public DeliveryOutcome Apply(ParsedDelivery delivery, DateTimeOffset processedAt)
    {
        int accepted = 0, duplicates = 0;
        foreach (var rejected in delivery.Result.Rejected)
        {
            InsertRejected(delivery, rejected);
        }

        foreach (var parsed in delivery.Result.Events)
        {
            if (ApplyEvent(delivery, parsed))
            {
                accepted++;
            }
            else
            {
                duplicates++;
            }
        }

        var outcome = new DeliveryOutcome(accepted, duplicates, delivery.Result.Rejected.Count, delivery.Result.IgnoredCount);
        MarkDelivery(delivery.Id, DeliveryStatus.Processed, null, processedAt, outcome);
        return outcome;
    }

    public void MarkDelivery(long id, DeliveryStatus status, string? reason, DateTimeOffset processedAt, DeliveryOutcome outcome)
    {
        Sql.Set(_markDelivery, (int)status, reason, UnixMs.From(processedAt), outcome.Accepted, outcome.Duplicates, outcome.Rejected, outcome.Ignored, id);
        _markDelivery.ExecuteNonQuery();
        _lastDeliveryId = Math.Max(_lastDeliveryId, id);
    }

    /// <summary>Returns false when the event was already recorded (a retry or duplicate from Meta).</summary>
    private bool ApplyEvent(ParsedDelivery delivery, ParsedEvent parsed)
    {
        var platform = PlatformNames.Of(parsed.Platform);
        var conversation = GetOrCreateConversation(platform, parsed, delivery.Simulated);
        var referral = parsed.Referral ?? PrefilledReferral(parsed, conversation);

        Sql.Set(_insertEvent,
            delivery.Id, parsed.DedupKey, (int)EventStatus.Accepted, null, platform, KindName(parsed.Kind),
            parsed.Channel == EventChannel.Standby, parsed.AccountId, parsed.ParticipantId,
            UnixMs.From(parsed.OccurredAt), UnixMs.From(delivery.ReceivedAt), parsed.MessageId, parsed.Text,
            referral?.Ref, referral?.RefRejection, null, conversation.Id);
        if (_insertEvent.ExecuteScalar() is not long eventId)
        {
            return false;
        }

        if (parsed.ParticipantName is { } name && name != conversation.ParticipantName)
        {
            conversation.ParticipantName = name;
            conversation.Dirty = true;
        }

        var now = _time.GetUtcNow();
        AttributionRules.ApplyActivity(conversation, parsed.OccurredAt);
        if (parsed.Kind == EventKind.Message)
        {
            conversation.MessageCount++;
            conversation.HasInboundText |= parsed.Text is not null;
        }

        if (parsed.Kind != EventKind.Referral && parsed.Channel == EventChannel.Messaging)
        {
            _automations.ReleaseWaitingGreetings(conversation, now);
        }

        // An invalid ref stays on the event with its reason; it never becomes part of the history.
        ReferralDto? touch = null;
        TriggerRef? trigger = null;
        if (referral is not null && referral.RefRejection is null)
        {
            var match = referral.IsCampaignTouch ? _snapshot.Matcher.Match(platform, referral.Ref, referral.AdId) : null;
            var fired = match is { } m && _snapshot.Triggers.TryGetValue(m.Trigger.Id, out var t) ? t : null;
            var touchId = InsertTouch(conversation.Id, eventId, parsed, referral, delivery, fired?.Id);
            if (referral.IsCampaignTouch)
            {
                _rollup.Touch(conversation, touchId, fired?.Id, referral.Ref, referral.AdId, parsed.OccurredAt);
                AttributionRules.ApplyCampaignTouch(conversation, touchId, parsed.OccurredAt);
            }

            if (fired is not null)
            {
                var context = new TouchContext(touchId, platform, parsed.AccountId, parsed.ParticipantId, parsed.Kind,
                    parsed.Channel == EventChannel.Standby, referral, parsed.OccurredAt);
                trigger = _automations.Fire(fired, match!.Value, context, conversation, now);
            }

            touch = ToDto(referral, parsed, delivery.ReceivedAt, fired?.Id);
            if (referral.IsCampaignTouch)
            {
                Notices.Add(new Live.AttributionNotice(
                    touchId, conversation.Id, platform, parsed.AccountId, parsed.ParticipantId, parsed.ParticipantName ?? conversation.ParticipantName,
                    referral.Ref, referral.AdId, referral.Source, touch.Arrival, fired?.Id, fired?.Name, parsed.OccurredAt, delivery.ReceivedAt,
                    parsed.Channel == EventChannel.Standby, delivery.Simulated));
            }
        }

        // Queued in the order a receiver expects to read them: started, then the referral, then the message.
        if (conversation.IsNew && !conversation.StartAnnounced)
        {
            conversation.StartAnnounced = true;
            if (_automations.Wants(EventTypes.ConversationStarted))
            {
                _automations.Enqueue(EventTypes.ConversationStarted, parsed.OccurredAt, EventData(platform, parsed, conversation, touch, trigger), now);
            }
        }

        if (touch is not null && _automations.Wants(EventTypes.ReferralReceived))
        {
            _automations.Enqueue(EventTypes.ReferralReceived, parsed.OccurredAt, EventData(platform, parsed, conversation, touch, trigger), now);
        }

        if (parsed.Kind == EventKind.Message && _automations.Wants(EventTypes.MessageReceived))
        {
            // The first inbound message carries the conversation's referral, so integrators parsing
            // their own codes see the campaign alongside the text.
            var carried = conversation.MessageCount == 1
                ? touch ?? (conversation.LatestReferralId is { } latest ? _automations.LoadTouch(latest) : null)
                : null;
            var data = EventData(platform, parsed, conversation, carried, carried == touch ? trigger : null) with
            {
                Message = new MessageRef(parsed.MessageId, parsed.Text, parsed.OccurredAt),
            };
            _automations.Enqueue(EventTypes.MessageReceived, parsed.OccurredAt, data, now);
        }

        return true;
    }

    private static OutboundEventData EventData(string platform, ParsedEvent parsed, ConversationState conversation, ReferralDto? referral, TriggerRef? trigger) => new(
        platform,
        new AccountRef(parsed.AccountId),
        new ConversationRef(conversation.Id, conversation.CreatedAt, conversation.WindowExpiresAt),
        new SenderRef(parsed.ParticipantId, parsed.ParticipantName ?? conversation.ParticipantName),
        referral,
        trigger);

    private static ReferralDto ToDto(ParsedReferral r, ParsedEvent parsed, DateTimeOffset receivedAt, long? triggerId) => new(
        r.Ref, r.Source, r.Type, ArrivalNames.Of(r.Arrival), receivedAt, parsed.OccurredAt, parsed.Channel == EventChannel.Standby, r.IsCampaignTouch)
    {
        AdId = r.AdId,
        AdsContextData = r.AdsContextData,
        CtwaClid = r.CtwaClid,
        SourceId = r.SourceId,
        SourceType = r.SourceType,
        SourceUrl = r.SourceUrl,
        Headline = r.Headline,
        Body = r.Body,
        MediaType = r.MediaType,
        ImageUrl = r.ImageUrl,
        VideoUrl = r.VideoUrl,
        ThumbnailUrl = r.ThumbnailUrl,
        RefererUri = r.RefererUri,
        ProductId = r.ProductId,
        Payload = r.Payload,
        TriggerId = triggerId,
    };

    /// <summary>Organic wa.me links carry no referral: read the code from the conversation's first inbound text.</summary>
    private ParsedReferral? PrefilledReferral(ParsedEvent parsed, ConversationState conversation)
    {
        if (parsed.Platform != Platform.WhatsApp || parsed.Kind != EventKind.Message || conversation.HasInboundText)
        {
            return null;
        }

        var code = _prefilledText.Extract(parsed.Text);
        return code is null
            ? null
            : new ParsedReferral { Arrival = ReferralArrival.PrefilledText, Ref = code, RefRejection = RefValidator.Validate(code) };
    }

    private void InsertRejected(ParsedDelivery delivery, RejectedEvent rejected)
    {
        // Keyed by content so a redelivered bad event is kept once, like a good one.
        var key = "rejected:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(rejected.RawJson)));
        Sql.Set(_insertEvent,
            delivery.Id, key, (int)EventStatus.Rejected, rejected.Reason,
            rejected.Platform is { } p ? PlatformNames.Of(p) : null, null, false, rejected.AccountId, rejected.ParticipantId,
            rejected.OccurredAt is { } at ? UnixMs.From(at) : null, UnixMs.From(delivery.ReceivedAt), null, null,
            null, null, rejected.RawJson, null);
        _insertEvent.ExecuteScalar();
    }

    private long InsertTouch(long conversationId, long eventId, ParsedEvent parsed, ParsedReferral r, ParsedDelivery delivery, long? triggerId)
    {
        Sql.Set(_insertTouch,
            conversationId, eventId, r.Ref, r.Source, r.Type, ArrivalNames.Of(r.Arrival), parsed.Channel == EventChannel.Standby,
            r.IsCampaignTouch, UnixMs.From(parsed.OccurredAt), UnixMs.From(delivery.ReceivedAt),
            r.AdId, r.AdsContextData, r.RefererUri, r.ProductId, r.Payload, r.CtwaClid, r.SourceId, r.SourceType, r.SourceUrl,
            r.Headline, r.Body, r.MediaType, r.ImageUrl, r.VideoUrl, r.ThumbnailUrl, triggerId,
            PlatformNames.Of(parsed.Platform), parsed.AccountId, parsed.ParticipantId, delivery.Simulated);
        return (long)_insertTouch.ExecuteScalar()!;
    }

    private ConversationState GetOrCreateConversation(string platform, ParsedEvent parsed, bool simulated)
    {
        var key = (platform, parsed.AccountId, parsed.ParticipantId);
        if (_conversations.TryGetValue(key, out var cached))
        {
            return cached;
        }

        Sql.Set(_selectConversation, platform, parsed.AccountId, parsed.ParticipantId);
        ConversationState state;
        using (var reader = _selectConversation.ExecuteReader())
        {
            state = reader.Read() ? ReadConversation(reader) : null!;
        }

        if (state is null)
        {
            Sql.Set(_insertConversation, platform, parsed.AccountId, parsed.ParticipantId, parsed.ParticipantName, UnixMs.From(parsed.OccurredAt), simulated);
            state = new ConversationState
            {
                Id = (long)_insertConversation.ExecuteScalar()!,
                IsNew = true,
                ParticipantName = parsed.ParticipantName,
                CreatedAt = parsed.OccurredAt,
                LastActivityAt = parsed.OccurredAt,
            };
        }

        _conversations[key] = state;
        return state;
    }

    private static ConversationState ReadConversation(SqliteDataReader r) => new()
    {
        Id = r.GetInt64(0),
        CreatedAt = UnixMs.To(r.GetInt64(1)),
        LastActivityAt = UnixMs.To(r.GetInt64(2)),
        WindowExpiresAt = r.IsDBNull(3) ? null : UnixMs.To(r.GetInt64(3)),
        FirstReferralId = r.IsDBNull(4) ? null : r.GetInt64(4),
        FirstReferralAt = r.IsDBNull(5) ? null : UnixMs.To(r.GetInt64(5)),
        LatestReferralId = r.IsDBNull(6) ? null : r.GetInt64(6),
        LastReferralAt = r.IsDBNull(7) ? null : UnixMs.To(r.GetInt64(7)),
        MessageCount = r.GetInt32(8),
        HasInboundText = r.GetBoolean(9),
        ParticipantName = r.IsDBNull(10) ? null : r.GetString(10),
        HasWaitingGreeting = r.GetBoolean(11),
    };

    private void SaveConversation(ConversationState c)
    {
        Sql.Set(_updateConversation,
            c.ParticipantName, UnixMs.From(c.CreatedAt), UnixMs.From(c.LastActivityAt),
            c.WindowExpiresAt is { } w ? UnixMs.From(w) : null, c.FirstReferralId,
            c.FirstReferralAt is { } f ? UnixMs.From(f) : null, c.LatestReferralId,
            c.LastReferralAt is { } l ? UnixMs.From(l) : null, c.MessageCount, c.HasInboundText, c.HasWaitingGreeting, c.Id);
        _updateConversation.ExecuteNonQuery();
        c.Dirty = false;
    }

    private void EndTransaction()
    {
        _transaction?.Dispose();
        _transaction = null;
        _lastDeliveryId = 0;
        // The cache mirrors rows inside one transaction only; after it, the database is the truth again.
        _conversations.Clear();
    }

    private SqliteCommand[] Commands => [_selectConversation, _insertConversation, _updateConversation, _insertEvent, _insertTouch, _markDelivery, _advanceCursor];

    private static string KindName(EventKind kind) => kind switch
    {
        EventKind.Message => "message",
        EventKind.Postback => "postback",
        _ => "referral",
    };

    public void Dispose()
    {
        foreach (var command in Commands.Concat(_automations.Commands))
        {
            command.Dispose();
        }

        _rollup.Dispose();
    }
}
