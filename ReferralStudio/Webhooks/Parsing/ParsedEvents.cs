using ReferralStudio.Platforms;
using ReferralStudio.Referrals;

namespace ReferralStudio.Webhooks.Parsing;

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
/// A referral exactly as Meta sent it, with the platform extras it inherits. <see cref="Ref"/> is kept verbatim even
/// when invalid; then <see cref="RefRejection"/> says why and the touch never becomes an attribution.
/// </summary>
public sealed record ParsedReferral : ReferralDetails
{
    public required ReferralArrival Arrival { get; init; }
    public string? Ref { get; init; }
    public string? RefRejection { get; init; }
    public string? Source { get; init; }
    public string? Type { get; init; }
    public string? AdId { get; init; }

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
    /// <summary>
    /// PSID / IGSID, <c>user_ref</c> for chat-plugin senders; on WhatsApp the phone number when Meta sends it,
    /// else the business-scoped user id (BSUID).
    /// </summary>
    public required string ParticipantId { get; init; }
    public string? ParticipantName { get; init; }
    /// <summary>Every WhatsApp identifier the message carried (null on the other platforms).</summary>
    public WhatsAppIdentity? Identity { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    /// <summary>Identifies the event across Meta's retries and duplicates.</summary>
    public required string DedupKey { get; init; }
    public string? MessageId { get; init; }
    public string? Text { get; init; }
    public ParsedReferral? Referral { get; init; }
}

/// <summary>
/// Who a WhatsApp message is from: the phone number (<c>wa_id</c> / <c>from</c>) when Meta sends it, the BSUID
/// (<c>user_id</c>), the parent BSUID shared across linked portfolios, and the display-only username.
/// </summary>
public sealed record WhatsAppIdentity(string? Phone, string? UserId, string? ParentUserId, string? Username)
{
    /// <summary>The identifier a conversation is keyed by when first seen: the phone, else the BSUID.</summary>
    public string? Primary => Phone ?? UserId;

    /// <summary>
    /// A BSUID (<c>US.13491208655302741918</c>, parent <c>US.ENT.…</c>) rather than a phone number: a country code
    /// and a period; phone numbers are digits only.
    /// </summary>
    public static bool IsUserId(string id) => id.Length > 3 && char.IsAsciiLetter(id[0]) && char.IsAsciiLetter(id[1]) && id[2] == '.';
}

/// <summary>
/// A WhatsApp user's BSUID changed (a <c>user_id_update</c> webhook, or a <c>user_changed_user_id</c> system
/// message): the new id belongs to the same person as the old one and the phone.
/// </summary>
public sealed record IdentityChange
{
    public required string AccountId { get; init; }
    public string? Phone { get; init; }
    public string? PreviousUserId { get; init; }
    public required string CurrentUserId { get; init; }
    public string? PreviousParentUserId { get; init; }
    public string? CurrentParentUserId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    /// <summary><c>user_id_update</c> or <c>system_message</c>.</summary>
    public required string Source { get; init; }
}

/// <summary>A message in a WhatsApp group (<c>group_id</c>): kept as context, never part of a 1:1 conversation.</summary>
public sealed record GroupMessage
{
    public required string AccountId { get; init; }
    public required string GroupId { get; init; }
    /// <summary>The sender's phone or BSUID, when present.</summary>
    public string? SenderId { get; init; }
    public required string DedupKey { get; init; }
    public string? MessageId { get; init; }
    public string? Text { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string RawJson { get; init; }
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
/// and how many events were deliberately ignored (echoes, reads, deliveries, reactions, statuses);
/// on WhatsApp also identity changes and group messages.
/// </summary>
public sealed record ParseResult(
    IReadOnlyList<ParsedEvent> Events,
    IReadOnlyList<RejectedEvent> Rejected,
    int IgnoredCount)
{
    public IReadOnlyList<IdentityChange> IdentityChanges { get; init; } = [];
    public IReadOnlyList<GroupMessage> GroupMessages { get; init; } = [];
}
