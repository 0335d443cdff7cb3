using System.Globalization;

namespace ReferralStudio.Outbound.Retry;

/// <summary>
/// When to try a failed delivery again, and whether to. Like Standard Webhooks and Svix, every response
/// other than 2xx counts as a failure and is retried (a receiver's 400 or 404 is as often a deploy in
/// progress as a real rejection), except 410 Gone, which means the receiver wants no more and the
/// endpoint should be disabled.
/// </summary>
public static class RetrySchedule
{
    private static readonly string[] HttpDateFormats =
    [
        "r",                               // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
        "dddd, dd-MMM-yy HH:mm:ss 'GMT'",  // obsolete RFC 850
        "ddd MMM d HH:mm:ss yyyy",         // obsolete asctime (day padded with a space)
    ];

    /// <summary>
    /// The wait before the next attempt after <paramref name="failedAttempts"/> failures, or null to give up.
    /// A <paramref name="retryAfter"/> from the receiver makes the wait at least that long (up to
    /// <see cref="RetryPolicy.MaxRetryAfter"/>). <paramref name="random01"/> is a random number in [0, 1],
    /// passed in so the schedule is testable; 0.5 means no jitter.
    /// </summary>
    public static TimeSpan? NextDelay(RetryPolicy policy, int failedAttempts, TimeSpan? retryAfter, double random01)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentOutOfRangeException.ThrowIfLessThan(failedAttempts, 1);
        if (!(random01 is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(random01), random01, "Must be between 0 and 1.");
        }

        if (failedAttempts >= policy.MaxAttempts)
        {
            return null;
        }

        // In double ticks: 2^(n-1) overflows long long before MaxAttempts could be reached.
        var backoff = Math.Min(policy.MaxDelay.Ticks, policy.BaseDelay.Ticks * Math.Pow(2, failedAttempts - 1));
        var jittered = backoff * (1 + (policy.JitterFraction * ((2 * random01) - 1)));
        var delay = TimeSpan.FromTicks((long)Math.Max(0, jittered));

        if (retryAfter is { } asked)
        {
            var honoured = asked < policy.MaxRetryAfter ? asked : policy.MaxRetryAfter;
            delay = honoured > delay ? honoured : delay;
        }

        return delay;
    }

    /// <summary>
    /// A <c>Retry-After</c> header (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. A date already past
    /// means no wait; anything unparseable is null.
    /// </summary>
    public static TimeSpan? ParseRetryAfter(string? header, DateTimeOffset now)
    {
        var value = header?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (value.All(char.IsAsciiDigit))
        {
            // More than TimeSpan can hold is still "a very long time"; NextDelay caps it anyway.
            return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds <= TimeSpan.MaxValue.TotalSeconds
                ? TimeSpan.FromSeconds(seconds)
                : TimeSpan.MaxValue;
        }

        if (DateTimeOffset.TryParseExact(value, HttpDateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AllowInnerWhite | DateTimeStyles.AssumeUniversal, out var at))
        {
            return at > now ? at - now : TimeSpan.Zero;
        }

        return null;
    }

    /// <summary>A 2xx: delivered.</summary>
    public static bool IsSuccess(int? statusCode) => statusCode is >= 200 and <= 299;

    /// <summary>
    /// Whether a failed attempt is worth repeating: no response at all (network error, timeout) and every
    /// non-2xx except 410 Gone. A 2xx is not a failure, so not retryable either.
    /// </summary>
    public static bool IsRetryable(int? statusCode) => !IsSuccess(statusCode) && !ShouldDisableEndpoint(statusCode);

    /// <summary>410 Gone: the receiver has told us to stop, so the endpoint is disabled rather than retried.</summary>
    public static bool ShouldDisableEndpoint(int? statusCode) => statusCode == 410;
}
