using ReferralStudio.Demo;
using ReferralStudio.Referrals;

namespace ReferralStudio.Data;

/// <summary>What became of one POST to <c>/webhooks/meta</c>. Stored as an integer.</summary>
public enum DeliveryStatus
{
    Pending = 0,
    Processed = 1,
    Rejected = 2,
    Ignored = 3,
    Failed = 4,
}

/// <summary>
/// One signed POST from Meta with what became of it: the read model of the inbox file's row joined
/// with the processor's <see cref="DeliveryOutcome"/> (a view, see <see cref="Storage.Sqlite.SqliteFiles"/>).
/// </summary>
public sealed class InboundDelivery
{
    public long Id { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public DeliveryStatus Status { get; set; }
    /// <summary>The envelope's <c>object</c> (instagram, page, whatsapp_business_account, ...).</summary>
    public string? ObjectType { get; set; }
    public byte[] Body { get; set; } = [];
    public string? Reason { get; set; }
    public DateTimeOffset? ProcessedAt { get; set; }
    public int EventCount { get; set; }
    public int DuplicateCount { get; set; }
    public int RejectedEventCount { get; set; }
    public int IgnoredEventCount { get; set; }
    /// <summary>Sent by the dashboard's simulator (signed like Meta), not by Meta.</summary>
    public bool Simulated { get; set; }
}

/// <summary>
/// One signed POST from Meta, stored byte for byte in the inbox file before it is acknowledged.
/// Append-only: <see cref="Status"/> is what the endpoint decided (pending, or rejected / ignored
/// without processing); what processing made of it is a <see cref="DeliveryOutcome"/>.
/// </summary>
public sealed class StoredDelivery
{
    public long Id { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public DeliveryStatus Status { get; set; }
    public string? ObjectType { get; set; }
    public byte[] Body { get; set; } = [];
    public string? Reason { get; set; }
    public bool Simulated { get; set; }
}

/// <summary>What the processor made of a delivery, written in the transaction that applied it.</summary>
public sealed class DeliveryOutcome
{
    public long DeliveryId { get; set; }
    public DeliveryStatus Status { get; set; }
    public string? Reason { get; set; }
    public DateTimeOffset ProcessedAt { get; set; }
    public int EventCount { get; set; }
    public int DuplicateCount { get; set; }
    public int RejectedEventCount { get; set; }
    public int IgnoredEventCount { get; set; }
}

/// <summary>
/// The last inbox delivery the processor has applied (one row). Advanced in the same transaction as
/// the effects, so after any crash processing resumes exactly after what was committed.
/// </summary>
public sealed class InboxCursor
{
    public int Id { get; set; }
    public long LastDeliveryId { get; set; }
}

/// <summary>
/// The identity of a main file and inbox pair (one row, the same in both files): created once when the
/// pair is, so a start with the inbox of another pair, or a restore of only one file, is refused
/// instead of silently issuing delivery ids the cursor has already passed (see <see cref="Storage.Sqlite.FilePair"/>).
/// </summary>
public sealed class PairIdentity
{
    public int Id { get; set; }
    public Guid PairId { get; set; }
}

/// <summary>Accepted or rejected; a duplicate of an accepted event is never stored twice.</summary>
public enum EventStatus
{
    Accepted = 0,
    Rejected = 1,
    /// <summary>A WhatsApp group message: kept for context, never part of a 1:1 conversation.</summary>
    GroupContext = 2,
}

/// <summary>One message, postback or referral event taken from a delivery.</summary>
public sealed class WebhookEvent
{
    public long Id { get; set; }
    public long DeliveryId { get; set; }
    /// <summary>Unique across Meta's retries: the mid / wamid, or a hash for standalone referrals.</summary>
    public string? DedupKey { get; set; }
    public EventStatus Status { get; set; }
    public string? Reason { get; set; }
    public string? Platform { get; set; }
    public string? Kind { get; set; }
    public bool Passive { get; set; }
    public string? AccountId { get; set; }
    public string? ParticipantId { get; set; }
    public DateTimeOffset? OccurredAt { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public string? MessageId { get; set; }
    public string? Text { get; set; }
    /// <summary>The ref as received, kept verbatim even when it was rejected.</summary>
    public string? Ref { get; set; }
    public string? RefRejection { get; set; }
    /// <summary>The event's raw JSON, kept for rejected events so they can be inspected.</summary>
    public string? RawJson { get; set; }
    public long? ConversationId { get; set; }
}

/// <summary>A DM thread: one participant talking to one business account on one platform.</summary>
public sealed class Conversation
{
    public long Id { get; set; }
    public string Platform { get; set; } = "";
    public string AccountId { get; set; } = "";
    /// <summary>Stable for the conversation: the identifier it was first seen by (on WhatsApp the phone, else the BSUID).</summary>
    public string ParticipantId { get; set; } = "";
    public string? ParticipantName { get; set; }
    /// <summary>WhatsApp: the phone number, when Meta has sent it.</summary>
    public string? ParticipantPhone { get; set; }
    /// <summary>WhatsApp: the current business-scoped user id (BSUID); earlier ones stay linked as aliases.</summary>
    public string? ParticipantUserId { get; set; }
    public string? ParticipantParentUserId { get; set; }
    /// <summary>WhatsApp: the username (display only: users can change it).</summary>
    public string? ParticipantUsername { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset LastActivityAt { get; set; }
    /// <summary>End of the 24-hour reply window the latest referral or inbound message opened.</summary>
    public DateTimeOffset? WindowExpiresAt { get; set; }
    public long? FirstReferralId { get; set; }
    public ReferralTouch? FirstReferral { get; set; }
    public DateTimeOffset? FirstReferralAt { get; set; }
    public long? LatestReferralId { get; set; }
    public ReferralTouch? LatestReferral { get; set; }
    public DateTimeOffset? LastReferralAt { get; set; }
    public int MessageCount { get; set; }
    /// <summary>Set once the first inbound text arrived; wa.me codes are only read from that one.</summary>
    public bool HasInboundText { get; set; }
    /// <summary>A greeting waits for this person's first message; the next message releases it.</summary>
    public bool HasWaitingGreeting { get; set; }
    /// <summary>Started by the simulator.</summary>
    public bool Simulated { get; set; }
    /// <summary>Started by the simulator or part of the demo data: nothing about it reaches Meta, and its events say so.</summary>
    public bool SimulatedOrDemo => IsSimulatedOrDemo(Simulated, AccountId);

    public static bool IsSimulatedOrDemo(bool simulated, string accountId) => simulated || DemoDataGenerator.IsDemoAccount(accountId);
    public List<ReferralTouch> Referrals { get; set; } = [];
}

/// <summary>
/// Another identifier of a conversation's participant: on WhatsApp the phone or BSUID it was not keyed by, and
/// earlier BSUIDs. One person is one conversation per account, whichever identifier a message carries.
/// </summary>
public sealed class ParticipantAlias
{
    public string Alias { get; set; } = "";
    public string Platform { get; set; } = "";
    public string AccountId { get; set; } = "";
    public long ConversationId { get; set; }
}

/// <summary>A change to who a conversation's participant is: a new BSUID, or two conversations found to be one person.</summary>
public sealed class IdentityEvent
{
    public long Id { get; set; }
    public long ConversationId { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    /// <summary><see cref="IdentityEventKinds"/>.</summary>
    public string Kind { get; set; } = "";
    public string Detail { get; set; } = "";
}

public static class IdentityEventKinds
{
    public const string UserIdChanged = "user_id_changed";
    public const string Merged = "merged";
}

/// <summary>One referral in a conversation's history, with the platform extras Meta sent.</summary>
public sealed class ReferralTouch
{
    public long Id { get; set; }
    public long ConversationId { get; set; }
    public long EventId { get; set; }
    // Copied from the conversation so the feed filters and sorts on one indexed table.
    public string Platform { get; set; } = "";
    public string AccountId { get; set; } = "";
    public string ParticipantId { get; set; } = "";
    public bool Simulated { get; set; }
    public string? Ref { get; set; }
    public string? Source { get; set; }
    public string? Type { get; set; }
    public string Arrival { get; set; } = "";
    /// <summary>Seen on the standby channel: another app owns the thread.</summary>
    public bool Passive { get; set; }
    /// <summary>A valid ref or an ad id; other referrals are context only.</summary>
    public bool IsCampaignTouch { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public string? AdId { get; set; }
    /// <summary>The platform extras, in columns of their own (a complex type).</summary>
    public ReferralDetails Details { get; set; } = new();
    /// <summary>The trigger that fired for this touch, if any.</summary>
    public long? TriggerId { get; set; }
}
