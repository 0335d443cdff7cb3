using ReferralStudio.Hosting;

namespace ReferralStudio.Privacy;

/// <summary>Privacy settings (section <c>Privacy</c>).</summary>
public sealed class PrivacyOptions
{
    public const string Section = "Privacy";

    /// <summary>
    /// Off when unset: message texts are kept. Set (e.g. <c>90.00:00:00</c>), the texts of messages received longer ago
    /// are cleared from the events (and their raw JSON) and from the payloads of outbound <c>message.received</c> events;
    /// the events themselves, their times and attribution stay.
    /// </summary>
    public TimeSpan? RetainMessageTextsFor { get; set; }

    internal IEnumerable<string?> Rules() =>
    [
        RetainMessageTextsFor is { } retain
            ? OptionsRules.Positive(retain, $"{Section}:{nameof(RetainMessageTextsFor)}")
            : null,
    ];
}
