using ReferralStudio.Outbound.Retry;

namespace ReferralStudio.Outbound;

/// <summary>Outbound webhook settings (section <c>Outbound</c>).</summary>
public sealed class OutboundOptions
{
    public const string Section = "Outbound";

    /// <summary>Allow URLs on private, loopback or link-local addresses: local development and tests only.</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>How long one attempt may take before it counts as failed.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Backoff with jitter (<c>Outbound:Retry:BaseDelay</c>, ...); the defaults span more than 24 hours.</summary>
    public RetryPolicy Retry { get; set; } = new();

    /// <summary>An endpoint failing without a single success for this long (and <see cref="DisableAfterFailures"/> times) is disabled.</summary>
    public TimeSpan DisableAfter { get; set; } = TimeSpan.FromHours(24);

    public int DisableAfterFailures { get; set; } = 20;

    /// <summary>After a rotation the previous secret keeps signing this long.</summary>
    public TimeSpan PreviousSecretGrace { get; set; } = TimeSpan.FromHours(24);

    public int MaxConcurrency { get; set; } = 8;
}
