using System.Security.Cryptography;
using System.Text;
using ReferralStudio.Attribution;
using ReferralStudio.Data;
using ReferralStudio.Outbound;
using ReferralStudio.Platforms;
using ReferralStudio.Referrals;
using ReferralStudio.Triggers;
using ReferralStudio.Webhooks.Parsing;

namespace ReferralStudio.Storage;

/// <summary>
/// The attribution writer, on either engine: applies parsed deliveries with prepared statements in a session of its own
/// (<see cref="IWriterSession"/>), records events and referral touches, fires triggers, and at commit has the
/// conversations written back and the inbox cursor advanced. What an event means is <see cref="EventAttribution"/>'s to decide; the conversations
/// themselves are <see cref="ConversationCache"/>'s, the events integrators receive <see cref="ConversationEvents"/>'.
/// Hand-written SQL because this is the hot path; the schema itself belongs to the EF Core model and its migrations.
/// </summary>
internal sealed class AttributionWriter : IAttributionWriter
{
    private readonly IWriterSession _session;
    private readonly PrefilledTextRefExtractor _prefilledText;
    private readonly TriggerCatalog _triggers;
    private readonly AutomationWriter _automations;
    private readonly CampaignRollupWriter _rollup;
    private readonly TimeProvider _time;
    private TriggerCatalog.Snapshot _snapshot;
    private readonly ConversationLookup _lookup;
    private readonly ConversationCache _conversations;
    private readonly ConversationEvents _events;
    private readonly IStatement _insertEvent;
    private readonly IStatement _keepEvent;
    private readonly RecordedEvents? _recorded;
    private readonly IStatement _insertTouch;
    private readonly IStatement _addRef;
    private readonly IStatement _markDelivery;
    private readonly IStatement _advanceCursor;
    private readonly IStatement _cursor;
    private long _lastDeliveryId;
    private readonly HashSet<string> _refsAdded = new(StringComparer.Ordinal);

    public AttributionWriter(
        IWriterSession session,
        PrefilledTextRefExtractor prefilledText,
        TriggerCatalog triggers,
        OutboundQueue outbound,
        TimeProvider time)
    {
        _session = session;
        _prefilledText = prefilledText;
        _triggers = triggers;
        _time = time;
        _snapshot = triggers.Current;
        _automations = new AutomationWriter(session, outbound, Committed);
        _lookup = new ConversationLookup(session);
        _rollup = new CampaignRollupWriter(session, _lookup);
        _conversations = new ConversationCache(session, _lookup, _rollup);
        _events = new ConversationEvents(_automations);
        const string InsertEvent = """
            INSERT INTO WebhookEvents (DeliveryId, DedupKey, Status, Reason, Platform, Kind, Passive, AccountId, ParticipantId,
                OccurredAt, ReceivedAt, MessageId, Text, Ref, RefRejection, RawJson, ConversationId)
            VALUES ($deliveryId, $dedupKey, $status, $reason, $platform, $kind, $passive, $account, $participant,
                $occurredAt, $receivedAt, $messageId, $text, $ref, $refRejection, $rawJson, $conversationId)
            """;
        const string KeptOnce = " ON CONFLICT (DedupKey) DO NOTHING";
        string[] eventParameters = ["$deliveryId", "$dedupKey", "$status", "$reason", "$platform", "$kind", "$passive", "$account", "$participant",
            "$occurredAt", "$receivedAt", "$messageId", "$text", "$ref", "$refRejection", "$rawJson", "$conversationId"];
        // A redelivered event: SQLite's insert tells by inserting nothing; where inserts are deferred it was found ahead
        // (RecordedEvents), and one that slipped past that fails the transaction instead of being applied twice.
        _insertEvent = session.DefersInserts
            ? session.PrepareAppend(InsertEvent, returnsId: true, eventParameters)
            : session.PrepareInsert(InsertEvent + KeptOnce, eventParameters);
        // Rejected and group events are kept once whatever their effects, which are none.
        _keepEvent = session.Prepare(InsertEvent + KeptOnce, eventParameters);
        _recorded = session.DefersInserts ? new RecordedEvents(session) : null;
        _insertTouch = session.PrepareAppend($"""
            INSERT INTO ReferralTouches (ConversationId, EventId, Ref, Source, Type, Arrival, Passive, IsCampaignTouch, OccurredAt, ReceivedAt,
                AdId, TriggerId, Platform, AccountId, ParticipantId, Simulated, {ReferralDetailsColumns.Names})
            VALUES ($conversationId, $eventId, $ref, $source, $type, $arrival, $passive, $campaign, $occurredAt, $receivedAt,
                $adId, $triggerId, $platform, $account, $participant, $simulated, {string.Join(", ", ReferralDetailsColumns.Parameters)})
            """, returnsId: true, [
                "$conversationId", "$eventId", "$ref", "$source", "$type", "$arrival", "$passive", "$campaign", "$occurredAt", "$receivedAt",
                "$adId", "$triggerId", "$platform", "$account", "$participant", "$simulated", .. ReferralDetailsColumns.Parameters]);
        // The feed's search looks codes up among the distinct refs: one row per ref, ignoring case (the table's unique key).
        _addRef = session.Prepare("INSERT INTO FeedRefs (Ref) VALUES ($ref) ON CONFLICT DO NOTHING", "$ref");
        _markDelivery = session.Prepare("""
            INSERT INTO DeliveryOutcomes (Status, Reason, ProcessedAt, EventCount, DuplicateCount, RejectedEventCount, IgnoredEventCount, DeliveryId)
            VALUES ($status, $reason, $processedAt, $events, $duplicates, $rejected, $ignored, $id)
            ON CONFLICT (DeliveryId) DO UPDATE SET Status = excluded.Status, Reason = excluded.Reason, ProcessedAt = excluded.ProcessedAt
            """, "$status", "$reason", "$processedAt", "$events", "$duplicates", "$rejected", "$ignored", "$id");
        _advanceCursor = session.Prepare("UPDATE InboxCursors SET LastDeliveryId = $id WHERE Id = 1 AND LastDeliveryId < $id", "$id");
        _cursor = session.Prepare("SELECT LastDeliveryId FROM InboxCursors WHERE Id = 1");
    }

