using ReferralStudio.Hosting;
using ReferralStudio.Outbound.Retry;

namespace ReferralStudio.Outbound;

/// <summary>Outbound webhook settings (section <c>Outbound</c>).</summary>
public sealed class OutboundOptions
{
    public const string Section = "Outbound";

    /// <summary>The ports deliveries may go to when <see cref="AllowedPorts"/> is not set.</summary>
    public static IReadOnlyList<int> DefaultAllowedPorts { get; } = [80, 443];

    /// <summary>Allow URLs on private, loopback or link-local addresses: local development and tests only.</summary>
    /// <remarks>It decides addresses only: the port must still be one of <see cref="Ports"/>.</remarks>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>
    /// The ports webhook URLs may use (<c>Outbound:AllowedPorts:0</c>, ...); unset: 80 and 443. A list given here
    /// replaces the default rather than adding to it, so <c>[443]</c> allows 443 alone and a local receiver on
    /// 5005 needs <c>[80, 443, 5005]</c>. (Null rather than a default list: configuration binding appends to a list
    /// that already has items, which would make 80 and 443 impossible to take away.)
    /// </summary>
    public int[]? AllowedPorts { get; set; }

    /// <summary>The ports in force: <see cref="AllowedPorts"/>, or <see cref="DefaultAllowedPorts"/> when it is not set.</summary>
    public IReadOnlyList<int> Ports => AllowedPorts is { Length: > 0 } configured ? configured : DefaultAllowedPorts;

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
        .. (AllowedPorts ?? []).Select((port, i) => OptionsRules.Between(port, 1, 65535, $"{Section}:AllowedPorts:{i}")),
        .. Retry.Rules($"{Section}:Retry"),
    ];
}
