using System.Text.Json.Serialization;
using ReferralStudio.Data;
using ReferralStudio.Referrals;

namespace ReferralStudio.Api;

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

/// <summary>
/// Who the conversation is with. <see cref="Id"/> is stable for the conversation; on WhatsApp the phone (when Meta
/// sends it), the business-scoped user id (BSUID), its parent and the username are kept beside it.
/// </summary>
public sealed record ParticipantDto(string Id, string? Phone, string? UserId, string? ParentUserId, string? Username, string? Name)
{
    public static ParticipantDto From(Conversation c) =>
        new(c.ParticipantId, c.ParticipantPhone, c.ParticipantUserId, c.ParticipantParentUserId, c.ParticipantUsername, c.ParticipantName);
}

/// <summary>The latest campaign touch (latest wins) and when it happened.</summary>
public sealed record ConversationMetadataDto(ReferralDto? Referral, DateTimeOffset? LastReferralAt);

public record ConversationSummaryDto(
    long Id,
    string Platform,
    string AccountId,
    string ParticipantId,
    string? ParticipantName,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastActivityAt,
    DateTimeOffset? WindowExpiresAt,
    bool WindowOpen,
    ReferralDto? FirstReferral,
    ConversationMetadataDto Metadata,
    ParticipantDto Participant)
{
    public static ConversationSummaryDto From(Conversation c, DateTimeOffset now) => new(
        c.Id, c.Platform, c.AccountId, c.ParticipantId, c.ParticipantName, c.CreatedAt, c.LastActivityAt,
        c.WindowExpiresAt, c.WindowExpiresAt > now, ReferralDto.From(c.FirstReferral),
        new ConversationMetadataDto(ReferralDto.From(c.LatestReferral), c.LastReferralAt), ParticipantDto.From(c));
}

/// <summary>A conversation with its full history (event-time order) and tags.</summary>
public sealed record ConversationDetailDto([property: JsonIgnore] ConversationSummaryDto Summary, IReadOnlyList<ReferralDto> Referrals, IReadOnlyList<string> Tags)
    : ConversationSummaryDto(Summary);

public sealed record PageDto<T>(IReadOnlyList<T> Items, int Total, int Page, int PageSize);