    public CommittedWork Committed { get; } = new();

    public long Cursor() => _cursor.ExecuteScalarInt64() ?? 0;

    public void Begin()
    {
        _session.Begin();

        _rollup.Begin();
        // One trigger snapshot per transaction: every touch in it sees the same rules.
        _snapshot = _triggers.Current;
        Committed.Clear();
    }

    /// <summary>Writes back every conversation the transaction touched, advances the inbox cursor, then commits.</summary>
    public void Commit()
    {
        _conversations.WriteBack();

        if (_lastDeliveryId > 0)
        {
            _advanceCursor.Bind(1, _lastDeliveryId);
            _advanceCursor.ExecuteDeferred();
        }

        _rollup.Flush();
        _session.Commit();
        EndTransaction();
    }

    public void Settle() => _session.Settle();

    public void Rollback()
    {
        _session.Rollback();
        EndTransaction();
    }

    /// <summary>Reads the conversations a batch of deliveries is about before it is applied (see <see cref="ConversationCache.Prefetch"/>).</summary>
    public void Prefetch(IReadOnlyList<ParsedDelivery> deliveries)
    {
        _recorded?.ReadAhead(deliveries);
        _conversations.Prefetch(deliveries);
    }

    public DeliveryCounts Apply(ParsedDelivery delivery, DateTimeOffset processedAt)
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

