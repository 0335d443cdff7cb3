using System.Buffers;
using System.Text.Json;
using ReferralStudio.Attribution;
using ReferralStudio.Messaging;
using ReferralStudio.Outbound;
using ReferralStudio.Referrals;
using ReferralStudio.Triggers;
using ReferralStudio.Triggers.Matching;

namespace ReferralStudio.Storage;

/// <summary>
/// Runs a trigger's actions (tags, greeting, outbound events) inside the same transaction that records
/// the referral touch, so each touch fires its automations exactly once, even across crashes and
/// Meta's retries.
/// </summary>
internal sealed class AutomationWriter : IEventQueue
{
    private readonly OutboundQueue _outbound;
    private readonly CommittedWork _queued;
    private readonly IStatement _insertFiring;
    private readonly IStatement _insertTag;
    private readonly IStatement _insertGreeting;
    private readonly IStatement _releaseGreetings;
    private readonly IStatement _insertOutbound;
    private readonly IStatement _selectTouch;
    // One event's JSON body, written once as UTF-8 and bound as is for every subscriber.
    private readonly ArrayBufferWriter<byte> _payload = new(2048);
    private readonly Utf8JsonWriter _json;

    /// <summary>Prepares its statements in the processor's session; <paramref name="outbound"/> knows the subscribers.</summary>
    /// <param name="session">The processor's session.</param>
    /// <param name="outbound">Who subscribes to which event.</param>
    /// <param name="queued">Told what this transaction queued, so the caller wakes the senders after commit.</param>
    public AutomationWriter(IWriterSession session, OutboundQueue outbound, CommittedWork queued)
    {
        _outbound = outbound;
        _queued = queued;
        _json = new Utf8JsonWriter(_payload, OutboundEvent.WriterOptions);
        _insertFiring = session.PrepareAppend("""
            INSERT INTO TriggerFirings (TriggerId, ConversationId, ReferralTouchId, Captures, FiredAt)
            VALUES ($trigger, $conversation, $touch, $captures, $at)
            """, returnsId: false, "$trigger", "$conversation", "$touch", "$captures", "$at");
        _insertTag = session.Prepare("""
            INSERT INTO ConversationTags (ConversationId, Label, TriggerId, AddedAt) VALUES ($conversation, $label, $trigger, $at)
            ON CONFLICT DO NOTHING
            """, "$conversation", "$label", "$trigger", "$at");
        _insertGreeting = session.Prepare("""
            INSERT INTO OutgoingMessages (ConversationId, TriggerId, ReferralTouchId, Platform, AccountId, RecipientId, Text, Status, Attempts, CreatedAt, NextAttemptAt)
            VALUES ($conversation, $trigger, $touch, $platform, $account, $recipient, $text, $status, 0, $at, $at)
            """, "$conversation", "$trigger", "$touch", "$platform", "$account", "$recipient", "$text", "$status", "$at");
        // "+Status" keeps SQLite on the ConversationId index: without statistics it would otherwise pick the
        // (Status, NextAttemptAt) one and scan every waiting greeting on each message.
        _releaseGreetings = session.Prepare("""
            UPDATE OutgoingMessages SET Status = $pending, NextAttemptAt = $at WHERE ConversationId = $conversation AND +Status = $waiting
            """, "$pending", "$at", "$conversation", "$waiting");
        _insertOutbound = session.PrepareAppend(OutboundDeliveryStore.InsertPendingSql, returnsId: false, "$subscription", "$messageId", "$type", "$payload", "$at");
        _selectTouch = session.Prepare($"""
            SELECT Ref, Source, Type, Arrival, ReceivedAt, OccurredAt, Passive, IsCampaignTouch, AdId, TriggerId, {ReferralDetailsColumns.Names}
            FROM ReferralTouches WHERE Id = $id
            """, "$id");
    }

    public IEnumerable<IDisposable> Statements => [_insertFiring, _insertTag, _insertGreeting, _releaseGreetings, _insertOutbound, _selectTouch];

