using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using ReferralStudio.Data;
using ReferralStudio.Outbound;
using ReferralStudio.Platforms;
using ReferralStudio.Referrals;
using ReferralStudio.Triggers;
using ReferralStudio.Webhooks.Parsing;

namespace ReferralStudio.Attribution;

/// <summary>A stored delivery with its parsed content, ready to be applied.</summary>
public sealed record ParsedDelivery(long Id, DateTimeOffset ReceivedAt, ParseResult Result, bool Simulated = false);

/// <summary>What one delivery contributed once applied.</summary>
public readonly record struct DeliveryOutcome(int Accepted, int Duplicates, int Rejected, int Ignored);

/// <summary>
/// The unit of work that applies parsed deliveries with prepared statements on one connection: it records events
/// and referral touches, fires triggers, and at commit has the conversations written back and the inbox cursor
/// advanced. The conversations themselves are <see cref="ConversationCache"/>'s, the events integrators receive
/// <see cref="ConversationEvents"/>'. Hand-written SQL because this is the hot path; the schema itself belongs to
/// the EF Core model and its migrations.
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
    private readonly ConversationLookup _lookup;
    private readonly ConversationCache _conversations;
    private readonly ConversationEvents _events;
    private readonly PreparedStatement _insertEvent;
    private readonly PreparedStatement _insertTouch;
    private readonly PreparedStatement _markDelivery;
    private readonly PreparedStatement _advanceCursor;
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
        _lookup = new ConversationLookup(connection);
        _rollup = new Conversions.CampaignRollupWriter(connection, _lookup);
        _conversations = new ConversationCache(connection, _lookup, _rollup);
        _events = new ConversationEvents(_automations);
        _insertEvent = new PreparedStatement(connection, """
            INSERT INTO WebhookEvents (DeliveryId, DedupKey, Status, Reason, Platform, Kind, Passive, AccountId, ParticipantId,
                OccurredAt, ReceivedAt, MessageId, Text, Ref, RefRejection, RawJson, ConversationId)
            VALUES ($deliveryId, $dedupKey, $status, $reason, $platform, $kind, $passive, $account, $participant,
                $occurredAt, $receivedAt, $messageId, $text, $ref, $refRejection, $rawJson, $conversationId)
            ON CONFLICT (DedupKey) DO NOTHING
            """, "$deliveryId", "$dedupKey", "$status", "$reason", "$platform", "$kind", "$passive", "$account", "$participant",
            "$occurredAt", "$receivedAt", "$messageId", "$text", "$ref", "$refRejection", "$rawJson", "$conversationId");
        _insertTouch = new PreparedStatement(connection, $"""
            INSERT INTO ReferralTouches (ConversationId, EventId, Ref, Source, Type, Arrival, Passive, IsCampaignTouch, OccurredAt, ReceivedAt,
                AdId, TriggerId, Platform, AccountId, ParticipantId, Simulated, {ReferralDetailsColumns.Names})
            VALUES ($conversationId, $eventId, $ref, $source, $type, $arrival, $passive, $campaign, $occurredAt, $receivedAt,
                $adId, $triggerId, $platform, $account, $participant, $simulated, {string.Join(", ", ReferralDetailsColumns.Parameters)})
            """, [
                "$conversationId", "$eventId", "$ref", "$source", "$type", "$arrival", "$passive", "$campaign", "$occurredAt", "$receivedAt",
                "$adId", "$triggerId", "$platform", "$account", "$participant", "$simulated", .. ReferralDetailsColumns.Parameters]);
        _markDelivery = new PreparedStatement(connection, """
            INSERT INTO DeliveryOutcomes (Status, Reason, ProcessedAt, EventCount, DuplicateCount, RejectedEventCount, IgnoredEventCount, DeliveryId)
            VALUES ($status, $reason, $processedAt, $events, $duplicates, $rejected, $ignored, $id)
            ON CONFLICT (DeliveryId) DO UPDATE SET Status = excluded.Status, Reason = excluded.Reason, ProcessedAt = excluded.ProcessedAt
            """, "$status", "$reason", "$processedAt", "$events", "$duplicates", "$rejected", "$ignored", "$id");
        _advanceCursor = new PreparedStatement(connection, "UPDATE InboxCursors SET LastDeliveryId = $id WHERE Id = 1 AND LastDeliveryId < $id", "$id");
    }

    /// <summary>What the last committed transaction queued, so the caller can wake the senders.</summary>
    public bool QueuedOutbound => _automations.QueuedOutbound;

    public bool QueuedGreeting => _automations.QueuedGreeting;

    /// <summary>Campaign touches recorded by the last transaction, for the live board once it has committed.</summary>
    public List<Live.AttributionNotice> Notices { get; } = [];

    public void Begin()
    {
        _transaction = _connection.BeginTransaction();

        _rollup.Begin();
        // One trigger snapshot per transaction: every touch in it sees the same rules.
        _snapshot = _triggers.Current;
        _automations.ResetFlags();
        Notices.Clear();
    }

    /// <summary>Writes back every conversation the transaction touched, advances the inbox cursor, then commits.</summary>
    public void Commit()
    {
        _conversations.WriteBack();

        if (_lastDeliveryId > 0)
        {
            _advanceCursor.Bind(1, _lastDeliveryId);
            _advanceCursor.Execute();
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

    /// <summary>Reads the conversations a batch of deliveries is about before it is applied (see <see cref="ConversationCache.Prefetch"/>).</summary>
    public void Prefetch(IReadOnlyList<ParsedDelivery> deliveries) => _conversations.Prefetch(deliveries);

    public DeliveryOutcome Apply(ParsedDelivery delivery, DateTimeOffset processedAt)
    {
        int accepted = 0, duplicates = 0, ignored = delivery.Result.IgnoredCount;
        foreach (var rejected in delivery.Result.Rejected)
        {
            InsertRejected(delivery, rejected);
        }

        foreach (var group in delivery.Result.GroupMessages)
        {
            InsertGroupMessage(delivery, group);
            ignored++;
        }

        // Before the messages: a message under a new BSUID then finds the conversation the change linked it to.
        foreach (var change in delivery.Result.IdentityChanges)
        {
            if (_conversations.ApplyIdentityChange(change))
            {
                accepted++;
            }
            else
            {
                ignored++;
            }
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

        var outcome = new DeliveryOutcome(accepted, duplicates, delivery.Result.Rejected.Count, ignored);
        MarkDelivery(delivery.Id, DeliveryStatus.Processed, null, processedAt, outcome);
        return outcome;
    }

    public void MarkDelivery(long id, DeliveryStatus status, string? reason, DateTimeOffset processedAt, DeliveryOutcome outcome)
    {
        var mark = _markDelivery;
        mark.Bind(1, (int)status);
        mark.Bind(2, reason);
        mark.Bind(3, processedAt);
        mark.Bind(4, outcome.Accepted);
        mark.Bind(5, outcome.Duplicates);
        mark.Bind(6, outcome.Rejected);
        mark.Bind(7, outcome.Ignored);
        mark.Bind(8, id);
        mark.Execute();
        _lastDeliveryId = Math.Max(_lastDeliveryId, id);
    }

    /// <summary>Returns false when the event was already recorded (a retry or duplicate from Meta).</summary>
    private bool ApplyEvent(ParsedDelivery delivery, ParsedEvent parsed)
    {
        var platform = PlatformNames.Of(parsed.Platform);
        var conversation = _conversations.GetOrCreate(platform, parsed, delivery.Simulated);
        var referral = parsed.Referral ?? PrefilledReferral(parsed, conversation);

        var insert = _insertEvent;
        insert.Bind(1, delivery.Id);
        insert.Bind(2, parsed.DedupKey);
        insert.Bind(3, (int)EventStatus.Accepted);
        insert.BindNull(4);
        insert.Bind(5, platform);
        insert.Bind(6, KindName(parsed.Kind));
        insert.Bind(7, parsed.Channel == EventChannel.Standby);
        insert.Bind(8, parsed.AccountId);
        insert.Bind(9, parsed.ParticipantId);
        insert.Bind(10, parsed.OccurredAt);
        insert.Bind(11, delivery.ReceivedAt);
        insert.Bind(12, parsed.MessageId);
        insert.Bind(13, parsed.Text);
        insert.Bind(14, referral?.Ref);
        insert.Bind(15, referral?.RefRejection);
        insert.BindNull(16);
        insert.Bind(17, conversation.Id);
        if (insert.ExecuteInsert() is not long eventId)
        {
            return false;
        }

        conversation.HasEvents = true;
        if (parsed.Identity is { } identity)
        {
            conversation = _conversations.LinkIdentity(conversation, identity, parsed.OccurredAt);
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
            var touchId = InsertTouch(conversation, eventId, parsed, referral, delivery, fired?.Id);
            if (referral.IsCampaignTouch)
            {
                _rollup.Touch(conversation, touchId, fired?.Id, referral.Ref, referral.AdId, parsed.OccurredAt);
                AttributionRules.ApplyCampaignTouch(conversation, touchId, parsed.OccurredAt);
            }

            if (fired is not null)
            {
                var context = new TouchContext(touchId, platform, parsed.AccountId, conversation.Recipient, parsed.Kind,
                    parsed.Channel == EventChannel.Standby, referral, parsed.OccurredAt);
                trigger = _automations.Fire(fired, match!.Value, context, conversation, now);
            }

            touch = ConversationEvents.Touch(referral, parsed, delivery.ReceivedAt, fired?.Id);
            if (referral.IsCampaignTouch)
            {
                Notices.Add(new Live.AttributionNotice(
                    touchId, conversation.Id, platform, parsed.AccountId, conversation.ParticipantId, parsed.ParticipantName ?? conversation.ParticipantName,
                    referral.Ref, referral.AdId, referral.Source, touch.Arrival, fired?.Id, fired?.Name, parsed.OccurredAt, delivery.ReceivedAt,
                    parsed.Channel == EventChannel.Standby, delivery.Simulated));
            }
        }

        _events.Queue(platform, parsed, conversation, touch, trigger, now);
        return true;
    }

    /// <summary>Organic wa.me links carry no referral: the code is read from the conversation's first inbound text.</summary>
    private ParsedReferral? PrefilledReferral(ParsedEvent parsed, ConversationState conversation) =>
        parsed.Platform == Platform.WhatsApp && parsed.Kind == EventKind.Message && !conversation.HasInboundText
            ? _prefilledText.Referral(parsed.Text)
            : null;

    private void InsertRejected(ParsedDelivery delivery, RejectedEvent rejected)
    {
        // Keyed by content so a redelivered bad event is kept once, like a good one.
        var key = "rejected:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(rejected.RawJson)));
        var insert = _insertEvent;
        insert.Bind(1, delivery.Id);
        insert.Bind(2, key);
        insert.Bind(3, (int)EventStatus.Rejected);
        insert.Bind(4, rejected.Reason);
        insert.Bind(5, rejected.Platform is { } p ? PlatformNames.Of(p) : null);
        insert.BindNull(6);
        insert.Bind(7, false);
        insert.Bind(8, rejected.AccountId);
        insert.Bind(9, rejected.ParticipantId);
        insert.Bind(10, rejected.OccurredAt);
        insert.Bind(11, delivery.ReceivedAt);
        insert.BindNull(12);
        insert.BindNull(13);
        insert.BindNull(14);
        insert.BindNull(15);
        insert.Bind(16, rejected.RawJson);
        insert.BindNull(17);
        insert.Execute();
    }

    private void InsertGroupMessage(ParsedDelivery delivery, GroupMessage group)
    {
        var insert = _insertEvent;
        insert.Bind(1, delivery.Id);
        insert.Bind(2, group.DedupKey);
        insert.Bind(3, (int)EventStatus.GroupContext);
        insert.Bind(4, "group " + group.GroupId);
        insert.Bind(5, PlatformNames.WhatsApp);
        insert.Bind(6, KindName(EventKind.Message));
        insert.Bind(7, false);
        insert.Bind(8, group.AccountId);
        insert.Bind(9, group.SenderId);
        insert.Bind(10, group.OccurredAt);
        insert.Bind(11, delivery.ReceivedAt);
        insert.Bind(12, group.MessageId);
        insert.Bind(13, group.Text);
        insert.BindNull(14);
        insert.BindNull(15);
        insert.Bind(16, group.RawJson);
        insert.BindNull(17);
        insert.Execute();
    }

    private long InsertTouch(ConversationState conversation, long eventId, ParsedEvent parsed, ParsedReferral r, ParsedDelivery delivery, long? triggerId)
    {
        var insert = _insertTouch;
        insert.Bind(1, conversation.Id);
        insert.Bind(2, eventId);
        insert.Bind(3, r.Ref);
        insert.Bind(4, r.Source);
        insert.Bind(5, r.Type);
        insert.Bind(6, ArrivalNames.Of(r.Arrival));
        insert.Bind(7, parsed.Channel == EventChannel.Standby);
        insert.Bind(8, r.IsCampaignTouch);
        insert.Bind(9, parsed.OccurredAt);
        insert.Bind(10, delivery.ReceivedAt);
        insert.Bind(11, r.AdId);
        insert.Bind(12, triggerId);
        insert.Bind(13, PlatformNames.Of(parsed.Platform));
        insert.Bind(14, parsed.AccountId);
        // The conversation's participant id, which stays the same whichever WhatsApp identifier the event carried.
        insert.Bind(15, conversation.ParticipantId);
        insert.Bind(16, delivery.Simulated);
        ReferralDetailsColumns.Bind(insert, 17, r);
        return insert.ExecuteInsert()!.Value;
    }

    private void EndTransaction()
    {
        _transaction?.Dispose();
        _transaction = null;
        _lastDeliveryId = 0;
        _conversations.Clear();
    }

    private IDisposable[] Statements => [_lookup, _conversations, _insertEvent, _insertTouch, _markDelivery, _advanceCursor];

    private static string KindName(EventKind kind) => kind switch
    {
        EventKind.Message => "message",
        EventKind.Postback => "postback",
        _ => "referral",
    };

    public void Dispose()
    {
        foreach (var statement in Statements.Concat(_automations.Statements))
        {
            statement.Dispose();
        }

        _rollup.Dispose();
    }
}
