using System.Globalization;
using ReferralStudio.Insight;

namespace ReferralStudio.Components.Insight;

/// <summary>
/// A range of whole days, both ends included, as the overview and campaign pages pick it and keep it in the
/// address (<c>?from=2026-11-07&amp;until=2026-12-06</c>).
/// </summary>
public sealed record DayRange(DateOnly From, DateOnly Until)
{
    public const string Format = "yyyy-MM-dd";

    public static DayRange Last(int days, DateOnly today) => new(today.AddDays(1 - days), today);

    /// <summary>The instants the days run between in the business's time zone: the start of From to the end of Until (excluded).</summary>
    public (DateTimeOffset Since, DateTimeOffset End) Span(BusinessDay days) => (days.Window(From).Start, days.Window(Until).End);

    public string ToQueryString() => $"from={Text(From)}&until={Text(Until)}";

    /// <summary>The feed's filter for the same days (its until is exclusive, an instant).</summary>
    public string ToFeedQueryString(BusinessDay days)
    {
        var (since, end) = Span(days);
        return $"since={Uri.EscapeDataString(since.ToString("O", CultureInfo.InvariantCulture))}&until={Uri.EscapeDataString(end.ToString("O", CultureInfo.InvariantCulture))}";
    }

    public static string Text(DateOnly day) => day.ToString(Format, CultureInfo.InvariantCulture);

    /// <summary>
    /// Reads <c>from</c> and <c>until</c> from the address; a missing end takes <paramref name="fallback"/>'s, an
    /// unreadable one is reported for its field (and the fallback used), and a From after Until is reported on From.
    /// </summary>
    public static RangeReading Read(string? from, string? until, DayRange fallback)
    {
        var (start, fromError) = Parse(from, fallback.From);
        var (end, untilError) = Parse(until, fallback.Until);
        fromError ??= Check(start, end);
        return new RangeReading(fromError is null && untilError is null ? new DayRange(start, end) : fallback, start, end, fromError, untilError);
    }

    /// <summary>Why a From and an Until cannot make a range, in words for the From field; null when they can.</summary>
    public static string? Check(DateOnly from, DateOnly until) =>
        from > until ? $"From is after Until ({Long(until)}). Pick a day on or before it." : null;

    /// <summary>The same, in words for the Until field (when Until is the end just picked).</summary>
    public static string? CheckUntil(DateOnly from, DateOnly until) =>
        from > until ? $"Until is before From ({Long(from)}). Pick a day on or after it." : null;

    private static string Long(DateOnly day) => day.ToString("d MMM yyyy", CultureInfo.InvariantCulture);

    private static (DateOnly Day, string? Error) Parse(string? text, DateOnly fallback) =>
        string.IsNullOrWhiteSpace(text) ? (fallback, null)
        : DateOnly.TryParseExact(text.Trim(), Format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? (day, null)
        : (fallback, $"\"{text}\" is not a date. Use the calendar, or type it as {Format}.");
}

/// <summary>A range read from the address: the one to show, the values as given, and what was wrong with each field.</summary>
public sealed record RangeReading(DayRange Range, DateOnly From, DateOnly Until, string? FromError, string? UntilError)
{
    public bool Valid => FromError is null && UntilError is null;
}
