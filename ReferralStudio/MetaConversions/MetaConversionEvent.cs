namespace ReferralStudio.MetaConversions;

public enum MetaConversionStatus
{
    Pending = 0,
    /// <summary>Claimed by the sender for one attempt; the answer replaces it.</summary>
    Sending = 1,
    Sent = 2,
    /// <summary>The account has no Conversions API token or dataset: the body is kept, nothing was sent.</summary>
    DryRun = 3,
    /// <summary>Meta refused it, or retries ran out.</summary>
    Failed = 4,
    /// <summary>Never sendable (no Meta event for the conversion's type, a WhatsApp ad without a click id); the reason says why.</summary>
    Skipped = 5,
    /// <summary>
    /// The app stopped while sending, so whether Meta recorded it is unknown; not sent again, because Meta does not
    /// de-duplicate business messaging events and a doubled purchase misleads more than a missing one.
    /// </summary>
    Uncertain = 6,
}

/// <summary>
/// A conversion on its way to Meta's Conversions API (the persisted outbox of <see cref="MetaConversionSender"/>): queued
/// in the transaction that records the conversion, one per conversion.
/// </summary>
public sealed class MetaConversionEvent
{
    public long Id { get; set; }
    public long ConversionId { get; set; }
    public long ConversationId { get; set; }
    public string Platform { get; set; } = "";
    /// <summary>The business account it is sent for: its dataset and token are read when sending.</summary>
    public string AccountId { get; set; } = "";
    public string EventName { get; set; } = "";
    /// <summary>The conversion's external id, sent as <c>event_id</c> on every attempt: the event's identity wherever Meta shows it.</summary>
    public string EventId { get; set; } = "";
    /// <summary>The event as sent in <c>data[]</c> (JSON); for a dry run, what would have been sent.</summary>
    public string Payload { get; set; } = "";
    public MetaConversionStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public int? LastStatusCode { get; set; }
    public string? LastError { get; set; }
}

/// <summary>One HTTP attempt to send a <see cref="MetaConversionEvent"/>.</summary>
public sealed class MetaConversionAttempt
{
    public long Id { get; set; }
    public long MetaConversionEventId { get; set; }
    /// <summary>Kept so that erasing a person's conversation removes the attempts with it.</summary>
    public long ConversationId { get; set; }
    public DateTimeOffset AttemptedAt { get; set; }
    public int? StatusCode { get; set; }
    /// <summary>Meta's error (code and message), or the network failure.</summary>
    public string? Error { get; set; }
}
