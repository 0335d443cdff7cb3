using ReferralStudio.Hosting;

namespace ReferralStudio.Auth;

/// <summary>How long a dashboard sign-in lasts (section <c>Sessions</c>).</summary>
public sealed class SessionOptions
{
    public const string Section = "Sessions";

    /// <summary>Unused this long, a session ends (each visit moves the end).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromDays(7);

    /// <summary>However active, a session ends this long after signing in.</summary>
    public TimeSpan AbsoluteLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>
    /// How often a session is checked against its user (the security stamp): signing out everywhere, a new password, a
    /// new role or a disabled account end every session within this time, open dashboards included.
    /// </summary>
    public TimeSpan RecheckEvery { get; set; } = TimeSpan.FromMinutes(1);

    internal IEnumerable<string?> Rules() =>
    [
        OptionsRules.Positive(IdleTimeout, $"{Section}:IdleTimeout"),
        OptionsRules.Positive(AbsoluteLifetime, $"{Section}:AbsoluteLifetime"),
        OptionsRules.Positive(RecheckEvery, $"{Section}:RecheckEvery"),
    ];
}