        var counts = new DeliveryCounts(accepted, duplicates, delivery.Result.Rejected.Count, ignored);
        MarkDelivery(delivery.Id, DeliveryStatus.Processed, null, processedAt, counts);
        return counts;
    }

    public void MarkFailed(long deliveryId, string reason, DateTimeOffset processedAt) =>
        MarkDelivery(deliveryId, DeliveryStatus.Failed, reason, processedAt, default);

    private void MarkDelivery(long id, DeliveryStatus status, string? reason, DateTimeOffset processedAt, DeliveryCounts outcome)
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
        mark.ExecuteDeferred();
        _lastDeliveryId = Math.Max(_lastDeliveryId, id);
    }

    /// <summary>Returns false when the event was already recorded (a retry or duplicate from Meta).</summary>
    private bool ApplyEvent(ParsedDelivery delivery, ParsedEvent parsed)
    {
        var platform = PlatformNames.Of(parsed.Platform);
        var conversation = _conversations.GetOrCreate(platform, parsed, delivery.Simulated);
        var referral = EventAttribution.ReferralOf(parsed, conversation, _prefilledText);
        if (InsertEvent(delivery, parsed, platform, referral, conversation) is not long eventId)
        {
            return false;
        }

        conversation.HasEvents = true;
        if (parsed.Identity is { } identity)
        {
            conversation = _conversations.LinkIdentity(conversation, identity, parsed.OccurredAt);
        }

        var now = _time.GetUtcNow();
        EventAttribution.Observe(conversation, parsed);
        if (EventAttribution.ReleasesWaitingGreetings(parsed))
        {
            _automations.ReleaseWaitingGreetings(conversation, now);
        }

        ReferralDto? recorded = null;
        TriggerRef? trigger = null;
        if (EventAttribution.Touch(referral, platform, _snapshot) is { } touch)
        {
            var touchId = InsertTouch(conversation, eventId, parsed, touch, delivery);
            if (touch.IsCampaignTouch)
            {
                _rollup.Touch(conversation, touchId, touch.Fired?.Id, touch.Referral.Ref, touch.Referral.AdId, parsed.OccurredAt);
                AttributionRules.ApplyCampaignTouch(conversation, touchId, parsed.OccurredAt);
            }

            if (touch is { Fired: { } fired, Match: { } match })
            {
                var context = new TouchContext(touchId, platform, parsed.AccountId, conversation.Recipient, parsed.Kind,
                    parsed.Channel == EventChannel.Standby, touch.Referral, parsed.OccurredAt);
                trigger = _automations.Fire(fired, match, context, conversation, now);
            }

            recorded = ConversationEvents.Touch(touch.Referral, parsed, delivery.ReceivedAt, touch.Fired?.Id);
            if (touch.IsCampaignTouch)
            {
                Committed.Notices.Add(EventAttribution.Notice(touchId, conversation, platform, parsed, touch, recorded.Arrival, delivery));
            }
        }

        _events.Queue(platform, parsed, conversation, recorded, trigger, now);
        return true;
    }

    /// <returns>The event's id, or null when it was already recorded.</returns>
    private long? InsertEvent(ParsedDelivery delivery, ParsedEvent parsed, string platform, ParsedReferral? referral, ConversationState conversation)
    {
        if (_recorded is not null)
        {
            if (_recorded.IsRecorded(parsed.DedupKey))
            {
                return null;
            }

            _recorded.Recorded(parsed.DedupKey);
        }

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
        return insert.ExecuteInsert();
    }

    private void InsertRejected(ParsedDelivery delivery, RejectedEvent rejected)
    {
        // Keyed by content so a redelivered bad event is kept once, like a good one.
        var key = "rejected:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(rejected.RawJson)));
        var insert = _keepEvent;
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
        insert.ExecuteDeferred();
    }

    private void InsertGroupMessage(ParsedDelivery delivery, GroupMessage group)
    {
        var insert = _keepEvent;
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
        insert.ExecuteDeferred();
    }

    private long InsertTouch(ConversationState conversation, long eventId, ParsedEvent parsed, TouchDecision touch, ParsedDelivery delivery)
    {
        var r = touch.Referral;
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
        insert.Bind(12, touch.Fired?.Id);
        insert.Bind(13, PlatformNames.Of(parsed.Platform));
        insert.Bind(14, parsed.AccountId);
        // The conversation's participant id, which stays the same whichever WhatsApp identifier the event carried.
        insert.Bind(15, conversation.ParticipantId);
        insert.Bind(16, delivery.Simulated);
        ReferralDetailsColumns.Bind(insert, 17, r);
        var id = insert.ExecuteInsert()!.Value;
        // The feed's search looks codes up among the distinct refs; a code is added once per transaction.
        if (r.Ref is { } code && _refsAdded.Add(code))
        {
            _addRef.Bind(1, code);
            _addRef.ExecuteDeferred();
        }

        return id;
    }

    private void EndTransaction()
    {
        _lastDeliveryId = 0;
        _conversations.Clear();
        _recorded?.Clear();
        _refsAdded.Clear();
    }

    private IDisposable?[] Statements => [_lookup, _conversations, _recorded, _insertEvent, _keepEvent, _insertTouch, _addRef, _markDelivery, _advanceCursor, _cursor];

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
            statement?.Dispose();
        }

        _rollup.Dispose();
        _session.Dispose();
    }
}
