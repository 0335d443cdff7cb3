using ReferralStudio.Hosting;
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

    /// <summary>Deliveries in flight at once; at least 1 (0 would leave the dispatcher waiting forever).</summary>
    public int MaxConcurrency { get; set; } = 8;

    /// <summary>The rules checked at start, each naming its key.</summary>
    internal IEnumerable<string?> Rules() =>
    [
        OptionsRules.Positive(Timeout, $"{Section}:Timeout"),
        OptionsRules.AtLeast(MaxConcurrency, 1, $"{Section}:MaxConcurrency"),
        OptionsRules.Positive(DisableAfter, $"{Section}:DisableAfter"),
        OptionsRules.AtLeast(DisableAfterFailures, 1, $"{Section}:DisableAfterFailures"),
        OptionsRules.NotNegative(PreviousSecretGrace, $"{Section}:PreviousSecretGrace"),
        .. Retry.Rules($"{Section}:Retry"),
    ];
}
