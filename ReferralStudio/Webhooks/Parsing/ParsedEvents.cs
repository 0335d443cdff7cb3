namespace ReferralStudio.Webhooks.Parsing;

/// <summary>The messaging platform a conversation lives on. Stored and serialized lower-case.</summary>
public enum Platform
{
    Instagram,
    Messenger,
    WhatsApp,
}

/// <summary>What carried the event: a message, a postback (ice breaker, Get Started) or a standalone referral.</summary>
public enum EventKind
{
    Message,
    Postback,
    Referral,
}

/// <summary>Whether the app owned the thread (messaging) or only observed it (standby: another app owns it).</summary>
public enum EventChannel
{
    Messaging,
    Standby,
}

/// <summary>How a referral reached us. Serialized as standalone, first_message, postback, ad, prefilled_text.</summary>
public enum ReferralArrival
{
    Standalone,
    FirstMessage,
    Postback,
    Ad,
    PrefilledText,
}

/// <summary>
/// A referral exactly as Meta sent it. <see cref="Ref"/> is kept verbatim even when invalid;
/// then <see cref="RefRejection"/> says why and the touch never becomes an attribution.
/// </summary>
public sealed record ParsedReferral
{
    public required ReferralArrival Arrival { get; init; }
    public string? Ref { get; init; }
    public string? RefRejection { get; init; }
    public string? Source { get; init; }
    public string? Type { get; init; }
    public string? AdId { get; init; }
    /// <summary>The <c>ads_context_data</c> object as its raw JSON text.</summary>
    public string? AdsContextData { get; init; }
    public string? RefererUri { get; init; }
    public string? ProductId { get; init; }
    /// <summary>The postback payload, when the referral arrived inside a postback.</summary>
    public string? Payload { get; init; }
    public string? CtwaClid { get; init; }
    public string? SourceId { get; init; }
    public string? SourceType { get; init; }
    public string? SourceUrl { get; init; }
    public string? Headline { get; init; }
    public string? Body { get; init; }
    public string? MediaType { get; init; }
    public string? ImageUrl { get; init; }
    public string? VideoUrl { get; init; }
    public string? ThumbnailUrl { get; init; }

    /// <summary>A campaign touch has a valid ref or an ad id; anything else is context only.</summary>
    public bool IsCampaignTouch => (Ref is not null && RefRejection is null) || AdId is not null;
}

/// <summary>One inbound event that can start or continue a conversation.</summary>
public sealed record ParsedEvent
{
    public required Platform Platform { get; init; }
    public required EventChannel Channel { get; init; }
    public required EventKind Kind { get; init; }
    /// <summary>Page id / Instagram account id (<c>entry.id</c>) or the WhatsApp <c>phone_number_id</c>.</summary>
    public required string AccountId { get; init; }
    /// <summary>PSID / IGSID, <c>user_ref</c> for chat-plugin senders, or the WhatsApp <c>from</c> number.</summary>
    public required string ParticipantId { get; init; }
    public string? ParticipantName { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    /// <summary>Identifies the event across Meta's retries and duplicates.</summary>
    public required string DedupKey { get; init; }
    public string? MessageId { get; init; }
    public string? Text { get; init; }
    public ParsedReferral? Referral { get; init; }
}

/// <summary>An event that could not be used, with the reason and its raw JSON for inspection.</summary>
public sealed record RejectedEvent
{
    public Platform? Platform { get; init; }
    public string? AccountId { get; init; }
    public string? ParticipantId { get; init; }
    public DateTimeOffset? OccurredAt { get; init; }
    public required string Reason { get; init; }
    public required string RawJson { get; init; }
}

/// <summary>
/// Everything one delivery carried: usable events in timestamp order, rejected events,
/// and how many events were deliberately ignored (echoes, reads, deliveries, reactions, statuses).
/// </summary>
public sealed record ParseResult(
    IReadOnlyList<ParsedEvent> Events,
    IReadOnlyList<RejectedEvent> Rejected,
    int IgnoredCount);
