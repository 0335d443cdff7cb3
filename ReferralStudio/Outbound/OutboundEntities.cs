namespace ReferralStudio.Outbound;

/// <summary>An integrator's endpoint and the event types it receives.</summary>
public sealed class WebhookSubscription
{
    public long Id { get; set; }
    public string Url { get; set; } = "";
    public List<string> Events { get; set; } = [];
    /// <summary>The signing secret (<c>whsec_...</c>); shown once when created or rotated.</summary>
    public string Secret { get; set; } = "";
    /// <summary>After a rotation the old secret also signs until it expires, so receivers can switch without gaps.</summary>
    public string? PreviousSecret { get; set; }
    public DateTimeOffset? PreviousSecretExpiresAt { get; set; }
    public bool Enabled { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? DisabledAt { get; set; }
    public string? DisabledReason { get; set; }
    public int ConsecutiveFailures { get; set; }
    public DateTimeOffset? FailingSince { get; set; }
}

public enum OutboundStatus
{
    Pending = 0,
    Delivered = 1,
    /// <summary>Retries ran out, or the endpoint was disabled: can be replayed by hand.</summary>
    Failed = 2,
}

/// <summary>One event for one subscription, kept until delivered (at-least-once).</summary>
public sealed class OutboundDelivery
{
    public long Id { get; set; }
    public long SubscriptionId { get; set; }
    /// <summary>The <c>webhook-id</c>: the same on every retry, so receivers can de-duplicate.</summary>
    public string MessageId { get; set; } = "";
    public string EventType { get; set; } = "";
    public string Payload { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public OutboundStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    public int? LastStatusCode { get; set; }
    public string? LastError { get; set; }
    /// <summary>Someone asked to send it again; the next attempt is logged as a replay.</summary>
    public bool ReplayRequested { get; set; }
}

/// <summary>One HTTP attempt of an outbound delivery.</summary>
public sealed class OutboundAttempt
{
    public long Id { get; set; }
    public long DeliveryId { get; set; }
    public DateTimeOffset AttemptedAt { get; set; }
    public int? StatusCode { get; set; }
    public int LatencyMs { get; set; }
    public string? Error { get; set; }
    /// <summary>Sent because someone pressed replay.</summary>
    public bool Replay { get; set; }
}
