using System.Text.Json.Serialization;
using ReferralStudio.Data;
using ReferralStudio.Referrals;

namespace ReferralStudio.Api;

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
