using System.Text.Json;
using System.Text.Json.Serialization;
using ReferralStudio.Data;

namespace ReferralStudio.Api;

/// <summary>One referral touch; the platform extras appear only when Meta sent them.</summary>
public sealed record ReferralDto(
    string? Ref,
    string? Source,
    string? Type,
    string Arrival,
    DateTimeOffset ReceivedAt,
    DateTimeOffset OccurredAt,
    bool Passive,
    bool CampaignTouch)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? AdId { get; init; }
    /// <summary>Meta's <c>ads_context_data</c> object, as the object it is.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public JsonElement? AdsContextData { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? CtwaClid { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? SourceId { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? SourceType { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? SourceUrl { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Headline { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Body { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? MediaType { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? ImageUrl { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? VideoUrl { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? ThumbnailUrl { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? RefererUri { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? ProductId { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Payload { get; init; }
    /// <summary>The trigger that fired for this touch.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? TriggerId { get; init; }

    public static ReferralDto? From(ReferralTouch? t) => t is null ? null : new(
        t.Ref, t.Source, t.Type, t.Arrival, t.ReceivedAt, t.OccurredAt, t.Passive, t.IsCampaignTouch)
    {
        AdId = t.AdId,
        AdsContextData = JsonObject(t.AdsContextData),
        CtwaClid = t.CtwaClid,
        SourceId = t.SourceId,
        SourceType = t.SourceType,
        SourceUrl = t.SourceUrl,
        Headline = t.Headline,
        Body = t.Body,
        MediaType = t.MediaType,
        ImageUrl = t.ImageUrl,
        VideoUrl = t.VideoUrl,
        ThumbnailUrl = t.ThumbnailUrl,
        RefererUri = t.RefererUri,
        ProductId = t.ProductId,
        Payload = t.Payload,
        TriggerId = t.TriggerId,
    };

    /// <summary>A nested Meta object kept as its raw JSON text, handed on as JSON (text that is not JSON, as a string).</summary>
    public static JsonElement? JsonObject(string? raw)
    {
        if (raw is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(raw);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(raw);
        }
    }
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
