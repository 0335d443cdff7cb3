namespace ReferralStudio.Messaging;

public enum OutgoingStatus
{
    Pending = 0,
    Sent = 1,
    /// <summary>No access token for the account: recorded, not sent.</summary>
    DryRun = 2,
    /// <summary>Meta refused it, or retries ran out.</summary>
    Failed = 3,
    /// <summary>The 24-hour window closed before it could go out.</summary>
    Expired = 4,
    /// <summary>The trigger greets after the person's first message, which has not come yet.</summary>
    WaitingForMessage = 5,
    /// <summary>Saved just before the call to Meta; the answer replaces it.</summary>
    Sending = 6,
    /// <summary>
    /// The app stopped while sending, so whether Meta delivered it is unknown; never sent again (Meta's Send API has
    /// no idempotency key, and a second identical DM is worse than none).
    /// </summary>
    Uncertain = 7,
}

/// <summary>A DM to send through Meta's Send API (the greeting outbox).</summary>
public sealed class OutgoingMessage
{
    public long Id { get; set; }
    public long ConversationId { get; set; }
    public long? TriggerId { get; set; }
    /// <summary>The touch that caused it; unique, so a touch greets at most once.</summary>
    public long? ReferralTouchId { get; set; }
    public string Platform { get; set; } = "";
    public string AccountId { get; set; } = "";
    public string RecipientId { get; set; } = "";
    public string Text { get; set; } = "";
    public OutgoingStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public string? ExternalMessageId { get; set; }
    public int? LastStatusCode { get; set; }
    public string? LastError { get; set; }
}
