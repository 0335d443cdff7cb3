using ReferralStudio.Data;

namespace ReferralStudio.Attribution;

/// <summary>A conversation's attribution state while a batch is applied to it.</summary>
public sealed class ConversationState
{
    public long Id { get; set; }
    /// <summary>The conversation's key (written when its row is inserted; a loaded row is updated by id).</summary>
    public string Platform { get; init; } = "";
    public string AccountId { get; init; } = "";
    public string ParticipantId { get; init; } = "";
    public bool IsNew { get; init; }
    public bool Dirty { get; set; }
    public string? ParticipantName { get; set; }
    /// <summary>WhatsApp identifiers (see <see cref="Data.Conversation"/>); written back when <see cref="IdentityDirty"/>.</summary>
    public string? Phone { get; set; }
    public string? UserId { get; set; }
    public string? ParentUserId { get; set; }
    public string? Username { get; set; }
    public bool IdentityDirty { get; set; }
    /// <summary>At least one of its events was stored (not only duplicates).</summary>
    public bool HasEvents { get; set; }
    /// <summary>Merged into another conversation in this transaction: its row is gone and nothing writes it back.</summary>
    public bool Merged { get; set; }
    /// <summary>Whom a DM goes to: on WhatsApp the phone when known (Meta's advice), else the BSUID.</summary>
    public string Recipient => Phone ?? UserId ?? ParticipantId;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset LastActivityAt { get; set; }
    public DateTimeOffset? WindowExpiresAt { get; set; }
    public long? FirstReferralId { get; set; }
    public DateTimeOffset? FirstReferralAt { get; set; }
    public long? LatestReferralId { get; set; }
    public DateTimeOffset? LastReferralAt { get; set; }
    /// <summary>The referral ids the row holds now; an update that leaves them alone needs no foreign-key checks.</summary>
    public long? StoredFirstReferralId { get; set; }
    public long? StoredLatestReferralId { get; set; }
    /// <summary>The name and username the row, and the feed's search index, hold now (the index needs them to remove an entry).</summary>
    public string? StoredName { get; set; }
    public string? StoredUsername { get; set; }
    public int MessageCount { get; set; }
    public bool HasInboundText { get; set; }
    public bool HasWaitingGreeting { get; set; }
    /// <summary>conversation.started went out in this transaction (only new conversations send it).</summary>
    public bool StartAnnounced { get; set; }
    /// <summary>A new conversation whose row (under its reserved id) is written once, with its final values, at commit.</summary>
    public bool Unsaved { get; set; }
    public bool Simulated { get; init; }
    /// <summary>See <see cref="Conversation.SimulatedOrDemo"/>.</summary>
    public bool SimulatedOrDemo => Conversation.IsSimulatedOrDemo(Simulated, AccountId);
}

/// <summary>
/// How events move a conversation's attribution. Everything compares event timestamps, so the
/// outcome does not depend on the order Meta happened to deliver events in.
/// </summary>
public static class AttributionRules
{
    /// <summary>A referral or inbound message lets the business reply for 24 hours.</summary>
    public static readonly TimeSpan ReplyWindow = TimeSpan.FromHours(24);

    public static void ApplyActivity(ConversationState conversation, DateTimeOffset occurredAt)
    {
        if (occurredAt < conversation.CreatedAt)
        {
            conversation.CreatedAt = occurredAt;
        }

        if (occurredAt > conversation.LastActivityAt)
        {
            conversation.LastActivityAt = occurredAt;
        }

        var expires = occurredAt + ReplyWindow;
        if (conversation.WindowExpiresAt is not { } current || expires > current)
        {
            conversation.WindowExpiresAt = expires;
        }

        conversation.Dirty = true;
    }

    /// <summary>
    /// Folds <paramref name="merged"/> (the same person, found under another identifier) into <paramref name="survivor"/>:
    /// the earliest start, the latest activity and window, both histories' first and latest touches. The merged
    /// state is left crediting nothing.
    /// </summary>
    public static void Merge(ConversationState survivor, ConversationState merged)
    {
        ApplyActivity(survivor, merged.CreatedAt);
        ApplyActivity(survivor, merged.LastActivityAt);
        survivor.WindowExpiresAt = Max(survivor.WindowExpiresAt, merged.WindowExpiresAt);
        if (merged.FirstReferralId is { } first)
        {
            ApplyCampaignTouch(survivor, first, merged.FirstReferralAt!.Value);
        }

        if (merged.LatestReferralId is { } latest)
        {
            ApplyCampaignTouch(survivor, latest, merged.LastReferralAt!.Value);
        }

        survivor.MessageCount += merged.MessageCount;
        survivor.HasInboundText |= merged.HasInboundText;
        survivor.HasWaitingGreeting |= merged.HasWaitingGreeting;
        survivor.ParticipantName ??= merged.ParticipantName;
        survivor.Phone ??= merged.Phone;
        survivor.UserId ??= merged.UserId;
        survivor.ParentUserId ??= merged.ParentUserId;
        survivor.Username ??= merged.Username;
        survivor.IdentityDirty = true;
        (merged.FirstReferralId, merged.FirstReferralAt, merged.LatestReferralId, merged.LastReferralAt) = (null, null, null, null);
        merged.Merged = true;
    }

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

    /// <summary>First touch keeps the earliest campaign touch; latest touch wins ties (latest wins).</summary>
    public static void ApplyCampaignTouch(ConversationState conversation, long touchId, DateTimeOffset occurredAt)
    {
        if (conversation.FirstReferralAt is not { } first || occurredAt < first)
        {
            conversation.FirstReferralId = touchId;
            conversation.FirstReferralAt = occurredAt;
        }

        if (conversation.LastReferralAt is not { } last || occurredAt >= last)
        {
            conversation.LatestReferralId = touchId;
            conversation.LastReferralAt = occurredAt;
        }

        conversation.Dirty = true;
    }
}
