using System.Text.Json.Nodes;
using ReferralStudio.MetaConversions;
using ReferralStudio.Referrals;

namespace ReferralStudio.Privacy;

/// <summary>
/// Everything stored about one person (GDPR Art. 15), found through one of their conversations: the conversation,
/// the other ids the person is known by, and every row keyed to it or carrying those ids.
/// </summary>
public sealed record PersonalDataExport(
    DateTimeOffset ExportedAt,
    ExportedConversation Conversation,
    IReadOnlyList<ExportedAlias> Aliases,
    IReadOnlyList<ReferralDto> Touches,
    IReadOnlyList<ExportedEvent> Events,
    IReadOnlyList<ExportedIdentityEvent> IdentityEvents,
    IReadOnlyList<ExportedTag> Tags,
    IReadOnlyList<ExportedTriggerFiring> TriggerFirings,
    IReadOnlyList<ExportedGreeting> Greetings,
    IReadOnlyList<ExportedConversion> Conversions,
    IReadOnlyList<ExportedOutboundDelivery> OutboundDeliveries,
    IReadOnlyList<ExportedInboundDelivery> InboundDeliveries);

public sealed record ExportedConversation(
    long Id,
    string Platform,
    string AccountId,
    string ParticipantId,
    string? ParticipantName,
    string? ParticipantPhone,
    string? ParticipantUserId,
    string? ParticipantParentUserId,
    string? ParticipantUsername,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastActivityAt,
    DateTimeOffset? WindowExpiresAt,
    int MessageCount,
    bool Simulated);

public sealed record ExportedAlias(string Alias, string Platform, string AccountId);

/// <summary>A message, button tap or referral event; <see cref="RawJson"/> is kept for rejected events only.</summary>
public sealed record ExportedEvent(
    long Id,
    long DeliveryId,
    string Status,
    string? Reason,
    string? Platform,
    string? Kind,
    string? AccountId,
    string? ParticipantId,
    DateTimeOffset? OccurredAt,
    DateTimeOffset ReceivedAt,
    string? MessageId,
    string? Text,
    string? Ref,
    string? RefRejection,
    JsonNode? RawJson,
    long? ConversationId);

public sealed record ExportedIdentityEvent(long Id, DateTimeOffset OccurredAt, string Kind, string Detail);

public sealed record ExportedTag(string Label, long? TriggerId, DateTimeOffset AddedAt);

public sealed record ExportedTriggerFiring(long Id, long TriggerId, IReadOnlyList<string> Captures, DateTimeOffset FiredAt);

/// <summary>A greeting sent (or to be sent) to the person.</summary>
public sealed record ExportedGreeting(
    long Id,
    string RecipientId,
    string Text,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? CompletedAt,
    string? ExternalMessageId);

/// <summary>A conversion, and what was sent (or would be) to Meta's Conversions API about it, with every attempt.</summary>
public sealed record ExportedConversion(
    long Id,
    string Type,
    double? Value,
    string? Currency,
    DateTimeOffset OccurredAt,
    string ExternalId,
    DateTimeOffset RecordedAt,
    MetaConversionStatusDto? Meta);

/// <summary>An event sent to an integrator's endpoint about the conversation, with the body as sent.</summary>
public sealed record ExportedOutboundDelivery(
    long Id,
    long SubscriptionId,
    string EventType,
    DateTimeOffset CreatedAt,
    string Status,
    JsonNode? Payload);

/// <summary>
/// A delivery from Meta that carried one of the person's events: <see cref="Body"/> when it is JSON, with other people's
/// events in the same batch left out (see <see cref="PersonalBody"/>), else the bytes as <see cref="BodyBase64"/>. Both
/// are null when the body was emptied (by <c>Inbox:RetainProcessedBodiesFor</c>).
/// </summary>
public sealed record ExportedInboundDelivery(
    long Id,
    DateTimeOffset ReceivedAt,
    string? ObjectType,
    JsonNode? Body,
    string? BodyBase64);

/// <summary>What an erasure removed (rows deleted, bodies emptied), per table.</summary>
public sealed record ErasureResult(
    long ConversationId,
    int Conversations,
    int Aliases,
    int Touches,
    int Events,
    int IdentityEvents,
    int Tags,
    int TriggerFirings,
    int Greetings,
    int Conversions,
    int OutboundDeliveries,
    int InboundBodiesEmptied);
