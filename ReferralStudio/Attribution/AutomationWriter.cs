using System.Text.Json;
using Microsoft.Data.Sqlite;
using ReferralStudio.Api;
using ReferralStudio.Data;
using ReferralStudio.Messaging;
using ReferralStudio.Outbound;
using ReferralStudio.Triggers;
using ReferralStudio.Triggers.Matching;

namespace ReferralStudio.Attribution;

/// <summary>
/// Runs a trigger's actions (tags, greeting, outbound events) inside the same transaction that records
/// the referral touch, so each touch fires its automations exactly once, even across crashes and
/// Meta's retries.
/// </summary>
public sealed class AutomationWriter
{
    private readonly OutboundQueue _outbound;
    private readonly SqliteCommand _insertFiring;
    private readonly SqliteCommand _insertTag;
    private readonly SqliteCommand _insertGreeting;
    private readonly SqliteCommand _releaseGreetings;
    private readonly SqliteCommand _insertOutbound;
    private readonly SqliteCommand _selectTouch;

    public AutomationWriter(SqliteConnection connection, OutboundQueue outbound)
    {
        _outbound = outbound;
        _insertFiring = Sql.Command(connection, """
            INSERT INTO TriggerFirings (TriggerId, ConversationId, ReferralTouchId, Captures, FiredAt)
            VALUES ($trigger, $conversation, $touch, $captures, $at)
            """, "$trigger", "$conversation", "$touch", "$captures", "$at");
        _insertTag = Sql.Command(connection, """
            INSERT INTO ConversationTags (ConversationId, Label, TriggerId, AddedAt) VALUES ($conversation, $label, $trigger, $at)
            ON CONFLICT DO NOTHING
            """, "$conversation", "$label", "$trigger", "$at");
        _insertGreeting = Sql.Command(connection, """
            INSERT INTO OutgoingMessages (ConversationId, TriggerId, ReferralTouchId, Platform, AccountId, RecipientId, Text, Status, Attempts, CreatedAt, NextAttemptAt)
            VALUES ($conversation, $trigger, $touch, $platform, $account, $recipient, $text, $status, 0, $at, $at)
            ON CONFLICT DO NOTHING
            """, "$conversation", "$trigger", "$touch", "$platform", "$account", "$recipient", "$text", "$status", "$at");
        _releaseGreetings = Sql.Command(connection, """
            UPDATE OutgoingMessages SET Status = $pending, NextAttemptAt = $at WHERE ConversationId = $conversation AND Status = $waiting
            """, "$pending", "$at", "$conversation", "$waiting");
        _insertOutbound = Sql.Command(connection, """
            INSERT INTO OutboundDeliveries (SubscriptionId, MessageId, EventType, Payload, CreatedAt, Status, Attempts, NextAttemptAt, ReplayRequested)
            VALUES ($subscription, $messageId, $type, $payload, $at, 0, 0, $at, 0)
            """, "$subscription", "$messageId", "$type", "$payload", "$at");
        _selectTouch = Sql.Command(connection, """
            SELECT Ref, Source, Type, Arrival, ReceivedAt, OccurredAt, Passive, IsCampaignTouch, AdId, AdsContextData, CtwaClid,
                   SourceId, SourceType, SourceUrl, Headline, Body, MediaType, ImageUrl, VideoUrl, ThumbnailUrl, RefererUri, ProductId, Payload, TriggerId
            FROM ReferralTouches WHERE Id = $id
            """, "$id");
    }

    public IEnumerable<SqliteCommand> Commands => [_insertFiring, _insertTag, _insertGreeting, _releaseGreetings, _insertOutbound, _selectTouch];

    /// <summary>Set when this transaction queued outbound events; the caller wakes the dispatcher after commit.</summary>
    public bool QueuedOutbound { get; private set; }

    /// <summary>Set when this transaction queued a greeting that can go out now.</summary>
    public bool QueuedGreeting { get; private set; }

