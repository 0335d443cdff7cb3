using ReferralStudio.Hosting;

namespace ReferralStudio.Operations;

/// <summary>When <c>/readyz</c> answers 503 (section <c>Readiness</c>): the limits past which this instance should get no traffic.</summary>
public sealed class ReadinessOptions
{
    public const string Section = "Readiness";

    /// <summary>The most deliveries stored but not yet processed.</summary>
    public long MaxBacklog { get; set; } = 100_000;

    /// <summary>The longest the oldest unprocessed delivery may have waited.</summary>
    public TimeSpan MaxLag { get; set; } = TimeSpan.FromMinutes(5);

    internal IEnumerable<string?> Rules() =>
    [
        MaxBacklog >= 0 ? null : $"{Section}:MaxBacklog must not be negative (it is {MaxBacklog}).",
        OptionsRules.NotNegative(MaxLag, $"{Section}:MaxLag"),
    ];
}
