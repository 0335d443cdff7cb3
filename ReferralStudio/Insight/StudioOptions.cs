namespace ReferralStudio.Insight;

/// <summary>The business the studio reports for (section <c>Studio</c>).</summary>
public sealed class StudioOptions
{
    public const string Section = "Studio";

    /// <summary>
    /// The business's time zone, an IANA id such as <c>Europe/Berlin</c>: "today" on the overview and the live board,
    /// and the days of the overview's chart, are days in this zone.
    /// </summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>The rules checked at start, each naming its key.</summary>
    internal IEnumerable<string?> Rules() =>
    [
        TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone ?? "", out _)
            ? null
            : $"{Section}:TimeZone must be an IANA time zone id such as Europe/Berlin or America/New_York (it is '{TimeZone}', which this machine does not know).",
    ];
}