    public void ResetFlags() => (QueuedOutbound, QueuedGreeting) = (false, false);

    /// <summary>Records the firing and runs the tag and greeting actions; returns the trigger's view for events.</summary>
    public TriggerRef Fire(Trigger trigger, TriggerMatch match, TouchContext touch, ConversationState conversation, DateTimeOffset now)
    {
        var captures = match.Captures(touch.Referral.Ref);
        Sql.Set(_insertFiring, trigger.Id, conversation.Id, touch.TouchId, JsonSerializer.Serialize(captures), UnixMs.From(now));
        _insertFiring.ExecuteNonQuery();

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
            Sql.Set(_insertTag, conversation.Id, label, trigger.Id, UnixMs.From(touch.OccurredAt));
            _insertTag.ExecuteNonQuery();
        }

        // Standby: another app owns the thread, and replying would take it over. Never send from there.
        if (!string.IsNullOrWhiteSpace(trigger.GreetingText) && !touch.Passive)
        {
            // "After the first message" holds the greeting until the person has written; a message or
            // postback carrying the referral already is that first step.
            var personSpoke = touch.Kind is Webhooks.Parsing.EventKind.Message or Webhooks.Parsing.EventKind.Postback;
            var ready = trigger.GreetingMode == GreetingMode.Immediate || personSpoke;
            var text = TagTemplates.Render(trigger.GreetingText, touch.Referral.Ref ?? "", captures);
            Sql.Set(_insertGreeting, conversation.Id, trigger.Id, touch.TouchId, touch.Platform, touch.AccountId, touch.ParticipantId, text,
                (int)(ready ? OutgoingStatus.Pending : OutgoingStatus.WaitingForMessage), UnixMs.From(now));
            if (_insertGreeting.ExecuteNonQuery() > 0)
            {
                if (ready)
                {
                    QueuedGreeting = true;
                }
                else
                {
                    conversation.HasWaitingGreeting = true;
                    conversation.Dirty = true;
                }
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

        Sql.Set(_releaseGreetings, (int)OutgoingStatus.Pending, UnixMs.From(now), conversation.Id, (int)OutgoingStatus.WaitingForMessage);
        if (_releaseGreetings.ExecuteNonQuery() > 0)
        {
            QueuedGreeting = true;
        }

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
        var payload = message.Serialize();
        foreach (var subscriptionId in subscribers)
        {
            Sql.Set(_insertOutbound, subscriptionId, message.Id, eventType, payload, UnixMs.From(now));
            _insertOutbound.ExecuteNonQuery();
        }

        QueuedOutbound = true;
    }

    /// <summary>A stored touch as the API and events show it (for a touch from an earlier batch).</summary>
    public ReferralDto? LoadTouch(long id)
    {
        Sql.Set(_selectTouch, id);
        using var r = _selectTouch.ExecuteReader();
        if (!r.Read())
        {
            return null;
        }

        string? S(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        return new ReferralDto(S(0), S(1), S(2), r.GetString(3), UnixMs.To(r.GetInt64(4)), UnixMs.To(r.GetInt64(5)), r.GetBoolean(6), r.GetBoolean(7))
        {
            AdId = S(8),
            AdsContextData = S(9),
            CtwaClid = S(10),
            SourceId = S(11),
            SourceType = S(12),
            SourceUrl = S(13),
            Headline = S(14),
            Body = S(15),
            MediaType = S(16),
            ImageUrl = S(17),
            VideoUrl = S(18),
            ThumbnailUrl = S(19),
            RefererUri = S(20),
            ProductId = S(21),
            Payload = S(22),
            TriggerId = r.IsDBNull(23) ? null : r.GetInt64(23),
        };
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

/// <summary>Small helpers for the hand-written, prepared SQL on the hot path.</summary>
internal static class Sql
{
    public static SqliteCommand Command(SqliteConnection connection, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    public static void Set(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }
}
