using ReferralStudio.Platforms;
using ReferralStudio.Triggers;
using ReferralStudio.Triggers.Matching;
using ReferralStudio.Webhooks.Parsing;

namespace ReferralStudio.Attribution;

/// <summary>A referral that becomes part of the conversation's history, and the trigger it fires, if any.</summary>
public readonly record struct TouchDecision(ParsedReferral Referral, Trigger? Fired, TriggerMatch? Match)
{
    /// <summary>Credited to a campaign (first and latest touch, rollups, the live board), not only kept in the history.</summary>
    public bool IsCampaignTouch => Referral.IsCampaignTouch;
}

/// <summary>
/// What one accepted event means for its conversation, decided without a database: which referral it carries,
/// how the conversation's activity moves, whether waiting greetings are due and which trigger fires. An engine's
/// writer stores what this decides (<see cref="IAttributionWriter"/>).
/// </summary>
public static class EventAttribution
{
    /// <summary>
    /// The event's referral: Meta's, or on WhatsApp the code in the first inbound text (organic wa.me links carry no
    /// referral, only prefilled text). Read before <see cref="Observe"/> counts the text.
    /// </summary>
    public static ParsedReferral? ReferralOf(ParsedEvent parsed, ConversationState conversation, PrefilledTextRefExtractor prefilledText) =>
        parsed.Referral ?? (parsed.Platform == Platform.WhatsApp && parsed.Kind == EventKind.Message && !conversation.HasInboundText
            ? prefilledText.Referral(parsed.Text)
            : null);

    /// <summary>Moves the conversation's activity for an event stored now (never for a duplicate).</summary>
    public static void Observe(ConversationState conversation, ParsedEvent parsed)
    {
        if (parsed.ParticipantName is { } name && name != conversation.ParticipantName)
        {
            conversation.ParticipantName = name;
            conversation.Dirty = true;
        }

        AttributionRules.ApplyActivity(conversation, parsed.OccurredAt);
        if (parsed.Kind == EventKind.Message)
        {
            conversation.MessageCount++;
            conversation.HasInboundText |= parsed.Text is not null;
        }
    }

    /// <summary>The person wrote or tapped in the thread itself (not only arrived, not in standby): greetings held for that are due.</summary>
    public static bool ReleasesWaitingGreetings(ParsedEvent parsed) =>
        parsed.Kind != EventKind.Referral && parsed.Channel == EventChannel.Messaging;

    /// <summary>
    /// The touch an event records, or null: an invalid ref stays on the event with its reason and never becomes part of
    /// the history. Only campaign touches fire triggers, and only a trigger the snapshot still holds.
    /// </summary>
    public static TouchDecision? Touch(ParsedReferral? referral, string platform, TriggerCatalog.Snapshot triggers)
    {
        if (referral is null || referral.RefRejection is not null)
        {
            return null;
        }

        if (!referral.IsCampaignTouch || triggers.Matcher.Match(platform, referral.Ref, referral.AdId) is not { } match)
        {
            return new TouchDecision(referral, null, null);
        }

        return triggers.Triggers.TryGetValue(match.Trigger.Id, out var fired)
            ? new TouchDecision(referral, fired, match)
            : new TouchDecision(referral, null, null);
    }

    /// <summary>A campaign touch as the live board shows it.</summary>
    public static Live.AttributionNotice Notice(long touchId, ConversationState conversation, string platform, ParsedEvent parsed,
        TouchDecision touch, string arrival, ParsedDelivery delivery) =>
        new(touchId, conversation.Id, platform, parsed.AccountId, conversation.ParticipantId, parsed.ParticipantName ?? conversation.ParticipantName,
            touch.Referral.Ref, touch.Referral.AdId, touch.Referral.Source, arrival, touch.Fired?.Id, touch.Fired?.Name, parsed.OccurredAt,
            delivery.ReceivedAt, parsed.Channel == EventChannel.Standby, delivery.Simulated);
}
