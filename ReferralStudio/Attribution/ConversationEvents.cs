using ReferralStudio.Outbound;
using ReferralStudio.Referrals;
using ReferralStudio.Webhooks.Parsing;

namespace ReferralStudio.Attribution;

/// <summary>
/// The outbound events an applied event raises for integrators (conversation started, referral received, message
/// received), built from the conversation as it now stands and queued in the same transaction, in the order a
/// receiver expects to read them.
/// </summary>
internal sealed class ConversationEvents(IEventQueue automations)
{
    /// <summary>A touch just recorded, as the API and events show it.</summary>
    public static ReferralDto Touch(ParsedReferral r, ParsedEvent parsed, DateTimeOffset receivedAt, long? triggerId) => new(r)
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

    /// <summary>Queues what the event raised; <paramref name="touch"/> and <paramref name="trigger"/> are what it recorded and fired, if anything.</summary>
    public void Queue(string platform, ParsedEvent parsed, ConversationState conversation, ReferralDto? touch, TriggerRef? trigger, DateTimeOffset now)
    {
        if (conversation.IsNew && !conversation.StartAnnounced)
        {
            conversation.StartAnnounced = true;
            if (automations.Wants(EventTypes.ConversationStarted))
            {
                automations.Enqueue(EventTypes.ConversationStarted, parsed.OccurredAt, EventData(platform, parsed, conversation, touch, trigger), now);
            }
        }

        if (touch is not null && automations.Wants(EventTypes.ReferralReceived))
        {
            automations.Enqueue(EventTypes.ReferralReceived, parsed.OccurredAt, EventData(platform, parsed, conversation, touch, trigger), now);
        }

        if (parsed.Kind == EventKind.Message && automations.Wants(EventTypes.MessageReceived))
        {
            // The first inbound message carries the conversation's referral, so integrators parsing
            // their own codes see the campaign alongside the text.
            var carried = conversation.MessageCount == 1
                ? touch ?? (conversation.LatestReferralId is { } latest ? automations.LoadTouch(latest) : null)
                : null;
            var data = EventData(platform, parsed, conversation, carried, carried == touch ? trigger : null) with
            {
                Message = new MessageRef(parsed.MessageId, parsed.Text, parsed.OccurredAt),
            };
            automations.Enqueue(EventTypes.MessageReceived, parsed.OccurredAt, data, now);
        }
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
        Simulated = conversation.SimulatedOrDemo,
    };
}
