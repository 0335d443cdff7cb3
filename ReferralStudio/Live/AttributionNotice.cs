using ReferralStudio.Referrals;

namespace ReferralStudio.Live;

/// <summary>One attribution as the live board and hub subscribers see it (JSON, camelCase).</summary>
public sealed record AttributionNotice(
    long TouchId,
    long ConversationId,
    string Platform,
    string AccountId,
    string ParticipantId,
    string? ParticipantName,
    string? Ref,
    string? AdId,
    string? Source,
    string Arrival,
    long? TriggerId,
    string? TriggerName,
    DateTimeOffset OccurredAt,
    DateTimeOffset ReceivedAt,
    bool Passive,
    bool Simulated)
{
    /// <summary>What the board counts it under: the trigger, else the code, else the ad.</summary>
    public string Campaign => CampaignNames.Of(TriggerName, Ref, AdId);
}