    /// <summary>Records the firing and runs the tag and greeting actions; returns the trigger's view for events.</summary>
    public TriggerRef Fire(Trigger trigger, TriggerMatch match, TouchContext touch, ConversationState conversation, DateTimeOffset now)
    {
        var captures = match.Captures(touch.Referral.Ref);
        _insertFiring.Bind(1, trigger.Id);
        _insertFiring.Bind(2, conversation.Id);
        _insertFiring.Bind(3, touch.TouchId);
        _insertFiring.Bind(4, captures);
        _insertFiring.Bind(5, now);
        _insertFiring.ExecuteDeferred();

        var tags = new List<string>(trigger.Tags.Count);
        foreach (var template in trigger.Tags)
        {
            var label = TagTemplates.Render(template, touch.Referral.Ref ?? "", captures);
            if (label.Length == 0)
            {
                continue;
            }

            tags.Add(label);
            // Event time, so "affiliates this week" counts when people arrived, not when we processed it.
            _insertTag.Bind(1, conversation.Id);
            _insertTag.Bind(2, label);
            _insertTag.Bind(3, trigger.Id);
            _insertTag.Bind(4, touch.OccurredAt);
            _insertTag.ExecuteDeferred();
        }

        // Standby: another app owns the thread, and replying would take it over. Never send from there.
        if (!string.IsNullOrWhiteSpace(trigger.GreetingText) && !touch.Passive)
        {
            // "After the first message" holds the greeting until the person has written; a message or
            // postback carrying the referral already is that first step.
            var personSpoke = touch.Kind is Webhooks.Parsing.EventKind.Message or Webhooks.Parsing.EventKind.Postback;
            var ready = trigger.GreetingMode == GreetingMode.Immediate || personSpoke;
            var text = TagTemplates.Render(trigger.GreetingText, touch.Referral.Ref ?? "", captures);
            var insert = _insertGreeting;
            insert.Bind(1, conversation.Id);
            insert.Bind(2, trigger.Id);
            insert.Bind(3, touch.TouchId);
            insert.Bind(4, touch.Platform);
            insert.Bind(5, touch.AccountId);
            insert.Bind(6, touch.ParticipantId);
            insert.Bind(7, text);
            insert.Bind(8, (int)(ready ? OutgoingStatus.Pending : OutgoingStatus.WaitingForMessage));
            insert.Bind(9, now);
            // One greeting per touch, and this touch was recorded just now: the row is new (sent with the next batch).
            insert.ExecuteDeferred();
            if (ready)
            {
                _queued.QueuedGreeting = true;
            }
            else
            {
                conversation.HasWaitingGreeting = true;
                conversation.Dirty = true;
            }
        }

        return new TriggerRef(trigger.Id, trigger.Name, trigger.Pattern, captures, tags);
    }

    /// <summary>The person wrote: greetings that waited for this are due now.</summary>
    public void ReleaseWaitingGreetings(ConversationState conversation, DateTimeOffset now)
    {
        if (!conversation.HasWaitingGreeting)
        {
            return;
        }

        _releaseGreetings.Bind(1, (int)OutgoingStatus.Pending);
        _releaseGreetings.Bind(2, now);
        _releaseGreetings.Bind(3, conversation.Id);
        _releaseGreetings.Bind(4, (int)OutgoingStatus.WaitingForMessage);
        // The flag says a greeting waits: waking the sender for it is right (and harmless if it was withdrawn meanwhile).
        _releaseGreetings.ExecuteDeferred();
        _queued.QueuedGreeting = true;

        conversation.HasWaitingGreeting = false;
        conversation.Dirty = true;
    }

    public bool Wants(string eventType) => _outbound.HasSubscribers(eventType);

    /// <summary>Queues one event for every endpoint subscribed to its type.</summary>
    public void Enqueue(string eventType, DateTimeOffset timestamp, OutboundEventData data, DateTimeOffset now)
    {
        var subscribers = _outbound.SubscribersOf(eventType);
        if (subscribers.Count == 0)
        {
            return;
        }

        var message = new OutboundEvent(OutboundEvent.NewId(), eventType, timestamp, data);
        _payload.ResetWrittenCount();
        _json.Reset();
        message.WriteTo(_json);
        _json.Flush();
        for (var i = 0; i < subscribers.Count; i++)
        {
            _insertOutbound.Bind(1, subscribers[i]);
            _insertOutbound.Bind(2, message.Id);
            _insertOutbound.Bind(3, eventType);
            _insertOutbound.BindUtf8(4, _payload.WrittenSpan);
            _insertOutbound.Bind(5, now);
            _insertOutbound.ExecuteDeferred();
        }

        _queued.QueuedOutbound = true;
    }

    /// <summary>A stored touch as the API and events show it (for a touch from an earlier batch).</summary>
    public ReferralDto? LoadTouch(long id)
    {
        var r = _selectTouch;
        r.Bind(1, id);
        try
        {
            if (!r.Step())
            {
                return null;
            }

            return new ReferralDto(ReferralDetailsColumns.Read(r, 10))
            {
                Ref = r.GetString(0),
                Source = r.GetString(1),
                Type = r.GetString(2),
                Arrival = r.GetString(3)!,
                ReceivedAt = r.GetDateTime(4),
                OccurredAt = r.GetDateTime(5),
                Passive = r.GetBoolean(6),
                CampaignTouch = r.GetBoolean(7),
                AdId = r.GetString(8),
                TriggerId = r.GetInt64OrNull(9),
            };
        }
        finally
        {
            r.Reset();
        }
    }
}

/// <summary>A just-recorded touch and where it came from.</summary>
public sealed record TouchContext(
    long TouchId,
    string Platform,
    string AccountId,
    string ParticipantId,
    Webhooks.Parsing.EventKind Kind,
    bool Passive,
    Webhooks.Parsing.ParsedReferral Referral,
    DateTimeOffset OccurredAt);
