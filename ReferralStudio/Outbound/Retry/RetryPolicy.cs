using ReferralStudio.Hosting;

namespace ReferralStudio.Outbound.Retry;

/// <summary>
/// How failed deliveries are retried: exponential backoff with jitter, long enough that a receiver that is
/// down for a day still gets every event.
/// </summary>
public sealed class RetryPolicy
{
    /// <summary>The wait after the first failure; each further failure doubles it.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait before jitter is applied (so up to <c>MaxDelay × (1 + JitterFraction)</c>).</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromHours(6);

    /// <summary>
    /// Delivery attempts in all, the first included. With the other defaults, 15 attempts keep retrying for at
    /// least 26 hours even if every jittered wait comes out shortest (about 32.5 hours on average).
    /// </summary>
    public int MaxAttempts { get; set; } = 15;

    /// <summary>Each wait is scaled by a random factor in [1 − f, 1 + f] so failed receivers are not hit in lockstep.</summary>
    public double JitterFraction { get; set; } = 0.2;

    /// <summary>The most a receiver's <c>Retry-After</c> can postpone the next attempt.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The rules checked at start, naming keys under <paramref name="section"/>.</summary>
    internal IEnumerable<string?> Rules(string section) =>
    [
        OptionsRules.Positive(BaseDelay, $"{section}:BaseDelay"),
        MaxDelay >= BaseDelay ? null : $"{section}:MaxDelay must be at least {section}:BaseDelay (it is {MaxDelay}, below {BaseDelay}).",
        OptionsRules.AtLeast(MaxAttempts, 1, $"{section}:MaxAttempts"),
        OptionsRules.Between(JitterFraction, 0, 1, $"{section}:JitterFraction"),
        OptionsRules.NotNegative(MaxRetryAfter, $"{section}:MaxRetryAfter"),
    ];
}
