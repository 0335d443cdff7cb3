using ReferralStudio.Hosting;

namespace ReferralStudio.Alerts;

/// <summary>Silence alerts (section <c>Alerts</c>): when an account that usually hears from Meta goes quiet.</summary>
public sealed class AlertOptions
{
    public const string Section = "Alerts";

    public bool Enabled { get; set; } = true;

    /// <summary>An account with a baseline that has had no activity for this long is alerted as silent.</summary>
    public TimeSpan SilenceAfter { get; set; } = TimeSpan.FromHours(6);

    /// <summary>
    /// An account whose messages keep arriving but whose campaign touches (from a platform with a referral baseline)
    /// stopped this long ago is alerted as referral-silent.
    /// </summary>
    public TimeSpan ReferralSilenceAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How far back "usually" looks.</summary>
    public TimeSpan BaselineWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// "Usually receives": at least this many conversations with activity (for silence), or campaign touches (for
    /// referral silence), in the baseline window. Smaller accounts never alert.
    /// </summary>
    public int MinimumBaseline { get; set; } = 20;

    internal IEnumerable<string?> Rules() =>
    [
        OptionsRules.Positive(SilenceAfter, $"{Section}:{nameof(SilenceAfter)}"),
        OptionsRules.Positive(ReferralSilenceAfter, $"{Section}:{nameof(ReferralSilenceAfter)}"),
        OptionsRules.Positive(BaselineWindow, $"{Section}:{nameof(BaselineWindow)}"),
        OptionsRules.AtLeast(MinimumBaseline, 1, $"{Section}:{nameof(MinimumBaseline)}"),
        SilenceAfter < BaselineWindow && ReferralSilenceAfter < BaselineWindow
            ? null
            : $"{Section}:{nameof(SilenceAfter)} and {Section}:{nameof(ReferralSilenceAfter)} must be shorter than {Section}:{nameof(BaselineWindow)} ({BaselineWindow}).",
    ];
}
