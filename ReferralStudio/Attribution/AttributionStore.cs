using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using ReferralStudio.Api;
using ReferralStudio.Data;
using ReferralStudio.Outbound;
using ReferralStudio.Platforms;
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
    private readonly Dictionary<ConversationKey, ConversationState> _conversations = [];
    // WhatsApp conversations by id: one person may be found under several keys (phone, BSUIDs), yet has one state.
    private readonly Dictionary<long, ConversationState> _byId = [];
    private readonly ParticipantIdentities _identities;
    // Keys a prefetch found no row for: their first event creates the conversation without looking again.
    private readonly HashSet<ConversationKey> _absent = [];
    private readonly List<ConversationKey> _prefetch = [];
    private readonly ConversationLookup _lookup;
    private readonly List<ConversationState> _writeBack = [];
    private readonly PreparedStatement _lastConversationId;
    private readonly PreparedStatement _insertConversation;
    private readonly PreparedStatement _updateConversation;
    private readonly PreparedStatement _updateConversationActivity;
    private readonly PreparedStatement _insertEvent;
    private readonly PreparedStatement _insertTouch;
    private readonly PreparedStatement _markDelivery;
    private readonly PreparedStatement _advanceCursor;
    private SqliteTransaction? _transaction;
    private long _lastDeliveryId;
    private long _nextConversationId;

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
        _identities = new ParticipantIdentities(connection);
        _rollup = new Conversions.CampaignRollupWriter(connection, _lookup);
        // A new conversation gets its id when first seen (AUTOINCREMENT's rule: past every id ever used; the
        // transaction holds the write lock, so nobody else takes one meanwhile) and its row is inserted once,
        // at commit, with its final values. Inserting it at once and updating it at commit cost twice as much:
        // an UPDATE that sets the referral columns is checked for foreign keys and runs with a statement journal.
        _lastConversationId = new PreparedStatement(connection, """
            SELECT MAX(IFNULL((SELECT seq FROM sqlite_sequence WHERE name = 'Conversations'), 0), IFNULL((SELECT MAX(Id) FROM Conversations), 0))
            """);
        _insertConversation = new PreparedStatement(connection, """
            INSERT INTO Conversations (Id, Platform, AccountId, ParticipantId, ParticipantName, CreatedAt, LastActivityAt, WindowExpiresAt,
                MessageCount, HasInboundText, HasWaitingGreeting, FirstReferralId, FirstReferralAt, LatestReferralId, LastReferralAt, Simulated,
                ParticipantPhone, ParticipantUserId, ParticipantParentUserId, ParticipantUsername)
            VALUES ($id, $platform, $account, $participant, $name, $createdAt, $lastActivityAt, $windowExpiresAt,
                $messageCount, $hasInboundText, $hasWaitingGreeting, $firstReferralId, $firstReferralAt, $latestReferralId, $lastReferralAt, $simulated,
                $phone, $userId, $parentUserId, $username)
            """, "$id", "$platform", "$account", "$participant", "$name", "$createdAt", "$lastActivityAt", "$windowExpiresAt",
            "$messageCount", "$hasInboundText", "$hasWaitingGreeting", "$firstReferralId", "$firstReferralAt", "$latestReferralId", "$lastReferralAt", "$simulated",
            "$phone", "$userId", "$parentUserId", "$username");
        _updateConversation = new PreparedStatement(connection, """
            UPDATE Conversations SET ParticipantName = $name, CreatedAt = $createdAt, LastActivityAt = $lastActivityAt,
                WindowExpiresAt = $windowExpiresAt, MessageCount = $messageCount, HasInboundText = $hasInboundText,
                HasWaitingGreeting = $hasWaitingGreeting, FirstReferralId = $firstReferralId, FirstReferralAt = $firstReferralAt,
                LatestReferralId = $latestReferralId, LastReferralAt = $lastReferralAt
            WHERE Id = $id
            """, "$name", "$createdAt", "$lastActivityAt", "$windowExpiresAt", "$messageCount", "$hasInboundText", "$hasWaitingGreeting",
            "$firstReferralId", "$firstReferralAt", "$latestReferralId", "$lastReferralAt", "$id");
        // The same without the referral columns: SQLite checks foreign keys on an UPDATE that sets them, and runs
        // it with a statement journal (a copy of every page it touches), which costs more than the update itself.
        _updateConversationActivity = new PreparedStatement(connection, """
            UPDATE Conversations SET ParticipantName = $name, CreatedAt = $createdAt, LastActivityAt = $lastActivityAt,
                WindowExpiresAt = $windowExpiresAt, MessageCount = $messageCount, HasInboundText = $hasInboundText,
                HasWaitingGreeting = $hasWaitingGreeting
            WHERE Id = $id
            """, "$name", "$createdAt", "$lastActivityAt", "$windowExpiresAt", "$messageCount", "$hasInboundText", "$hasWaitingGreeting", "$id");
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
        // In id order: consecutive rows share B-tree pages, where the order they were first seen in jumps about the table.
        foreach (var conversation in _conversations.Values)
        {
            // A conversation only its duplicate events asked for is never written; a merged one is gone.
            if (conversation.Merged || (conversation.Unsaved && !conversation.HasEvents))
            {
                continue;
            }

            if (conversation.Unsaved || conversation.Dirty || conversation.IdentityDirty)
            {
                _writeBack.Add(conversation);
            }
        }

        _writeBack.Sort(static (a, b) => a.Id.CompareTo(b.Id));
        ConversationState? previous = null;
        foreach (var conversation in _writeBack)
        {
            // A WhatsApp conversation is cached under each of its participant's identifiers.
            if (conversation == previous)
            {
                continue;
            }

            previous = conversation;
            if (conversation.Unsaved)
            {
                InsertConversation(conversation);
                continue;
            }

            if (conversation.Dirty)
            {
                SaveConversation(conversation);
            }

            if (conversation.IdentityDirty)
            {
                _identities.Save(conversation);
            }
        }

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

    /// <summary>
    /// Looks up the conversations a batch of deliveries is about, in the order of the conversations' key,
    /// before the batch is applied. Event order jumps about the key's index, so each lookup would read a
    /// different part of it; in key order, consecutive lookups mostly share their pages.
    /// </summary>
    public void Prefetch(IReadOnlyList<ParsedDelivery> deliveries)
    {
        foreach (var delivery in deliveries)
        {
            foreach (var parsed in delivery.Result.Events)
            {
                var key = ConversationKey.Of(parsed);
                if (!_conversations.ContainsKey(key) && !_absent.Contains(key))
                {
                    _prefetch.Add(key);
                }
            }
        }

        _prefetch.Sort(ConversationKey.IndexOrder);
        try
        {
            foreach (var key in _prefetch)
            {
                if (_conversations.ContainsKey(key) || _absent.Contains(key))
                {
                    continue;
                }

                if (_lookup.Find(key) is { } found)
                {
                    Remember(key, found);
                }
                else
                {
                    _absent.Add(key);
                }
            }
        }
        finally
        {
            _prefetch.Clear();
        }
    }

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
            if (ApplyIdentityChange(change))
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
        var conversation = GetOrCreateConversation(platform, parsed, delivery.Simulated);
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
            conversation = LinkIdentity(conversation, identity, parsed.OccurredAt);
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

            touch = ToDto(referral, parsed, delivery.ReceivedAt, fired?.Id);
            if (referral.IsCampaignTouch)
            {
                Notices.Add(new Live.AttributionNotice(
                    touchId, conversation.Id, platform, parsed.AccountId, conversation.ParticipantId, parsed.ParticipantName ?? conversation.ParticipantName,
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
        trigger)
    {
        // WhatsApp only: elsewhere the sender is the participant, and this is the hot path's payload.
        Participant = parsed.Identity is null ? null : new ParticipantDto(conversation.ParticipantId, conversation.Phone, conversation.UserId,
            conversation.ParentUserId, conversation.Username, parsed.ParticipantName ?? conversation.ParticipantName),
    };

    private static ReferralDto ToDto(ParsedReferral r, ParsedEvent parsed, DateTimeOffset receivedAt, long? triggerId) => new(r)
    {
        Ref = r.Ref,
        Source = r.Source,
        Type = r.Type,
        Arrival = ArrivalNames.Of(r.Arrival),
        ReceivedAt = receivedAt,
        OccurredAt = parsed.OccurredAt,
        Passive = parsed.Channel == EventChannel.Standby,
        CampaignTouch = r.IsCampaignTouch,
        AdId = r.AdId,
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

    private ConversationState GetOrCreateConversation(string platform, ParsedEvent parsed, bool simulated)
    {
        var key = new ConversationKey(platform, parsed.AccountId, parsed.ParticipantId);
        if (_conversations.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var state = _absent.Contains(key) ? null : _lookup.Find(key);
        if (state is null && parsed.Identity is { } identity)
        {
            state = _lookup.FindByAlias(key);
            if (state is null && identity.Phone is not null && identity.UserId is { } userId
                && FindLinked(key with { Participant = userId }) is { } linked)
            {
                // Known by the BSUID beside the phone: the phone is linked once the event proves new (LinkIdentity).
                return linked;
            }
        }

        state ??= new ConversationState
        {
            Id = NextConversationId(),
            IsNew = true,
            Unsaved = true,
            Simulated = simulated,
            Platform = platform,
            AccountId = parsed.AccountId,
            ParticipantId = parsed.ParticipantId,
            ParticipantName = parsed.ParticipantName,
            CreatedAt = parsed.OccurredAt,
            LastActivityAt = parsed.OccurredAt,
        };

        return Remember(key, state);
    }

    /// <summary>Caches <paramref name="state"/> under <paramref name="key"/>, as the one state of its WhatsApp conversation.</summary>
    private ConversationState Remember(ConversationKey key, ConversationState state)
    {
        if (state.Platform == PlatformNames.WhatsApp)
        {
            if (_byId.TryGetValue(state.Id, out var known))
            {
                state = known;
            }
            else
            {
                _byId[state.Id] = state;
            }
        }

        _absent.Remove(key);
        _conversations[key] = state;
        return state;
    }

    /// <summary>The conversation <paramref name="key"/>'s participant is known by, directly or as an alias.</summary>
    private ConversationState? FindLinked(ConversationKey key)
    {
        if (_conversations.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var found = (_absent.Contains(key) ? null : _lookup.Find(key)) ?? _lookup.FindByAlias(key);
        return found is null ? null : Remember(key, found);
    }

    /// <summary>
    /// Makes every identifier a WhatsApp message carried lead to <paramref name="conversation"/>: an unknown one becomes
    /// an alias; one that leads to another conversation means both are one person, and they are merged. The display
    /// fields take the latest values. Returns the conversation the event belongs to after any merge.
    /// </summary>
    private ConversationState LinkIdentity(ConversationState conversation, WhatsAppIdentity identity, DateTimeOffset at)
    {
        conversation = Link(conversation, identity.Phone, at);
        conversation = Link(conversation, identity.UserId, at);
        SetIdentity(conversation, identity.Phone, identity.UserId, identity.ParentUserId, identity.Username);
        return conversation;
    }

    private ConversationState Link(ConversationState conversation, string? identifier, DateTimeOffset at)
    {
        if (identifier is null || identifier == conversation.ParticipantId || identifier == conversation.Phone || identifier == conversation.UserId)
        {
            return conversation;
        }

        var key = new ConversationKey(conversation.Platform, conversation.AccountId, identifier);
        var other = FindLinked(key);
        if (other is null)
        {
            _identities.AddAlias(conversation, identifier);
            _conversations[key] = conversation;
            return conversation;
        }

        return other == conversation ? conversation : Merge(conversation, other, at);
    }

    /// <summary>Two conversations turned out to be one person: the older one keeps everything of the newer one.</summary>
    private ConversationState Merge(ConversationState a, ConversationState b, DateTimeOffset at)
    {
        var (survivor, merged) = a.Id < b.Id ? (a, b) : (b, a);
        // The rollup moves both from the touches they credited before: the merged one to none.
        _rollup.Changing(survivor);
        _rollup.Changing(merged);
        AttributionRules.Merge(survivor, merged);
        if (survivor.Unsaved)
        {
            // Both are new in this transaction; the moves need the survivor's row.
            InsertConversation(survivor);
        }

        _identities.MoveInto(merged, survivor);
        _identities.Record(survivor.Id, at, IdentityEventKinds.Merged,
            $"Conversation {merged.Id} ({merged.ParticipantId}) was the same person and is merged into this one.");
        foreach (var key in _conversations.Where(c => c.Value == merged).Select(c => c.Key).ToList())
        {
            _conversations[key] = survivor;
        }

        _byId[merged.Id] = survivor;
        survivor.HasEvents |= merged.HasEvents;
        return survivor;
    }

    private static void SetIdentity(ConversationState conversation, string? phone, string? userId, string? parentUserId, string? username)
    {
        if ((phone is not null && phone != conversation.Phone) || (userId is not null && userId != conversation.UserId)
            || (parentUserId is not null && parentUserId != conversation.ParentUserId) || (username is not null && username != conversation.Username))
        {
            conversation.Phone = phone ?? conversation.Phone;
            conversation.UserId = userId ?? conversation.UserId;
            conversation.ParentUserId = parentUserId ?? conversation.ParentUserId;
            conversation.Username = username ?? conversation.Username;
            conversation.IdentityDirty = true;
        }
    }

    /// <summary>
    /// A BSUID changed: the conversations known by the phone, the previous or the current BSUID are one person. Returns
    /// false when none is known yet (nothing to link: the first message under any of them starts the conversation).
    /// </summary>
    private bool ApplyIdentityChange(IdentityChange change)
    {
        var platform = PlatformNames.WhatsApp;
        ConversationState? conversation = null;
        foreach (var identifier in (string?[])[change.Phone, change.PreviousUserId, change.CurrentUserId])
        {
            if (identifier is not null && conversation is null)
            {
                conversation = FindLinked(new ConversationKey(platform, change.AccountId, identifier));
            }
        }

        if (conversation is null)
        {
            return false;
        }

        var before = conversation.UserId;
        conversation = Link(conversation, change.Phone, change.OccurredAt);
        conversation = Link(conversation, change.PreviousUserId, change.OccurredAt);
        conversation = Link(conversation, change.CurrentUserId, change.OccurredAt);
        SetIdentity(conversation, change.Phone, change.CurrentUserId, change.CurrentParentUserId, null);
        if (before != change.CurrentUserId)
        {
            _identities.Record(conversation.Id, change.OccurredAt, IdentityEventKinds.UserIdChanged,
                $"WhatsApp user id changed from {change.PreviousUserId ?? before ?? "(none)"} to {change.CurrentUserId} ({change.Source.Replace('_', ' ')}).");
        }

        return true;
    }

    private long NextConversationId()
    {
        if (_nextConversationId == 0)
        {
            _nextConversationId = (_lastConversationId.ExecuteScalarInt64() ?? 0) + 1;
        }

        return _nextConversationId++;
    }

    private void InsertConversation(ConversationState c)
    {
        var insert = _insertConversation;
        insert.Bind(1, c.Id);
        insert.Bind(2, c.Platform);
        insert.Bind(3, c.AccountId);
        insert.Bind(4, c.ParticipantId);
        insert.Bind(5, c.ParticipantName);
        insert.Bind(6, c.CreatedAt);
        insert.Bind(7, c.LastActivityAt);
        insert.Bind(8, c.WindowExpiresAt);
        insert.Bind(9, c.MessageCount);
        insert.Bind(10, c.HasInboundText);
        insert.Bind(11, c.HasWaitingGreeting);
        insert.Bind(12, c.FirstReferralId);
        insert.Bind(13, c.FirstReferralAt);
        insert.Bind(14, c.LatestReferralId);
        insert.Bind(15, c.LastReferralAt);
        insert.Bind(16, c.Simulated);
        insert.Bind(17, c.Phone);
        insert.Bind(18, c.UserId);
        insert.Bind(19, c.ParentUserId);
        insert.Bind(20, c.Username);
        insert.Execute();
        c.Unsaved = false;
        c.Dirty = false;
        c.IdentityDirty = false;
        (c.StoredFirstReferralId, c.StoredLatestReferralId) = (c.FirstReferralId, c.LatestReferralId);
    }

    private void SaveConversation(ConversationState c)
    {
        // The referral ids and times only ever move together.
        var referralsMoved = c.FirstReferralId != c.StoredFirstReferralId || c.LatestReferralId != c.StoredLatestReferralId;
        var update = referralsMoved ? _updateConversation : _updateConversationActivity;
        update.Bind(1, c.ParticipantName);
        update.Bind(2, c.CreatedAt);
        update.Bind(3, c.LastActivityAt);
        update.Bind(4, c.WindowExpiresAt);
        update.Bind(5, c.MessageCount);
        update.Bind(6, c.HasInboundText);
        update.Bind(7, c.HasWaitingGreeting);
        if (referralsMoved)
        {
            update.Bind(8, c.FirstReferralId);
            update.Bind(9, c.FirstReferralAt);
            update.Bind(10, c.LatestReferralId);
            update.Bind(11, c.LastReferralAt);
            update.Bind(12, c.Id);
        }
        else
        {
            update.Bind(8, c.Id);
        }

        update.Execute();
        (c.StoredFirstReferralId, c.StoredLatestReferralId) = (c.FirstReferralId, c.LatestReferralId);
        c.Dirty = false;
    }

    private void EndTransaction()
    {
        _transaction?.Dispose();
        _transaction = null;
        _lastDeliveryId = 0;
        _nextConversationId = 0;
        // The cache mirrors rows inside one transaction only; after it, the database is the truth again.
        _conversations.Clear();
        _byId.Clear();
        _absent.Clear();
        _writeBack.Clear();
    }

    private IDisposable[] Statements => [_lookup, _identities, _lastConversationId, _insertConversation, _updateConversation, _updateConversationActivity, _insertEvent, _insertTouch, _markDelivery, _advanceCursor];

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
