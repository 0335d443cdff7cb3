using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;
using ReferralStudio.Hosting;

namespace ReferralStudio.Auth;

/// <summary>How sign-in attempts are slowed down (section <c>SignIn</c>).</summary>
public sealed class SignInThrottleOptions
{
    public const string Section = "SignIn";

    /// <summary>Failed attempts from one client for one email before delays begin.</summary>
    public int FreeFailures { get; set; } = 3;

    /// <summary>Failed attempts from one client for any emails before delays begin (an office shares one address).</summary>
    public int FreeClientFailures { get; set; } = 10;

    /// <summary>Failed attempts for one email from every client together before delays begin (a spread-out guessing run).</summary>
    public int FreeAccountFailures { get; set; } = 20;

    /// <summary>The first delay; each further failure doubles it, up to <see cref="MaxDelay"/>.</summary>
    public TimeSpan FirstDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Failures older than this are forgotten.</summary>
    public TimeSpan Memory { get; set; } = TimeSpan.FromHours(1);

    internal IEnumerable<string?> Rules() =>
    [
        OptionsRules.AtLeast(FreeFailures, 1, $"{Section}:FreeFailures"),
        OptionsRules.AtLeast(FreeClientFailures, 1, $"{Section}:FreeClientFailures"),
        OptionsRules.AtLeast(FreeAccountFailures, 1, $"{Section}:FreeAccountFailures"),
        OptionsRules.Positive(FirstDelay, $"{Section}:FirstDelay"),
        OptionsRules.Positive(MaxDelay, $"{Section}:MaxDelay"),
        OptionsRules.Positive(Memory, $"{Section}:Memory"),
    ];
}

/// <summary>
/// Growing delays after failed sign-ins instead of a lock-out an attacker could hold: counted per client and email,
/// per client, and per email across all clients (with a much larger allowance), so guessing from one address slows
/// that address down while the account's owner, elsewhere, still signs in. The counters know emails, not users, so
/// an unknown email is slowed exactly like a known one. An attempt is counted when it starts and forgiven when it
/// succeeds, so parallel attempts cannot all slip through before the first failure is recorded.
/// </summary>
public sealed class SignInThrottle(IOptions<SignInThrottleOptions> options, TimeProvider time)
{
    /// <summary>Above this many tracked keys, forgotten ones are swept before adding another.</summary>
    private const int SweepAbove = 10_000;

    private readonly ConcurrentDictionary<string, Counter> _counters = new(StringComparer.Ordinal);

    /// <summary>The keys one attempt counts under.</summary>
    public readonly record struct Attempt(string Client, string ClientAndAccount, string Account);

    public static Attempt For(string email, IPAddress? client)
    {
        var address = client?.ToString() ?? "unknown";
        var account = email.Trim().ToUpperInvariant();
        return new("client " + address, "pair " + address + " " + account, "account " + account);
    }

    /// <summary>Zero when the attempt may go ahead (and is now counted), else how long to wait before trying again.</summary>
    public TimeSpan TryBegin(Attempt attempt)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        if (_counters.Count > SweepAbove)
        {
            Sweep(now);
        }

        var counters = new[]
        {
            (_counters.GetOrAdd(attempt.Client, _ => new Counter()), settings.FreeClientFailures),
            (_counters.GetOrAdd(attempt.ClientAndAccount, _ => new Counter()), settings.FreeFailures),
            (_counters.GetOrAdd(attempt.Account, _ => new Counter()), settings.FreeAccountFailures),
        };

        // One lock for the check and the count together: the counters are taken in the same order every time.
        lock (counters[0].Item1)
        lock (counters[1].Item1)
        lock (counters[2].Item1)
        {
            var wait = TimeSpan.Zero;
            foreach (var (counter, free) in counters)
            {
                counter.Forget(now, settings.Memory);
                var left = counter.Last + Delay(counter.Failures, free, settings) - now;
                if (left > wait)
                {
                    wait = left;
                }
            }

            if (wait > TimeSpan.Zero)
            {
                return wait;
            }

            foreach (var (counter, _) in counters)
            {
                counter.Failures++;
                counter.Last = now;
            }

            return TimeSpan.Zero;
        }
    }

    /// <summary>The attempt signed in: this client's failures for this email, and the email's, are forgotten.</summary>
    public void Succeeded(Attempt attempt)
    {
        _counters.TryRemove(attempt.ClientAndAccount, out _);
        _counters.TryRemove(attempt.Account, out _);
    }

    /// <summary>No delay for the first <paramref name="free"/> failures, then doubling from the first delay to the maximum.</summary>
    public static TimeSpan Delay(int failures, int free, SignInThrottleOptions settings)
    {
        if (failures < free)
        {
            return TimeSpan.Zero;
        }

        var doublings = Math.Min(failures - free, 30);
        var delay = settings.FirstDelay * Math.Pow(2, doublings);
        return delay < settings.MaxDelay ? delay : settings.MaxDelay;
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (key, counter) in _counters)
        {
            if (now - counter.Last > options.Value.Memory)
            {
                _counters.TryRemove(key, out _);
            }
        }
    }

    private sealed class Counter
    {
        public int Failures;
        public DateTimeOffset Last;

        public void Forget(DateTimeOffset now, TimeSpan memory)
        {
            if (now - Last > memory)
            {
                Failures = 0;
            }
        }
    }
}
