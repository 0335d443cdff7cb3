using System.Text.Json.Serialization;
using ReferralStudio.Data;

namespace ReferralStudio.Referrals;

/// <summary>One referral touch; the platform extras it inherits appear only when Meta sent them.</summary>
public sealed record ReferralDto : ReferralDetails
{
    [JsonConstructor]
    public ReferralDto()
    {
    }

    /// <summary>A touch with <paramref name="details"/>' extras (only those, whatever record it is).</summary>
    public ReferralDto(ReferralDetails details)
        : base(details)
    {
    }

    public string? Ref { get; init; }
    public string? Source { get; init; }
    public string? Type { get; init; }
    public string Arrival { get; init; } = "";
    public DateTimeOffset ReceivedAt { get; init; }
    public DateTimeOffset OccurredAt { get; init; }
    public bool Passive { get; init; }
    public bool CampaignTouch { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? AdId { get; init; }
    /// <summary>The trigger that fired for this touch.</summary>
    [JsonPropertyOrder(2), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? TriggerId { get; init; }

    public static ReferralDto? From(ReferralTouch? t) => t is null ? null : new(t.Details)
    {
        Ref = t.Ref,
        Source = t.Source,
        Type = t.Type,
        Arrival = t.Arrival,
        ReceivedAt = t.ReceivedAt,
        OccurredAt = t.OccurredAt,
        Passive = t.Passive,
        CampaignTouch = t.IsCampaignTouch,
        AdId = t.AdId,
        TriggerId = t.TriggerId,
    };
}
