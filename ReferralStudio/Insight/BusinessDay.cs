using System.Globalization;
using Microsoft.Extensions.Options;

namespace ReferralStudio.Insight;

/// <summary>One calendar day in the business's time zone, as the instants it runs between: [Start, End), both UTC.</summary>
public readonly record struct DayWindow(DateOnly Day, DateTimeOffset Start, DateTimeOffset End)
{
    public bool Contains(DateTimeOffset instant) => instant >= Start && instant < End;
}

/// <summary>
/// Days in the business's time zone (<see cref="StudioOptions.TimeZone"/>): which day "today" is, where a day starts and
/// ends as UTC instants (the database stores UTC), and which day an instant falls on. A day is usually 24 hours; on the
/// days clocks change it is 23 or 25. Everything that counts "today" asks this one service, so the overview and the
/// live board count the same day.
/// </summary>
public sealed class BusinessDay
{
    private readonly TimeProvider _time;

    public BusinessDay(TimeProvider time, IOptions<StudioOptions> options)
        : this(time, TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone))
    {
    }

    public BusinessDay(TimeProvider time, TimeZoneInfo zone)
    {
        _time = time;
        Zone = zone;
    }

    public TimeZoneInfo Zone { get; }

    public DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>Today in the business's zone.</summary>
    public DateOnly Today => DayOf(Now);

    /// <summary>Today's window: from its start in the business's zone (usually 00:00) to the next day's.</summary>
    public DayWindow TodayWindow => Window(Today);

    /// <summary>The day in the business's zone that <paramref name="instant"/> falls on.</summary>
    public DateOnly DayOf(DateTimeOffset instant) => DateOnly.FromDateTime(ToLocal(instant).DateTime);

    public bool IsToday(DateTimeOffset instant) => DayOf(instant) == Today;

    /// <summary><paramref name="instant"/> on the business's clock (for showing times).</summary>
    public DateTimeOffset ToLocal(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Zone);

    public DayWindow Window(DateOnly day) => new(day, StartOf(day), StartOf(day.AddDays(1)));

    /// <summary>The windows of <paramref name="first"/> to <paramref name="last"/>, both included (none when last is before first).</summary>
    public IEnumerable<DayWindow> Windows(DateOnly first, DateOnly last)
    {
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            yield return Window(day);
            if (day == DateOnly.MaxValue)
            {
                yield break;
            }
        }
    }

    /// <summary>What a count since the start of today covers, in words: "Conversations attributed since 00:00 Europe/Berlin".</summary>
    public string Describe(string counted) => string.Create(CultureInfo.InvariantCulture, $"{counted} since {ToLocal(TodayWindow.Start):HH:mm} {Zone.Id}");

    /// <summary>
    /// The first instant of <paramref name="day"/>: local midnight, unless the clocks skip it (the day then starts when
    /// they jump) or pass it twice (the first time). No zone changes its offset twice within two days, so the offsets a
    /// day before and a day after midnight are the only candidates. A day a zone skipped altogether (Samoa's 30 December
    /// 2011) starts and ends where the next one starts.
    /// </summary>
    private DateTimeOffset StartOf(DateOnly day)
    {
        var midnight = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        DateTimeOffset? start = null;
        foreach (var offset in (TimeSpan[])[Zone.GetUtcOffset(midnight.AddDays(-1)), Zone.GetUtcOffset(midnight.AddDays(1))])
        {
            var candidate = new DateTimeOffset(DateTime.SpecifyKind(midnight - offset, DateTimeKind.Utc));
            if (DayOf(candidate) == day && (start is null || candidate < start))
            {
                start = candidate;
            }
        }

        return start ?? StartOf(day.AddDays(1));
    }
}
